// Stored password check: passwordHash = SHA-512(serverSalt || authHash), compared in constant time.
// The server only ever sees authHash, which the client derived from the password.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const SERVER_SALT_BYTES = 16;

export interface StoredPassword {
  serverSalt: Buffer;
  passwordHash: Buffer;
}

function hash(serverSalt: Buffer, authHash: Uint8Array): Buffer {
  return createHash('sha512').update(serverSalt).update(authHash).digest();
}

export function storePassword(authHash: Uint8Array): StoredPassword {
  const serverSalt = randomBytes(SERVER_SALT_BYTES);
  return { serverSalt, passwordHash: hash(serverSalt, authHash) };
}

/** Stands in for an unknown user, so the work and the answer match a wrong password. */
const DUMMY: StoredPassword = storePassword(randomBytes(64));

/** True when `authHash` matches; `stored` undefined (unknown user) is checked against a dummy and false. */
export function checkPassword(stored: StoredPassword | undefined, authHash: Uint8Array): boolean {
  const target = stored ?? DUMMY;
  const candidate = hash(target.serverSalt, authHash);
  const same = candidate.length === target.passwordHash.length && timingSafeEqual(candidate, target.passwordHash);
  return same && stored !== undefined;
}
