// Core side: the two PBKDF2-HMAC-SHA512 derivations of PROTOCOL.md "Accounts".
import { AUTH_HASH_BYTES, AUTH_ITERATIONS, AUTH_SALT_PREFIX, KEK_BYTES } from '../protocol/constants.js';
import { ownBytes, subtle, utf8 } from './webcrypto.js';

/** Passwords are NFC-normalized before UTF-8 encoding, so the same password typed anywhere gives the same bytes. */
export function passwordBytes(password: string): Uint8Array<ArrayBuffer> {
  return utf8(password.normalize('NFC'));
}

function pbkdf2(password: string, salt: Uint8Array, iterations: number, bytes: number): Promise<Uint8Array<ArrayBuffer>> {
  return pbkdf2Bytes(passwordBytes(password), salt, iterations, bytes);
}

/** PBKDF2-HMAC-SHA512 over raw secret bytes (a password's UTF-8, or a recovery code's 20 bytes). */
export async function pbkdf2Bytes(secret: Uint8Array, salt: Uint8Array, iterations: number, bytes: number): Promise<Uint8Array<ArrayBuffer>> {
  const base = await subtle().importKey('raw', ownBytes(secret), 'PBKDF2', false, ['deriveBits']);
  const bits = await subtle().deriveBits({ name: 'PBKDF2', hash: 'SHA-512', salt: ownBytes(salt), iterations }, base, bytes * 8);
  return new Uint8Array(bits);
}

/** authHash = PBKDF2(p, "encrypted-chat/v1/auth/" + u, 210000, 64): what the server checks instead of the password. */
export function deriveAuthHash(username: string, password: string): Promise<Uint8Array<ArrayBuffer>> {
  return pbkdf2(password, utf8(AUTH_SALT_PREFIX + username), AUTH_ITERATIONS, AUTH_HASH_BYTES);
}

/** kek = PBKDF2(p, kdfSalt, kdfIterations, 32), usable only to seal and open the private key. */
export async function deriveKek(password: string, kdfSalt: Uint8Array, kdfIterations: number): Promise<CryptoKey> {
  const raw = await pbkdf2(password, kdfSalt, kdfIterations, KEK_BYTES);
  try {
    return await subtle().importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']);
  } finally {
    raw.fill(0);
  }
}
