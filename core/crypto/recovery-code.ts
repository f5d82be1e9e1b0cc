// Core side (runs anywhere): the recovery code of PROTOCOL.md "Accounts (v2)" — 20 random bytes a person writes
// down, shown as base32 in eight groups of four; what the server checks (recoveryAuthHash) and the private key
// sealed with a key derived from the code, so the code alone can restore an account.
import { AUTH_ITERATIONS } from '../protocol/constants.js';
import { importAesKey, open, seal } from './aead.js';
import { pbkdf2Bytes } from './kdf.js';
import { randomBytes, utf8 } from './webcrypto.js';

export const RECOVERY_CODE_BYTES = 20;
export const RECOVERY_KDF_SALT_BYTES = 16;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export const newRecoveryCode = () => randomBytes(RECOVERY_CODE_BYTES);

/** RFC 4648 base32, no padding. */
export function base32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

/** "LDMN-53FP-…": eight groups of four. */
export function displayRecoveryCode(code: Uint8Array): string {
  return base32(code).match(/.{1,4}/g)!.join('-');
}

/** The code as a person typed it (any case, spaces and dashes anywhere), or null when it is not one. */
export function parseRecoveryCode(typed: string): Uint8Array<ArrayBuffer> | null {
  const text = typed.replace(/[\s-]/g, '').toUpperCase();
  if (text.length !== 32 || ![...text].every((c) => ALPHABET.includes(c))) return null;
  const out = new Uint8Array(RECOVERY_CODE_BYTES);
  let buffer = 0;
  let bits = 0;
  let at = 0;
  for (const c of text) {
    buffer = ((buffer << 5) | ALPHABET.indexOf(c)) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out[at++] = (buffer >> (bits - 8)) & 0xff;
      bits -= 8;
    }
  }
  return out;
}

/** What the server checks instead of the code: PBKDF2(C, "encrypted-chat/v2/recovery-auth/" + u, 210000, 64). */
export function recoveryAuthHash(code: Uint8Array, username: string): Promise<Uint8Array<ArrayBuffer>> {
  return pbkdf2Bytes(code, utf8(`encrypted-chat/v2/recovery-auth/${username}`), AUTH_ITERATIONS, 64);
}

const recoveryKeyAad = (username: string) => utf8(`encrypted-chat/v2/recovery-key/${username}`);

async function rkek(code: Uint8Array, salt: Uint8Array): Promise<CryptoKey> {
  const raw = await pbkdf2Bytes(code, salt, AUTH_ITERATIONS, 32);
  try {
    return await importAesKey(raw);
  } finally {
    raw.fill(0);
  }
}

/** recoveryPrivateKey = seal(rkek, PKCS#8, aad = "encrypted-chat/v2/recovery-key/" + u), with a fresh salt. */
export async function sealRecoveryKey(code: Uint8Array, username: string, pkcs8: Uint8Array, salt = randomBytes(RECOVERY_KDF_SALT_BYTES)) {
  return { recoveryKdfSalt: salt, recoveryPrivateKey: await seal(await rkek(code, salt), pkcs8, recoveryKeyAad(username)) };
}

/** The PKCS#8 the code unlocks; throws when the code, the salt, the name or the sealed bytes are not the ones. */
export async function openRecoveryKey(code: Uint8Array, username: string, sealed: Uint8Array, salt: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  return open(await rkek(code, salt), sealed, recoveryKeyAad(username));
}
