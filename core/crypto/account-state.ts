// Core side: the sealing of the account state (an addition of this implementation, docs/protocol.md "Read
// state across devices"). Its key comes from the account's private key, which only the account's devices
// can open, so the server stores the blob without being able to read it:
//   key  = HKDF-SHA-512(ikm = PKCS#8 bytes of the private key, salt = UTF-8 username, info = ACCOUNT_STATE_INFO), 32 bytes
//   blob = IV (12, random) ‖ AES-256-GCM(key, plaintext, AAD = ACCOUNT_STATE_INFO ‖ 0x00 ‖ UTF-8 username) ‖ tag (16)
// The PKCS#8 bytes stay the same across password changes and recovery (the same bytes are sealed again), so
// the key does too.
import { open, seal } from './aead.js';
import { ownBytes, subtle, utf8 } from './webcrypto.js';

export const ACCOUNT_STATE_INFO = 'encrypted-chat account state v1';

export function accountStateAad(username: string): Uint8Array<ArrayBuffer> {
  return utf8(`${ACCOUNT_STATE_INFO}\0${username}`);
}

/** The account-state key of `username`, non-extractable, from the private key's PKCS#8 bytes. */
export async function deriveAccountStateKey(pkcs8: Uint8Array, username: string): Promise<CryptoKey> {
  const ikm = await subtle().importKey('raw', ownBytes(pkcs8), 'HKDF', false, ['deriveKey']);
  return subtle().deriveKey(
    { name: 'HKDF', hash: 'SHA-512', salt: utf8(username), info: utf8(ACCOUNT_STATE_INFO) },
    ikm,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

/** `iv` is for rebuilding a fixed example only; every real seal draws a fresh one. */
export async function sealAccountState(key: CryptoKey, username: string, plaintext: Uint8Array, iv?: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  return seal(key, plaintext, accountStateAad(username), iv);
}

/** Throws when the blob was not sealed under this key for this username, or was altered. */
export async function openAccountState(key: CryptoKey, username: string, blob: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  return open(key, blob, accountStateAad(username));
}
