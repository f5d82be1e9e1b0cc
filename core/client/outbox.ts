// Core side: sealed messages not yet acknowledged by the server, by id. A retry re-sends the very same bytes,
// which the server answers 200 (its idempotency), so a message is never duplicated or sealed twice.
import type { DirectSendRequest } from '../protocol/schemas-v2.js';
import type { ConversationKey } from '../api/view.js';
import type { GroupSendPayload } from './server-api.js';
import type { KeyValueStore } from './store.js';

export interface OutboxEntry {
  payload: DirectSendRequest | GroupSendPayload;
  /** SHA-512 of conversation and content, to refuse reusing an id for a different message. */
  digest: string;
  createdAt: string;
  /** Kept with the sealed bytes so a retry after a restart knows where it goes (entries of v1 lack it). */
  conversation?: ConversationKey;
  /** A group announcement: it goes to the server's list, not only to the verified members. */
  announcement?: boolean;
}

export class Outbox {
  readonly #store: KeyValueStore;
  readonly #key: string;

  constructor(store: KeyValueStore, namespace: string) {
    this.#store = store;
    this.#key = `outbox/${namespace}`;
  }

  async #all(): Promise<Record<string, OutboxEntry>> {
    const raw = await this.#store.get(this.#key);
    if (raw === null) return {};
    try {
      return JSON.parse(raw) as Record<string, OutboxEntry>;
    } catch {
      return {};
    }
  }

  async get(id: string): Promise<OutboxEntry | null> {
    return (await this.#all())[id] ?? null;
  }

  async list(): Promise<OutboxEntry[]> {
    return Object.values(await this.#all());
  }

  async put(entry: OutboxEntry): Promise<void> {
    const all = await this.#all();
    all[entry.payload.id] = entry;
    await this.#store.set(this.#key, JSON.stringify(all));
  }

  async remove(id: string): Promise<void> {
    const all = await this.#all();
    if (!(id in all)) return;
    delete all[id];
    await this.#store.set(this.#key, JSON.stringify(all));
  }
}
