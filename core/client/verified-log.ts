// Core side: what this device verified, per contact and per key. After the person accepts a contact's new key,
// a message signed with an earlier key counts as verified only if it is listed here with that key: the server
// cannot be trusted to say when a message was written (timestamps are not signed). An entry is the SHA-256 of
// the signed bytes and the signature (never just the id: a server can reuse an id with other content).
import { BoundedMap } from './bounded.js';
import type { KeyValueStore } from './store.js';

interface LogData {
  /** Fingerprints (64 hex) of the keys that verified something. */
  keys: string[];
  /** digest (64 hex) → index into keys */
  verified: Record<string, number>;
}

const LOADED_CONTACTS = 200;

export class VerifiedLog {
  readonly #store: KeyValueStore;
  readonly #prefix: string;
  readonly #loaded = new BoundedMap<string, LogData>(LOADED_CONTACTS);
  readonly #dirty = new Map<string, LogData>();

  constructor(store: KeyValueStore, namespace: string) {
    this.#store = store;
    this.#prefix = `verified/${namespace}/`;
  }

  async #load(username: string): Promise<LogData> {
    const dirty = this.#dirty.get(username);
    if (dirty) return dirty;
    const loaded = this.#loaded.get(username);
    if (loaded) return loaded;
    let data: LogData = { keys: [], verified: {} };
    const raw = await this.#store.get(this.#prefix + username);
    if (raw !== null) {
      try {
        const parsed = JSON.parse(raw) as LogData;
        if (Array.isArray(parsed.keys) && typeof parsed.verified === 'object' && parsed.verified !== null) data = parsed;
      } catch {
        // A damaged log only makes earlier-key messages show as unchecked: never verified by mistake.
      }
    }
    this.#loaded.set(username, data);
    return data;
  }

  /** True when this device verified exactly these bytes with the key of this fingerprint. */
  async has(username: string, digest: string, keyFingerprint: string): Promise<boolean> {
    const data = await this.#load(username);
    const at = data.verified[digest];
    return at !== undefined && data.keys[at] === keyFingerprint;
  }

  /** Notes a verification; written to the store by flush() (one write per contact per batch). */
  async add(username: string, digest: string, keyFingerprint: string): Promise<void> {
    const data = await this.#load(username);
    if (data.verified[digest] !== undefined && data.keys[data.verified[digest]!] === keyFingerprint) return;
    let at = data.keys.indexOf(keyFingerprint);
    if (at === -1) at = data.keys.push(keyFingerprint) - 1;
    // The first key that verified these bytes is the one kept: a later claim cannot move it.
    if (data.verified[digest] === undefined) data.verified[digest] = at;
    this.#dirty.set(username, data);
  }

  async flush(): Promise<void> {
    const batch = [...this.#dirty];
    this.#dirty.clear();
    for (const [username, data] of batch) {
      this.#loaded.set(username, data);
      await this.#store.set(this.#prefix + username, JSON.stringify(data));
    }
  }
}
