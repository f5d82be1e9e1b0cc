// Window: the messages a conversation is sending — pending until the core answers, waiting for a connection
// (sent again by themselves once it is back), refused for good (to be edited), or failed with the reason a
// person can act on; always sent again with the same id, so the server never stores one twice.
import type { ChatApi, ChatErrorCode, ConversationKey, MessageView } from '../../../core/api/chat-api.js';
import { toChatErrorInfo } from '../../../core/api/errors.js';
import { describeError } from '../lib/errors.js';
import type { PendingMessage } from '../lib/rows.js';

/** Failures that a connection (or signing in again) cures: the message waits and goes out by itself. */
const WAITS_FOR_CONNECTION = new Set<ChatErrorCode>(['server_unreachable', 'server_error', 'unauthorized', 'locked']);
/** The server's answer stands whatever is tried again (400, 404, 403, 410, 413): the text can only be edited. */
const REFUSED_FOR_GOOD = new Set<ChatErrorCode>(['invalid_input', 'not_found', 'forbidden', 'gone', 'quota_exceeded']);

export class Outgoing {
  pending = $state<PendingMessage[]>([]);

  readonly #api: Pick<ChatApi, 'send'>;
  readonly #conversation: ConversationKey;
  readonly #newId: () => string;
  /** Told of each message the core accepted, with its verified view. */
  readonly #onSent: (view: MessageView) => void;
  readonly #connected: () => boolean;

  constructor(
    api: Pick<ChatApi, 'send'>,
    conversation: ConversationKey,
    newId: () => string,
    onSent: (view: MessageView) => void,
    /** Whether the live connection is up: a network failure while it is up is an ordinary failure, with Retry. */
    connected: () => boolean = () => true,
  ) {
    this.#connected = connected;
    this.#api = api;
    this.#conversation = conversation;
    this.#newId = newId;
    this.#onSent = onSent;
  }

  /** Sends `text` (as a reply to `replyTo`, when given); blank text sends nothing. */
  async send(text: string, replyTo: string | null = null): Promise<void> {
    const body = text.replace(/^\s*\n/, '').trimEnd();
    if (!body.trim()) return;
    const id = this.#newId();
    this.pending = [
      ...this.pending,
      { id, conversation: this.#conversation, text: body, replyTo, state: 'pending', error: null, createdAt: new Date().toISOString() },
    ];
    await this.#deliver(id);
  }

  /** Sends a failed message again with the same id, so the server never stores it twice. */
  async retry(id: string): Promise<void> {
    if (!this.pending.some((p) => p.id === id && p.state === 'failed')) return;
    this.#update(id, { state: 'pending', error: null, held: false, waiting: false });
    await this.#deliver(id);
  }

  /** The connection is back: what waited for it goes out now, oldest first. */
  async retryWaiting(): Promise<void> {
    for (const message of this.pending.filter((p) => p.state === 'failed' && p.waiting === true)) await this.retry(message.id);
  }

  /** Messages carried over from a session that ended elsewhere: shown again and sent, with their own ids. */
  async resume(messages: readonly PendingMessage[]): Promise<void> {
    const known = new Set(this.pending.map((p) => p.id));
    const fresh = messages.filter((m) => m.conversation === this.#conversation && !known.has(m.id));
    if (fresh.length === 0) return;
    this.pending = [...this.pending, ...fresh.map((m) => ({ ...m, state: 'pending' as const, error: null, held: false, waiting: false, refused: false }))];
    for (const message of fresh) await this.#deliver(message.id);
  }

  /** What is still to be sent (not refused for good): kept when the session ends elsewhere. */
  unsent(): PendingMessage[] {
    return this.pending.filter((p) => p.refused !== true);
  }

  /** The group may be written to again: what waited for its membership goes out now. */
  async retryHeld(): Promise<void> {
    for (const message of this.pending.filter((p) => p.state === 'failed' && p.held === true)) await this.retry(message.id);
  }

  discard(id: string): void {
    this.pending = this.pending.filter((p) => p.id !== id);
  }

  /** These messages are in the conversation now (sent from here, or echoed by the live stream). */
  arrived(ids: ReadonlySet<string>): void {
    if (this.pending.some((p) => ids.has(p.id))) this.pending = this.pending.filter((p) => !ids.has(p.id));
  }

  async #deliver(id: string): Promise<void> {
    const message = this.pending.find((p) => p.id === id);
    if (!message) return;
    try {
      const reply = message.replyTo === null ? {} : { replyTo: message.replyTo };
      const view = await this.#api.send({ conversation: this.#conversation, text: message.text, id, ...reply });
      this.#onSent(view);
      this.discard(id);
    } catch (error) {
      const info = toChatErrorInfo(error);
      this.#update(id, {
        state: 'failed',
        error: describeError(info),
        held: info.code === 'held',
        waiting: WAITS_FOR_CONNECTION.has(info.code) && (!this.#connected() || info.code === 'unauthorized' || info.code === 'locked'),
        refused: REFUSED_FOR_GOOD.has(info.code),
      });
    }
  }

  #update(id: string, change: Partial<PendingMessage>): void {
    this.pending = this.pending.map((p) => (p.id === id ? { ...p, ...change } : p));
  }
}
