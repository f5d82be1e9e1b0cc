// Core side (runs in Node, Electron main and the browser worker): reading messages — each record opened and its
// signature checked against the pinned key (or an earlier one verified here), never trusting the listing.
// What it gives is one message on its own; content-view.ts then applies edits, deletions and reactions.
import { anyMessageRecordSchema, type AnyMessageRecord } from '../protocol/schemas-v2.js';
import { verifyOpened } from '../crypto/message-crypto.js';
import { openRecord } from '../crypto/message-v2.js';
import { readContent, treeHeadSchema, type KnownContent } from '../protocol/content.js';
import { parseStrictJson } from '../protocol/strict-json.js';
import { importPublicKey } from '../crypto/rsa.js';
import { subtle, toHex } from '../crypto/webcrypto.js';
import { ChatError, toChatError } from '../api/errors.js';
import type { FailureCode, MessageHeaderView, MessageView } from '../api/view.js';
import { BoundedMap } from './bounded.js';
import type { KeyDirectory, PinState } from './key-directory.js';
import { fileViews } from './content-view.js';
import type { KeyLog } from './key-log.js';
import { isDirect, type Listings } from './listings.js';
import type { ServerApi } from './server-api.js';
import type { CurrentSession } from './session.js';

/** One message as read on its own: its view before other messages change it, and what it verified to say. */
export interface ReadItem {
  view: MessageView;
  /** The verified format 2 content object, when it is one of the table's. */
  content: KnownContent | null;
  /** The server erased its encrypted fields (DELETE /messages/{id}); only the header is left. */
  erased: boolean;
  /** A group message's recipients, as its header bound them. */
  recipients: string[] | null;
}

interface Opened {
  text: string;
  signature: Uint8Array;
  signed: Uint8Array;
  /** 2: the text is a content object (PROTOCOL.md "v2 message content"), read only once verified. */
  format?: 1 | 2;
}

const MAX_READ_CACHE = 2_000;
const NEEDS_NEWER = 'This message needs a newer version of Encrypted Chat to be shown.';

/** A view with nothing applied yet: a bubble of its own. */
export function plainView(base: MessageHeaderView, text: string | null, status: MessageView['status'], reason: string | null): MessageView {
  return { ...base, text, status, reason, kind: 'message', replyTo: null, edited: false, deleted: null, reactions: [], senderClock: null, warning: null };
}

export class MessageReader {
  readonly #api: ServerApi;
  readonly #keys: KeyDirectory;
  readonly #keyLog: KeyLog | null;
  readonly #listings: Listings;
  readonly #session: CurrentSession;
  readonly #cache = new BoundedMap<string, ReadItem>(MAX_READ_CACHE);

  constructor(api: ServerApi, keys: KeyDirectory, listings: Listings, session: CurrentSession, keyLog?: KeyLog) {
    this.#api = api;
    this.#keys = keys;
    this.#keyLog = keyLog ?? null;
    this.#listings = listings;
    this.#session = session;
  }

  /** Reads each message on its own; what was verified is written to the verified log once, after the batch. */
  async items(ids: readonly string[]): Promise<ReadItem[]> {
    const s = this.#session();
    try {
      return await Promise.all(ids.map(async (id) => this.#readRecord(id)));
    } finally {
      await s.verified.flush();
    }
  }

  /** The cached reading, if any (no server request). */
  cached(id: string): ReadItem | undefined {
    return this.#cache.get(id);
  }

  /** A reading known without asking the server again (a message this device just sent). */
  remember(item: ReadItem): ReadItem {
    this.#cache.set(item.view.id, item);
    return item;
  }

  /** Read again next time (its record changed on the server, e.g. erased). */
  forget(id: string): void {
    this.#cache.delete(id);
  }

  /** Cached views of this sender were judged with the keys pinned then. */
  forgetViewsOf(peer: string): void {
    for (const [id, item] of this.#cache) if (item.view.sender === peer) this.#cache.delete(id);
  }

  clear(): void {
    this.#cache.clear();
  }

  async #readRecord(id: string): Promise<ReadItem> {
    const cached = this.#cache.get(id);
    if (cached) return cached;
    const s = this.#session();
    // Read from the server each time (not the copy fetched to check a seq): what is shown is what it stores now.
    const found = await this.#api.messageRecord(id);
    if (found === null) throw new ChatError('not_found', 'This message is not on the server (or is not yours).');
    // A v1 server's records have no format: they are format 1 (PROTOCOL.md "v2 message content").
    const data = found.data;
    const parsed = anyMessageRecordSchema.safeParse(typeof data === 'object' && data !== null && !('format' in data) ? { ...data, format: 1 } : data);
    const record = parsed.success ? parsed.data : null;
    const mine = record !== null && (record.sender === s.username || (isDirect(record) ? record.recipient === s.username : record.recipients.includes(s.username)));
    if (!record || record.id !== id || !mine) return this.#unreadable(id, found.data);
    const base = this.#listings.view(record, s.username);
    const recipients = isDirect(record) ? null : record.recipients;
    const item = (view: MessageView, content: KnownContent | null = null): ReadItem => ({ view, content, erased: false, recipients });
    if (record.deletedAt !== undefined) {
      const erased = plainView(base, null, 'verified', null);
      return this.remember({ view: { ...erased, deleted: 'by_server', reason: 'The server erased this message; its sender did not withdraw it.' }, content: null, erased: true, recipients });
    }
    const sealed = sealedFields(record);
    if (!sealed) return this.remember(item(plainView(base, null, 'malformed', 'The server sent this message with missing or badly formed encrypted fields.')));
    const opened = await openRecord(sealed, s.username, s.privateKey);
    if (!opened.ok) return this.remember(item(plainView(base, null, opened.code, opened.reason)));
    const verdict = await this.#verify(base, opened, record.sender);
    // Rule 5 of the key log: the head a contact's message carries is checked against this device's — also when
    // the signature failed, since a head is signed by the log key itself, and a swapped key is what fails it.
    const gossip = record.sender === s.username ? 'none' : await this.#checkGossip(opened);
    if (verdict.status !== 'verified') return verdict.cache ? this.remember(item(verdict.view)) : item(verdict.view);
    const read = withContent(base, opened, recipients);
    if (gossip !== 'suspect') return this.remember(read);
    const warning = 'This message carries a key-log head that the server\'s log key did not sign: it may not be the message its sender wrote.';
    return this.remember({ ...read, view: { ...read.view, warning: read.view.warning ?? warning } });
  }

  async #checkGossip(opened: Opened): Promise<'none' | 'ok' | 'suspect' | 'alarm' | 'unavailable'> {
    if (!this.#keyLog || opened.format !== 2) return 'none';
    const parsed = parseStrictJson(opened.text);
    const head = parsed && typeof parsed.value === 'object' && parsed.value !== null ? treeHeadSchema.safeParse((parsed.value as { head?: unknown }).head) : null;
    if (!head?.success) return 'none';
    return this.#keyLog.checkGossip(head.data).catch(() => 'unavailable' as const);
  }

  /** A record that is not a valid message of the reader's: what can be told of it, failed. */
  #unreadable(id: string, data: unknown): ReadItem {
    const me = this.#session().username;
    const d = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
    const text = (v: unknown) => (typeof v === 'string' ? v : '');
    const sender = text(d.sender);
    const base: MessageHeaderView = {
      id,
      seq: typeof d.seq === 'number' ? d.seq : 0,
      sender,
      recipient: typeof d.recipient === 'string' ? d.recipient : null,
      group: typeof d.group === 'string' ? d.group : null,
      conversation: sender === me ? text(d.recipient) : sender,
      timestamp: text(d.timestamp),
      outgoing: sender === me,
    };
    return { view: plainView(base, null, 'malformed', 'The server sent this message in a form that is not a valid message.'), content: null, erased: false, recipients: null };
  }

  async #verify(base: MessageHeaderView, opened: Opened, sender: string): Promise<{ status: 'verified' } | { status: FailureCode; view: MessageView; cache: boolean }> {
    const s = this.#session();
    const failed = (code: FailureCode, reason: string, cache = true) => ({ status: code, view: plainView(base, null, code, reason), cache });
    if (sender === s.username) return (await verifyOpened(opened, s.publicKey)) ? { status: 'verified' } : failed('bad_signature', badSignature(sender));
    let state: PinState;
    try {
      state = await this.#keys.pinAndCompare(sender, false);
    } catch (error) {
      const detail = toChatError(error).info.message;
      return failed('unknown_sender_key', `The sender's key could not be fetched, so this message cannot be checked. ${detail}`, false);
    }
    if (await verifyOpened(opened, await importPublicKey(state.pinned))) {
      await s.verified.add(sender, await signedDigest(opened), state.pinnedFingerprint);
      return { status: 'verified' };
    }
    const byEarlier = await this.#byEarlierKey(opened, sender, state);
    if (byEarlier === 'verified') return { status: 'verified' };
    if (byEarlier) return failed(byEarlier.code, byEarlier.reason);
    if (!state.changed) {
      // The key may have changed since the cached look: look again before concluding.
      state = await this.#keys.pinAndCompare(sender, true).catch(() => state);
    }
    if (state.changed && state.server && (await verifyOpened(opened, await importPublicKey(state.server.profile.publicKey)))) {
      const reason = `Signed with a new key of ${sender} that you have not accepted. Compare fingerprints with ${sender}, then accept the new key to read it.`;
      return failed('key_changed', reason, false);
    }
    return failed('bad_signature', badSignature(sender));
  }

  /**
   * Signed with a key the person replaced: verified only if this device verified these very bytes with it
   * before (server timestamps are not signed, so "written before the change" cannot be told otherwise).
   * Null when no earlier key made the signature.
   */
  async #byEarlierKey(opened: Opened, sender: string, state: PinState): Promise<'verified' | { code: FailureCode; reason: string } | null> {
    const s = this.#session();
    for (const earlier of state.earlier) {
      if (!(await verifyOpened(opened, await importPublicKey(earlier.publicKey)))) continue;
      if (earlier.disowned) return { code: 'disowned_key', reason: `Signed with a key you said was never ${sender}'s.` };
      if (await s.verified.has(sender, await signedDigest(opened), earlier.fingerprint)) return 'verified';
      return { code: 'earlier_key', reason: `Signed with an earlier key of ${sender}'s, which you replaced; it was not checked on this device before, so it may be forged.` };
    }
    return null;
  }
}

/** The four encrypted fields, when the record has them all. */
function sealedFields(record: AnyMessageRecord) {
  const { senderSessionKey, body, signature } = record;
  if (senderSessionKey === undefined || body === undefined || signature === undefined) return null;
  if (isDirect(record) && record.sessionKey === undefined) return null;
  return { ...record, senderSessionKey, body, signature };
}

/** What identifies the verified content: the signed bytes and the signature, hashed. */
async function signedDigest(opened: { signature: Uint8Array; signed: Uint8Array }): Promise<string> {
  const length = new Uint8Array(4);
  new DataView(length.buffer).setUint32(0, opened.signed.length);
  const all = new Uint8Array(4 + opened.signed.length + opened.signature.length);
  all.set(length, 0);
  all.set(opened.signed, 4);
  all.set(opened.signature, 4 + opened.signed.length);
  return toHex(new Uint8Array(await subtle().digest('SHA-256', all)));
}

function badSignature(sender: string): string {
  return `The signature does not match ${sender}'s key: this message may be forged.`;
}

/** "differs from the server's by more than 10 minutes" (the threshold for showing the sender's clock) */
const CLOCK_SKEW_MS = 10 * 60 * 1000;

/**
 * A verified message on its own. Format 1 is text. Format 2 is a content object: text and replies show their
 * text, files their files' views; a kind this version does not know says so instead of failing.
 */
function withContent(base: MessageHeaderView, opened: Opened, recipients: string[] | null): ReadItem {
  const item = (view: MessageView, content: KnownContent | null = null): ReadItem => ({ view, content, erased: false, recipients });
  if (opened.format !== 2) return item(plainView(base, opened.text, 'verified', null));
  const reading = readContent(opened.text, base.group === null ? 'direct' : 'group');
  if (reading.kind === 'malformed') return item(plainView(base, null, 'malformed', reading.reason));
  if (reading.kind === 'unknown') {
    const skew = Math.abs(Date.parse(reading.content.sentAt) - Date.parse(base.timestamp)) > CLOCK_SKEW_MS;
    return item({ ...plainView(base, null, 'unreadable_format', NEEDS_NEWER), senderClock: skew ? reading.content.sentAt : null });
  }
  return itemOfContent(base, reading.content, recipients);
}

/** The reading of a verified content object of the table (also of one this device just sent). */
export function itemOfContent(base: MessageHeaderView, content: KnownContent, recipients: string[] | null): ReadItem {
  const item = (view: MessageView): ReadItem => ({ view, content, erased: false, recipients });
  const skew = Math.abs(Date.parse(content.sentAt) - Date.parse(base.timestamp)) > CLOCK_SKEW_MS;
  const view = { ...plainView(base, null, 'verified', null), senderClock: skew ? content.sentAt : null };
  switch (content.type) {
    case 'text':
      return item({ ...view, text: content.text, replyTo: content.replyTo ?? null });
    case 'file':
      return item({ ...view, text: content.text ?? null, replyTo: content.replyTo ?? null, files: fileViews(content) });
    case 'edit':
    case 'delete':
    case 'reaction':
      return item({ ...view, kind: 'change' });
    case 'group':
      return item({ ...view, kind: 'announcement' });
  }
}
