// Core side: trust on first use. The public key of each contact (and of the account itself) as first seen,
// kept in the local store under the server URL and the signed-in username. Only `trust` replaces a pin.
import type { KeyValueStore } from './store.js';

export interface PinnedKey {
  /** base64 SPKI DER */
  publicKey: string;
  /** 64 hex digits */
  fingerprint: string;
  pinnedAt: string;
  /**
   * Keys of this contact the person trusted before (newest first). After a key change, a message signed with
   * one of them is verified only if this device verified it before (verified-log.ts); disowned ones never.
   */
  previous?: EarlierKey[];
}

export interface EarlierKey {
  publicKey: string;
  fingerprint: string;
  /** The person said this key was never the contact's: nothing signed with it is shown as verified. */
  disowned?: boolean;
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

  /** Pins `publicKey`; a different key pinned before is kept in `previous` (verifying only what this device checked with it before). */
  async set(username: string, publicKey: string, fingerprint: string): Promise<PinnedKey> {
    const old = await this.get(username);
    const previous = old === null ? [] : [
      ...(old.publicKey === publicKey ? [] : [{ publicKey: old.publicKey, fingerprint: old.fingerprint } as EarlierKey]),
      ...(old.previous ?? []),
    ].filter((key) => key.publicKey !== publicKey);
    const pin: PinnedKey = { publicKey, fingerprint, pinnedAt: new Date().toISOString(), ...(previous.length ? { previous } : {}) };
    await this.#store.set(this.#prefix + username, JSON.stringify(pin));
    return pin;
  }

  /** Marks every earlier key of `username` as never theirs. */
  async disownEarlier(username: string): Promise<PinnedKey | null> {
    const pin = await this.get(username);
    if (!pin?.previous?.length) return pin;
    const updated: PinnedKey = { ...pin, previous: pin.previous.map((key) => ({ ...key, disowned: true })) };
    await this.#store.set(this.#prefix + username, JSON.stringify(updated));
    return updated;
  }
}
