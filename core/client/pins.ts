// Core side: trust on first use. The public key of each contact (and of the account itself) as first seen,
// kept in the local store under the server URL and the signed-in username. Only `trust` replaces a pin.
import type { KeyValueStore } from './store.js';

export interface PinnedKey {
  /** base64 SPKI DER */
  publicKey: string;
  /** 64 hex digits */
  fingerprint: string;
  pinnedAt: string;
}

export class Pins {
  readonly #store: KeyValueStore;
  readonly #prefix: string;

  constructor(store: KeyValueStore, namespace: string) {
    this.#store = store;
    this.#prefix = `pin/${namespace}/`;
  }

  async get(username: string): Promise<PinnedKey | null> {
    const raw = await this.#store.get(this.#prefix + username);
    if (raw === null) return null;
    try {
      const pin = JSON.parse(raw) as PinnedKey;
      if (typeof pin.publicKey === 'string' && typeof pin.fingerprint === 'string') return pin;
    } catch {
      // fall through: an unreadable pin must not be mistaken for "never pinned"
    }
    throw new Error(`the stored key pin of ${username} is damaged`);
  }

  async set(username: string, publicKey: string, fingerprint: string): Promise<PinnedKey> {
    const pin: PinnedKey = { publicKey, fingerprint, pinnedAt: new Date().toISOString() };
    await this.#store.set(this.#prefix + username, JSON.stringify(pin));
    return pin;
  }
}
