// Core side (runs in Node, Electron main and the browser worker): what this device remembers per server and
// account between sign-ins — the device credential the server handed out, and the salt and rounds of the key.
import { z } from 'zod';
import { MAX_KDF_ITERATIONS } from '../protocol/constants.js';
import { kdfIterationsSchema, kdfSaltSchema } from '../protocol/schemas.js';
import type { KeyValueStore } from './store.js';

export interface KdfParameters {
  kdfSalt: string;
  kdfIterations: number;
}

/** What a header may carry: a damaged or hostile value is neither kept nor sent. */
const DEVICE_CREDENTIAL_PATTERN = /^[\x21-\x7e]{1,4096}$/;
const rememberedKdfSchema = z.object({ kdfSalt: kdfSaltSchema, kdfIterations: kdfIterationsSchema.max(MAX_KDF_ITERATIONS) });

export class DeviceMemory {
  readonly #store: KeyValueStore;
  readonly #serverUrl: string;

  constructor(store: KeyValueStore, serverUrl: string) {
    this.#store = store;
    this.#serverUrl = serverUrl;
  }

  #credentialKey(username: string): string {
    return `device-credential/${this.#serverUrl}|${username}`;
  }

  #kdfKey(username: string): string {
    return `kdf/${this.#serverUrl}|${username}`;
  }

  /** The credential this device got from the server at its last sign-in (sent, never logged or shown). */
  async credentialHeaders(username: string): Promise<Record<string, string>> {
    const credential = await this.#store.get(this.#credentialKey(username));
    return credential !== null && DEVICE_CREDENTIAL_PATTERN.test(credential) ? { 'X-Device-Credential': credential } : {};
  }

  /** Keeps (replacing) the device credential a successful sign-in, registration or password change sent. */
  async keepCredential(username: string, credential: string | null): Promise<void> {
    if (credential === null || !DEVICE_CREDENTIAL_PATTERN.test(credential)) return;
    const key = this.#credentialKey(username);
    if ((await this.#store.get(key)) !== credential) await this.#store.set(key, credential);
  }

  /** kdfSalt and kdfIterations from this device's last sign-in (not secret: useless without the password). */
  async rememberedKdf(username: string): Promise<KdfParameters | null> {
    const raw = await this.#store.get(this.#kdfKey(username));
    if (raw === null) return null;
    try {
      return rememberedKdfSchema.parse(JSON.parse(raw));
    } catch {
      return null;
    }
  }

  async rememberKdf(username: string, sealed: KdfParameters): Promise<void> {
    await this.#store.set(this.#kdfKey(username), JSON.stringify({ kdfSalt: sealed.kdfSalt, kdfIterations: sealed.kdfIterations }));
  }
}
