// Core side: where a client keeps its local state (pins, read markers, sync cursor, outbox). The CLI and the
// desktop app use cli/node-file-store.ts; the web page and tests use MemoryStore.
export interface KeyValueStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

export class MemoryStore implements KeyValueStore {
  readonly #values = new Map<string, string>();

  async get(key: string): Promise<string | null> {
    return this.#values.get(key) ?? null;
  }

  async set(key: string, value: string): Promise<void> {
    this.#values.set(key, value);
  }

  async delete(key: string): Promise<void> {
    this.#values.delete(key);
  }

  /** The keys held, for tests and debugging views. */
  keys(): string[] {
    return [...this.#values.keys()];
  }
}
