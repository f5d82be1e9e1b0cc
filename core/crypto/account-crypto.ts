// Core side: the account material of PROTOCOL.md "Accounts" — registration, unlock and re-sealing.
import { KDF_SALT_BYTES, PRIVATE_KEY_AAD_PREFIX } from '../protocol/constants.js';
import { decodeBase64, encodeBase64 } from '../protocol/base64.js';
import type { RegisterRequest } from '../protocol/schemas.js';
import { open, seal } from './aead.js';
import { deriveAuthHash, deriveKek } from './kdf.js';
import { generateKeyPair } from './rsa.js';
import { randomBytes, utf8 } from './webcrypto.js';

export function privateKeyAad(username: string): Uint8Array<ArrayBuffer> {
  return utf8(PRIVATE_KEY_AAD_PREFIX + username);
}

export type AccountStep = 'generating_key' | 'deriving_login_key' | 'deriving_storage_key';
/** Called with fraction 0 when a step starts and 1 when it ends (WebCrypto cannot report inside one call). */
export type StepReporter = (step: AccountStep, fraction: number) => void;

export interface NewAccount {
  request: RegisterRequest;
  /** The PKCS#8 DER of the new private key; the caller imports it and wipes it. */
  pkcs8: Uint8Array<ArrayBuffer>;
}

/** Makes everything POST /users needs. Key generation and both derivations run side by side. */
export async function createAccount(
  username: string,
  password: string,
  kdfIterations: number,
  report: StepReporter = () => {},
): Promise<NewAccount> {
  const kdfSalt = randomBytes(KDF_SALT_BYTES);
  const step = async <T>(name: AccountStep, run: () => Promise<T>): Promise<T> => {
    report(name, 0);
    const result = await run();
    report(name, 1);
    return result;
  };
  const [pair, authHash, kek] = await Promise.all([
    step('generating_key', generateKeyPair),
    step('deriving_login_key', () => deriveAuthHash(username, password)),
    step('deriving_storage_key', () => deriveKek(password, kdfSalt, kdfIterations)),
  ]);
  const sealed = await seal(kek, pair.pkcs8, privateKeyAad(username));
  return {
    request: {
      username,
      authHash: encodeBase64(authHash),
      publicKey: encodeBase64(pair.spki),
      encryptedPrivateKey: encodeBase64(sealed),
      kdfSalt: encodeBase64(kdfSalt),
      kdfIterations,
    },
    pkcs8: pair.pkcs8,
  };
}

/** Opens encryptedPrivateKey; throws when the password (hence kek) or the sealed bytes are wrong. */
export async function openPrivateKey(
  username: string,
  password: string,
  sealed: { encryptedPrivateKey: string; kdfSalt: string; kdfIterations: number },
): Promise<Uint8Array<ArrayBuffer>> {
  const kek = await deriveKek(password, decodeBase64(sealed.kdfSalt), sealed.kdfIterations);
  return openWithKek(kek, username, sealed.encryptedPrivateKey);
}

/** Opens encryptedPrivateKey with a kek derived beforehand (e.g. from a salt remembered on this device). */
export function openWithKek(kek: CryptoKey, username: string, encryptedPrivateKey: string): Promise<Uint8Array<ArrayBuffer>> {
  return open(kek, decodeBase64(encryptedPrivateKey), privateKeyAad(username));
}

/** Seals the same private key under a new password with a new salt (password change). */
export async function resealPrivateKey(
  username: string,
  newPassword: string,
  pkcs8: Uint8Array,
  kdfIterations: number,
): Promise<{ encryptedPrivateKey: string; kdfSalt: string; kdfIterations: number }> {
  const kdfSalt = randomBytes(KDF_SALT_BYTES);
  const kek = await deriveKek(newPassword, kdfSalt, kdfIterations);
  const sealed = await seal(kek, pkcs8, privateKeyAad(username));
  return { encryptedPrivateKey: encodeBase64(sealed), kdfSalt: encodeBase64(kdfSalt), kdfIterations };
}
