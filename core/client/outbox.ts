// Core side: sealed messages not yet acknowledged by the server, by id. A retry re-sends the very same bytes,
// which the server answers 200 (its idempotency), so a message is never duplicated or sealed twice.
import type { DirectSendRequest } from '../protocol/schemas-v2.js';
import type { KeyValueStore } from './store.js';

export interface OutboxEntry {
  payload: DirectSendRequest;
  /** SHA-512 of recipient and text, to refuse reusing an id for a different message. */
  digest: string;
  createdAt: string;
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
