// What a ChatApi contract run needs from an implementation's setup (the world it runs in), and the checks of
// shapes (views, events, errors) that the contract applies to every answer.
import { afterEach, beforeEach, expect } from 'vitest';
import type { ChatApi, ChatErrorCode, ChatEvent, ContactDetails, Credentials, MessageHeaderView } from '../../core/api/chat-api.js';
import { ChatError } from '../../core/api/errors.js';

export interface ContractWorld {
  /** The implementation under test, signed out. */
  api: ChatApi;
  /** An account that exists, with its password (signed out at first). */
  me: Credentials;
  /** Another account, who sends `me` messages through whatever the implementation has for that. */
  peer: { username: string; send(text: string): Promise<void> };
  /** A third account, that `me` writes to. */
  third: string;
  /** A valid username that no account has. */
  nobody: string;
  /** The common prefix of me, peer and third, and of no other account. */
  prefix: string;
  /** The links the implementation opened (in a tab, or in the system browser), in order. */
  opened: string[];
  /** Signs `me` in on another device (with the password `me` has now), called `device` in the device list. */
  signInElsewhere(device: string, password?: string): Promise<void>;
  close(): Promise<void>;
}

export type ContractSetup = () => Promise<ContractWorld>;

/**
 * A fresh world from `setup` for every test of the calling describe block, handed to `use` before the test.
 * Its events are recorded from the start, before anyone signs in, as the window subscribes; after the test the
 * world is closed and every event it sent must have the protocol's shape.
 */
export function freshWorldEachTest(setup: ContractSetup, use: (world: ContractWorld, events: ChatEvent[]) => void): void {
  let world: ContractWorld | undefined;
  let events: ChatEvent[] = [];
  beforeEach(async () => {
    world = await setup();
    events = [];
    world.api.onEvent((event) => events.push(event));
    use(world, events);
  });
  afterEach(async () => {
    await world?.close();
    for (const event of events) expectEventShape(event);
  });
}

export const FINGERPRINT = /^[0-9a-f]{4}( [0-9a-f]{4}){15}$/;

/** An ISO 8601 UTC timestamp as the server assigns them. */
export const isoTimestamp = () => expect.toSatisfy((t: unknown) => typeof t === 'string' && new Date(t).toISOString() === t, 'an ISO 8601 UTC timestamp');

export const positiveInteger = () => expect.toSatisfy((n: unknown) => Number.isInteger(n) && (n as number) > 0, 'a positive integer');

/** The ChatError a call rejects with; fails the test when it resolves or rejects with anything else. */
export async function chatError(promise: Promise<unknown>, code: ChatErrorCode): Promise<ChatError> {
  const outcome = await promise.then(
    (value) => ({ resolved: value }),
    (error: unknown) => ({ rejected: error }),
  );
  if ('resolved' in outcome) throw new Error(`expected a rejection with ${code}, got ${JSON.stringify(outcome.resolved)}`);
  const error = outcome.rejected;
  expect(error).toBeInstanceOf(ChatError);
  const info = (error as ChatError).info;
  expect(info).toEqual({ code, message: expect.stringMatching(/\S/) });
  return error as ChatError;
}

/** A header as the window gets it from conversation() and message events: exactly these fields. */
export function header(fields: Partial<MessageHeaderView> & { sender: string; recipient: string; outgoing: boolean }) {
  const conversation = fields.outgoing ? fields.recipient : fields.sender;
  return { id: expect.stringMatching(/^[0-9a-f-]{36}$/), seq: positiveInteger(), timestamp: isoTimestamp(), group: null, conversation, ...fields };
}

/** A group message's header as the window gets it. */
export function groupHeader(group: string, fields: Partial<MessageHeaderView> & { sender: string; outgoing: boolean }) {
  return { id: expect.stringMatching(/^[0-9a-f-]{36}$/), seq: positiveInteger(), timestamp: isoTimestamp(), recipient: null, group, conversation: `group:${group}`, ...fields };
}

const nullOr = (matcher: unknown) => expect.toBeOneOf([null, matcher]);

/** Any MessageView, every field of the right kind. */
export function messageViewShape() {
  return {
    id: expect.stringMatching(/^[0-9a-f-]{36}$/),
    seq: positiveInteger(),
    sender: expect.any(String),
    recipient: nullOr(expect.any(String)),
    group: nullOr(expect.any(String)),
    conversation: expect.any(String),
    timestamp: isoTimestamp(),
    outgoing: expect.any(Boolean),
    text: nullOr(expect.any(String)),
    status: expect.any(String),
    reason: nullOr(expect.any(String)),
    kind: expect.toBeOneOf(['message', 'change', 'announcement']),
    replyTo: nullOr(expect.any(String)),
    edited: expect.any(Boolean),
    deleted: expect.toBeOneOf([null, 'by_sender', 'by_server']),
    reactions: expect.any(Array),
    senderClock: nullOr(expect.any(String)),
    warning: nullOr(expect.any(String)),
  };
}

/** Any GroupView. */
export function groupViewShape(fields: Record<string, unknown> = {}) {
  return {
    id: expect.stringMatching(/^[0-9a-f-]{36}$/),
    conversation: expect.stringMatching(/^group:[0-9a-f-]{36}$/),
    name: nullOr(expect.any(String)),
    members: expect.any(Array),
    owner: nullOr(expect.any(String)),
    serverMembers: expect.any(Array),
    sending: expect.toBeOneOf(['ok', 'held', 'blocked', 'not_a_member']),
    warnings: expect.any(Array),
    unread: expect.any(Number),
    lastActivity: nullOr(isoTimestamp()),
    lastSeq: nullOr(positiveInteger()),
    ...fields,
  };
}

/** What a plain verified text message adds to its header once read. */
export function shownText(text: string) {
  return { text, status: 'verified', reason: null, kind: 'message', replyTo: null, edited: false, deleted: null, reactions: [], senderClock: null, warning: null };
}

export function details(username: string, fields: Partial<ContactDetails> = {}): ContactDetails {
  return {
    username,
    keyStatus: 'pinned',
    pinnedFingerprint: expect.stringMatching(FINGERPRINT),
    serverFingerprint: null,
    createdAt: isoTimestamp(),
    blocked: false,
    earlierKeys: [],
    deleted: false,
    keyLog: 'confirmed',
    keyLogDetail: null,
    ...fields,
  };
}

/** The shape view.ts gives each kind of event; an event of another kind, or with other fields, fails. */
export function expectEventShape(event: ChatEvent): void {
  switch (event.type) {
    case 'message':
      if (event.message.group === null) {
        expect(event).toEqual({ type: 'message', message: header({ sender: expect.any(String), recipient: expect.any(String), outgoing: expect.any(Boolean), conversation: expect.any(String) }) });
      } else {
        expect(event).toEqual({ type: 'message', message: groupHeader(event.message.group, { sender: expect.any(String), outgoing: expect.any(Boolean) }) });
      }
      return;
    case 'message_updated': {
      const { files, ...message } = event.message;
      expect({ ...event, message }).toEqual({ type: 'message_updated', message: messageViewShape() });
      if (files !== undefined) expect(files).toEqual(expect.any(Array));
      return;
    }
    case 'transfer':
      expect(event).toEqual({
        type: 'transfer',
        transfer: expect.any(String),
        done: expect.any(Number),
        total: expect.any(Number),
        state: expect.toBeOneOf(['running', 'done', 'failed', 'cancelled']),
        ...(event.error === undefined ? {} : { error: expect.stringMatching(/\S/) }),
      });
      return;
    case 'group_changed':
      expect(event).toEqual({ type: 'group_changed', group: groupViewShape() });
      return;
    case 'connection':
      expect(event).toEqual({ type: 'connection', state: expect.toBeOneOf(['online', 'connecting', 'offline']), detail: expect.toBeOneOf([null, expect.any(String)]) });
      return;
    case 'progress':
      expect(event).toEqual({
        type: 'progress',
        progress: {
          phase: expect.toBeOneOf(['generating_key', 'deriving_login_key', 'deriving_storage_key', 'unlocking', 'sealing']),
          fraction: expect.toBeOneOf([null, expect.toSatisfy((f: number) => f >= 0 && f <= 1)]),
          label: expect.stringMatching(/\S/),
        },
      });
      return;
    case 'signed_out':
      expect(event).toEqual({ type: 'signed_out', reason: expect.stringMatching(/\S/) });
      return;
    case 'key_log':
      expect(event.keyLog).toEqual({
        available: expect.any(Boolean),
        size: expect.toBeOneOf([null, expect.any(Number)]),
        checkedSize: expect.any(Number),
        logKeyFingerprint: expect.toBeOneOf([null, expect.any(String)]),
        offeredKeyFingerprint: expect.toBeOneOf([null, expect.any(String)]),
        // An honest server never raises one.
        alarms: [],
      });
      return;
    case 'key_changed':
      expect(event).toEqual({
        type: 'key_changed',
        change: { username: expect.any(String), pinnedFingerprint: expect.stringMatching(FINGERPRINT), newFingerprint: expect.stringMatching(FINGERPRINT) },
      });
      return;
    default:
      throw new Error(`an event of no known type: ${JSON.stringify(event)}`);
  }
}
