// Core side (runs in Node, Electron main and the browser worker): the message lists a person pages through —
// one conversation newest first and backwards by seq, the account's recent messages — and read markers.
import { z } from 'zod';
import { MAX_PAGE_LIMIT } from '../protocol/constants.js';
import type { ListedMessage } from '../protocol/schemas-v2.js';
import { conversationKeySchema } from '../api/schemas.js';
import type { ConversationKey, ConversationPage, MessageHeaderView } from '../api/view.js';
import type { Listings } from './listings.js';
import type { CurrentSession } from './session.js';

export interface PageRequest {
  conversation: ConversationKey;
  limit?: number;
  beforeSeq?: number;
}

/** Extra headers asked for beyond a page, to cover messages that share the boundary's millisecond. */
const SAME_MILLISECOND_MARGIN = 20;
const recentLimitSchema = z.number().int().min(1).max(MAX_PAGE_LIMIT);

export class Conversations {
  readonly #listings: Listings;
  readonly #session: CurrentSession;
  readonly #exclusive: <T>(run: () => Promise<T>) => Promise<T>;
  /** A read marker moved on this device (the account's other devices are told: read-cursor-sync.ts). */
  readonly #readChanged: () => void;

  constructor(listings: Listings, session: CurrentSession, exclusive: <T>(run: () => Promise<T>) => Promise<T>, readChanged: () => void = () => undefined) {
    this.#listings = listings;
    this.#session = session;
    this.#exclusive = exclusive;
    this.#readChanged = readChanged;
  }

  /** One page of a conversation, oldest first; opening it lists the peer even before any message. */
  async page(req: PageRequest): Promise<ConversationPage> {
    const s = this.#session();
    const limit = req.limit ?? 100;
    if (s.index.open(req.conversation)) await this.#exclusive(() => s.index.save());
    let headers: ListedMessage[];
    let fullPage: boolean;
    if (req.beforeSeq === undefined) {
      headers = await this.#listings.conversation(req.conversation, { order: 'desc', limit: limit + 1 });
      fullPage = headers.length === limit + 1;
    } else {
      // The protocol has no "before seq" filter: ask for messages up to the boundary's millisecond, then
      // drop anything at or after the boundary seq.
      const beforeSeq = req.beforeSeq;
      const boundary = await this.#listings.timestampOf(req.conversation, beforeSeq);
      const ask = Math.min(MAX_PAGE_LIMIT, limit + 1 + SAME_MILLISECOND_MARGIN);
      const page = await this.#listings.conversation(req.conversation, { order: 'desc', limit: ask, until: boundary === null ? undefined : addMs(boundary, 1) });
      fullPage = page.length === ask;
      headers = page.filter((h) => h.seq < beforeSeq);
    }
    const hasMore = headers.length > limit || (fullPage && headers.length < limit + 1);
    const messages = headers.slice(0, limit).reverse().map((h) => this.#listings.view(h, s.username));
    return { messages, hasMore };
  }

  /** Headers of the account's messages, oldest first: with `conversation`, one conversation; the newest `limit`. */
  async recent(options: { conversation?: ConversationKey; limit?: number }): Promise<MessageHeaderView[]> {
    const s = this.#session();
    const conversation = options.conversation === undefined ? undefined : conversationKeySchema.parse(options.conversation);
    const limit = recentLimitSchema.parse(options.limit ?? 100);
    const query = { order: 'desc' as const, limit };
    const headers = conversation === undefined ? await this.#listings.listAll(query) : await this.#listings.conversation(conversation, query);
    return headers.reverse().map((h) => this.#listings.view(h, s.username));
  }

  async markRead({ conversation, seq }: { conversation: ConversationKey; seq: number }): Promise<void> {
    const s = this.#session();
    await this.#exclusive(async () => {
      s.index.markRead(conversation, seq);
      await s.index.save();
    });
    this.#readChanged();
  }
}

function addMs(timestamp: string, ms: number): string {
  return new Date(Date.parse(timestamp) + ms).toISOString();
}
