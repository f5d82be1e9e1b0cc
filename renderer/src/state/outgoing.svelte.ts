// Window: the messages a conversation is sending — pending until the core answers, failed with the
// reason a person can act on, sent again with the same id on retry.
import type { ChatApi, ConversationKey, MessageView } from '../../../core/api/chat-api.js';
import { toChatErrorInfo } from '../../../core/api/errors.js';
import { describeError } from '../lib/errors.js';
import type { PendingMessage } from '../lib/rows.js';

export class Outgoing {
  pending = $state<PendingMessage[]>([]);

  readonly #api: Pick<ChatApi, 'send'>;
  readonly #conversation: ConversationKey;
  readonly #newId: () => string;
  /** Told of each message the core accepted, with its verified view. */
  readonly #onSent: (view: MessageView) => void;

  constructor(api: Pick<ChatApi, 'send'>, conversation: ConversationKey, newId: () => string, onSent: (view: MessageView) => void) {
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
    this.#update(id, { state: 'pending', error: null, held: false });
    await this.#deliver(id);
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
      this.#update(id, { state: 'failed', error: describeError(info), held: info.code === 'held' });
    }
  }

  #update(id: string, change: Partial<PendingMessage>): void {
    this.pending = this.pending.map((p) => (p.id === id ? { ...p, ...change } : p));
  }
}
