// Core side: RSA-4096 with SHA-512 for both purposes of PROTOCOL.md — OAEP (MGF1-SHA-512, empty label) to wrap
// session keys, PSS (salt 64) to sign. One key pair, imported once per usage because WebCrypto binds a key
// to one algorithm.
import { PSS_SALT_BYTES, RSA_MODULUS_BITS, RSA_PUBLIC_EXPONENT } from '../protocol/constants.js';
import { decodeBase64, encodeBase64 } from '../protocol/base64.js';
import { ownBytes, subtle } from './webcrypto.js';

const OAEP = { name: 'RSA-OAEP', hash: 'SHA-512' } as const;
const PSS = { name: 'RSA-PSS', hash: 'SHA-512' } as const;

export interface PublicKeys {
  /** base64 SPKI DER, as the server and the pins hold it. */
  spki: string;
  encrypt: CryptoKey;
  verify: CryptoKey;
}

export interface PrivateKeys {
  decrypt: CryptoKey;
  sign: CryptoKey;
}

export interface GeneratedKeyPair {
  spki: Uint8Array<ArrayBuffer>;
  pkcs8: Uint8Array<ArrayBuffer>;
}

export async function generateKeyPair(): Promise<GeneratedKeyPair> {
  const pair = (await subtle().generateKey(
    { ...OAEP, modulusLength: RSA_MODULUS_BITS, publicExponent: new Uint8Array([1, 0, 1]) },
    true,
    ['encrypt', 'decrypt'],
  )) as CryptoKeyPair;
  const [spki, pkcs8] = await Promise.all([
    subtle().exportKey('spki', pair.publicKey),
    subtle().exportKey('pkcs8', pair.privateKey),
  ]);
  return { spki: new Uint8Array(spki), pkcs8: new Uint8Array(pkcs8) };
}

function checkRsaShape(key: CryptoKey): void {
  const algorithm = key.algorithm as RsaHashedKeyAlgorithm;
  const e = algorithm.publicExponent;
  let exponent = 0;
  for (const byte of e) exponent = exponent * 256 + byte;
  if (algorithm.modulusLength !== RSA_MODULUS_BITS || exponent !== RSA_PUBLIC_EXPONENT) {
    throw new Error(`not an RSA-${RSA_MODULUS_BITS} key with e = ${RSA_PUBLIC_EXPONENT}`);
  }
}

const publicKeyCache = new Map<string, Promise<PublicKeys>>();

/** Imports a base64 SPKI public key for both usages; imports are cached by their bytes. */
export function importPublicKey(spkiBase64: string): Promise<PublicKeys> {
  let pending = publicKeyCache.get(spkiBase64);
  if (!pending) {
    pending = importPublicKeyUncached(spkiBase64);
    publicKeyCache.set(spkiBase64, pending);
    pending.catch(() => publicKeyCache.delete(spkiBase64));
  }
  return pending;
}

async function importPublicKeyUncached(spkiBase64: string): Promise<PublicKeys> {
  const der = decodeBase64(spkiBase64) as Uint8Array<ArrayBuffer>;
  const [encrypt, verify] = await Promise.all([
    subtle().importKey('spki', der, OAEP, false, ['encrypt']),
    subtle().importKey('spki', der, PSS, false, ['verify']),
  ]);
  checkRsaShape(encrypt);
  return { spki: spkiBase64, encrypt, verify };
}

/** Imports PKCS#8 DER twice, non-extractable: once to unwrap (OAEP), once to sign (PSS). */
export async function importPrivateKey(pkcs8: Uint8Array): Promise<PrivateKeys> {
  const der = ownBytes(pkcs8);
  const [decrypt, sign] = await Promise.all([
    subtle().importKey('pkcs8', der, OAEP, false, ['decrypt']),
    subtle().importKey('pkcs8', der, PSS, false, ['sign']),
  ]);
  checkRsaShape(decrypt);
  return { decrypt, sign };
}

/**
 * The base64 SPKI of the public half of a PKCS#8 private key. Used at unlock to check that the key the
 * server shows for us is really ours; the extractable import lives only inside this function.
 */
export async function publicSpkiOfPrivateKey(pkcs8: Uint8Array): Promise<string> {
  const temporary = await subtle().importKey('pkcs8', ownBytes(pkcs8), PSS, true, ['sign']);
  const jwk = await subtle().exportKey('jwk', temporary);
  const publicJwk: JsonWebKey = { kty: 'RSA', n: jwk.n, e: jwk.e, alg: 'PS512', ext: true };
  const publicKey = await subtle().importKey('jwk', publicJwk, PSS, true, ['verify']);
  return encodeBase64(new Uint8Array(await subtle().exportKey('spki', publicKey)));
}

/** The SPKI DER WebCrypto itself writes for a key, so two encodings of one key compare equal. */
export async function canonicalSpki(spkiBase64: string): Promise<string> {
  const key = await subtle().importKey('spki', decodeBase64(spkiBase64) as Uint8Array<ArrayBuffer>, PSS, true, ['verify']);
  return encodeBase64(new Uint8Array(await subtle().exportKey('spki', key)));
}

export async function wrapKey(publicKey: PublicKeys, key: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await subtle().encrypt({ name: 'RSA-OAEP' }, publicKey.encrypt, ownBytes(key)));
}

export async function unwrapKey(privateKey: PrivateKeys, wrapped: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await subtle().decrypt({ name: 'RSA-OAEP' }, privateKey.decrypt, ownBytes(wrapped)));
}

export async function sign(privateKey: PrivateKeys, data: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await subtle().sign({ name: 'RSA-PSS', saltLength: PSS_SALT_BYTES }, privateKey.sign, ownBytes(data)));
}

export async function verify(publicKey: PublicKeys, signature: Uint8Array, data: Uint8Array): Promise<boolean> {
  return subtle().verify({ name: 'RSA-PSS', saltLength: PSS_SALT_BYTES }, publicKey.verify, ownBytes(signature), ownBytes(data));
}
