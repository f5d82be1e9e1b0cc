// Core side (runs in Node, Electron main and the browser worker): whose key is whose — the keys the server shows
// (checked, cached briefly), the keys this device pinned, and the warning when the two differ.
import type { UserProfile } from '../protocol/schemas.js';
import { fingerprint, formatFingerprint } from '../crypto/fingerprint.js';
import { importPublicKey, type PublicKeys } from '../crypto/rsa.js';
import { ChatError, toChatError } from '../api/errors.js';
import type { KeyChange, KeyStatus } from '../api/view.js';
import { BoundedMap, BoundedSet } from './bounded.js';
import type { EarlierKey } from './pins.js';
import type { KeyConfirmation, KeyLog } from './key-log.js';
import type { ServerApi } from './server-api.js';
import { sameKey, type CurrentSession } from './session.js';

export interface ServerKey {
  profile: UserProfile;
  fingerprint: string;
  fetchedAt: number;
  /** What the key log says of this key (PROTOCOL.md "Key transparency", rule 3). */
  log: KeyConfirmation;
}

export interface PinState {
  /** base64 SPKI of the pinned key */
  pinned: string;
  pinnedFingerprint: string;
  /** Keys the person trusted before the pinned one, newest first. */
  earlier: EarlierKey[];
  /** What the server shows now; null when it could not be fetched. */
  server: ServerKey | null;
  changed: boolean;
  /** The server says the account was deleted (410). */
  deleted: boolean;
}

const SERVER_KEY_TTL_MS = 30_000;
const MAX_SERVER_KEYS = 500;
const MAX_WARNED = 1_000;

export class KeyDirectory {
  readonly #api: ServerApi;
  readonly #keyLog: KeyLog;
  readonly #session: CurrentSession;
  readonly #onKeyChanged: (change: KeyChange) => void;
  readonly #serverKeys = new BoundedMap<string, ServerKey>(MAX_SERVER_KEYS);
  readonly #warned = new BoundedSet<string>(MAX_WARNED);

  constructor(api: ServerApi, keyLog: KeyLog, session: CurrentSession, onKeyChanged: (change: KeyChange) => void) {
    this.#api = api;
    this.#keyLog = keyLog;
    this.#session = session;
    this.#onKeyChanged = onKeyChanged;
  }

  /** What the server shows for `username`, once it proved a valid key with the fingerprint it claims. */
  async serverKey(username: string, fresh: boolean): Promise<ServerKey> {
    const cached = this.#serverKeys.get(username);
    if (!fresh && cached && Date.now() - cached.fetchedAt < SERVER_KEY_TTL_MS) return cached;
    const profile = await this.#api.profile(username);
    try {
      await importPublicKey(profile.publicKey);
    } catch {
      throw new ChatError('protocol_violation', `The server shows a key for ${username} that is not a valid RSA-4096 public key.`);
    }
    const fp = await fingerprint(profile.publicKey);
    if (fp !== profile.fingerprint) throw new ChatError('protocol_violation', `The server shows a wrong fingerprint for ${username}'s key.`);
    const log = await this.#keyLog.confirmKey(username, profile.publicKey, profile.keyIndex);
    const entry = { profile, fingerprint: fp, fetchedAt: Date.now(), log };
    this.#serverKeys.set(username, entry);
    return entry;
  }

  /** The pin, pinning the server's key on first use; warns (once per key) when the server shows another key. */
  async pinAndCompare(username: string, fresh: boolean): Promise<PinState> {
    const s = this.#session();
    let pin = await s.pins.get(username);
    let server: ServerKey | null = null;
    let deleted = false;
    try {
      server = await this.serverKey(username, fresh);
    } catch (error) {
      if (!pin) throw error;
      deleted = toChatError(error).info.code === 'gone';
    }
    if (!pin) {
      refuseUnlogged(username, server!);
      pin = await s.pins.set(username, server!.profile.publicKey, server!.fingerprint);
    }
    const changed = server !== null && server.profile.publicKey !== pin.publicKey;
    if (changed) this.#warnKeyChanged(username, pin.fingerprint, server!.fingerprint);
    return {
      pinned: pin.publicKey,
      pinnedFingerprint: pin.fingerprint,
      earlier: pin.previous ?? [],
      server,
      changed,
      deleted,
    };
  }

  #warnKeyChanged(username: string, pinnedFingerprint: string, newFingerprint: string): void {
    const key = `${username}:${newFingerprint}`;
    if (this.#warned.has(key)) return;
    this.#warned.add(key);
    this.#onKeyChanged({ username, pinnedFingerprint: formatFingerprint(pinnedFingerprint), newFingerprint: formatFingerprint(newFingerprint) });
  }

  async keyStatus(username: string): Promise<KeyStatus> {
    return statusOf(await this.pinAndCompare(username, false));
  }

  /** The key to seal for: the pinned one, refused while the server shows another. */
  async recipientKey(recipient: string): Promise<PublicKeys> {
    const s = this.#session();
    if (recipient === s.username) return s.publicKey;
    const state = await this.pinAndCompare(recipient, false);
    if (state.changed) {
      throw new ChatError(
        'key_changed',
        `${recipient}'s key on the server has changed since you first used it. Compare fingerprints with ${recipient}, and accept the new key before sending.`,
      );
    }
    if (state.server) refuseUnlogged(recipient, state.server);
    return importPublicKey(state.pinned);
  }

  /** The person accepts the key the server shows now (never a key for themselves that is not theirs). */
  async trust(peer: string): Promise<void> {
    const s = this.#session();
    const server = await this.serverKey(peer, true);
    refuseUnlogged(peer, server);
    if (peer === s.username && !(await sameKey(server.profile.publicKey, s.publicKey.spki))) {
      throw new ChatError('tampered', 'The server shows a key for you that is not yours; it cannot be accepted.');
    }
    await s.pins.set(peer, server.profile.publicKey, server.fingerprint);
  }

  /** The server's keys are looked at again from scratch in the next session. */
  clear(): void {
    this.#serverKeys.clear();
  }
}

/** A key the server's log refused is never pinned or accepted (rule 3). */
function refuseUnlogged(username: string, server: ServerKey): void {
  if (server.log.state !== 'refused') return;
  throw new ChatError('tampered', `${server.log.reason} The server may be trying to read what you send ${username}: this key cannot be used.`);
}

export function statusOf(state: PinState): KeyStatus {
  if (state.server === null) return 'unknown';
  return state.changed ? 'changed' : 'pinned';
}
