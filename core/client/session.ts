// Core side (runs in Node, Electron main and the browser worker): one signed-in account's keys and local
// state, and the checks an unlocked private key must pass before a session holds it.
import { encodeBase64 } from '../protocol/base64.js';
import type { UserProfile } from '../protocol/schemas.js';
import { deriveAccountStateKey } from '../crypto/account-state.js';
import { fingerprint } from '../crypto/fingerprint.js';
import { canonicalSpki, importPrivateKey, importPublicKey, publicSpkiOfPrivateKey, type PrivateKeys, type PublicKeys } from '../crypto/rsa.js';
import { ChatError } from '../api/errors.js';
import { ConversationIndex } from './conversation-index.js';
import { GroupRecords } from './group-records.js';
import { Outbox } from './outbox.js';
import { Pins } from './pins.js';
import type { KeyValueStore } from './store.js';
import { VerifiedLog } from './verified-log.js';

export interface Session {
  username: string;
  privateKey: PrivateKeys;
  publicKey: PublicKeys;
  fingerprint: string;
  pins: Pins;
  index: ConversationIndex;
  outbox: Outbox;
  verified: VerifiedLog;
  groups: GroupRecords;
  /** What "stay signed in" hands to the desktop helper; null unless the session was opened to keep it. */
  secret: { authHash: string; pkcs8: string } | null;
  /** The server session this device holds, learned for stay-signed-in sessions (see devices.ts). */
  sessionId: string | null;
  /** Seals the account state (read markers) that the account's devices share through the server. */
  accountStateKey: CryptoKey;
}

/** The session of the moment, or a notSignedIn error; read at each use, since a session can end mid-call. */
export type CurrentSession = () => Session;

export interface SessionPlace {
  store: KeyValueStore;
  serverUrl: string;
  /** Called before refusing the key: a token must not outlive a sign-in that failed its key checks. */
  dropToken(): void;
}

/** Checks the unlocked key against the server's copy and this device's pin, then builds the session. */
export async function openSession(
  place: SessionPlace,
  username: string,
  pkcs8: Uint8Array,
  profile: UserProfile,
  authHash: string | null,
): Promise<Session> {
  const { store, serverUrl } = place;
  let ownSpki: string;
  let privateKey: PrivateKeys;
  try {
    [ownSpki, privateKey] = await Promise.all([publicSpkiOfPrivateKey(pkcs8), importPrivateKey(pkcs8)]);
  } catch {
    place.dropToken();
    throw new ChatError('tampered', 'Your private key opened but is not a valid RSA-4096 key.');
  }
  if (!(await sameKey(ownSpki, profile.publicKey))) {
    place.dropToken();
    throw new ChatError('tampered', 'The server shows a public key for your account that does not match your private key. Do not use this server.');
  }
  const namespace = `${serverUrl}|${username}`;
  const pins = new Pins(store, namespace);
  const ownFingerprint = await fingerprint(ownSpki);
  const pinned = await pins.get(username);
  if (pinned && !(await sameKey(pinned.publicKey, ownSpki))) {
    place.dropToken();
    throw new ChatError('tampered', 'Your account now has a different key than the one this device pinned for you. The account may have been replaced on the server.');
  }
  if (!pinned) await pins.set(username, ownSpki, ownFingerprint);
  return {
    username,
    privateKey,
    publicKey: await importPublicKey(ownSpki),
    fingerprint: ownFingerprint,
    pins,
    index: await ConversationIndex.load(store, namespace),
    outbox: new Outbox(store, namespace),
    verified: new VerifiedLog(store, namespace),
    groups: new GroupRecords(store, namespace),
    secret: authHash === null ? null : { authHash, pkcs8: encodeBase64(pkcs8) },
    sessionId: null,
    accountStateKey: await deriveAccountStateKey(pkcs8, username),
  };
}

/** Two SPKI encodings of the same key compare equal (re-exported in canonical DER). */
export async function sameKey(a: string, b: string): Promise<boolean> {
  if (a === b) return true;
  try {
    const [ca, cb] = await Promise.all([canonicalSpki(a), canonicalSpki(b)]);
    return ca === cb;
  } catch {
    return false;
  }
}
