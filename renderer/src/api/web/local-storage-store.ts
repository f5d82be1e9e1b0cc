// Web adapter: the client core's KeyValueStore on localStorage. It holds key pins, read markers, the sync
// cursor, the outbox of sealed (encrypted) messages and window settings — never a password, private key or
// token (those live only in the page's memory, so a reload asks for the password again).
import type { KeyValueStore } from '../../../../core/client/store.js';

export class LocalStorageStore implements KeyValueStore {
  readonly #storage: Storage;
  readonly #prefix: string;

  constructor(storage: Storage, prefix = 'encrypted-chat/') {
    this.#storage = storage;
    this.#prefix = prefix;
  }

  async get(key: string): Promise<string | null> {
    return this.#storage.getItem(this.#prefix + key);
  }

  async set(key: string, value: string): Promise<void> {
    try {
      this.#storage.setItem(this.#prefix + key, value);
    } catch (error) {
      // QuotaExceededError, or storage disabled by the browser: say what the person can do.
      throw new Error(
        `This browser refused to save data for Encrypted Chat (${error instanceof Error ? error.name : 'storage error'}). ` +
          'Allow site data for this page, or free some space.',
      );
    }
  }

  async delete(key: string): Promise<void> {
    this.#storage.removeItem(this.#prefix + key);
  }
}
