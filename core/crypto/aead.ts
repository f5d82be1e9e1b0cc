// Core side: seal(key, data, aad) = IV (12) || AES-256-GCM ciphertext || tag (16), per PROTOCOL.md.
import { GCM_IV_BYTES, GCM_TAG_BYTES, SEALED_MIN_BYTES } from '../protocol/constants.js';
import { concatBytes, ownBytes, randomBytes, subtle } from './webcrypto.js';

export async function importAesKey(raw: Uint8Array): Promise<CryptoKey> {
  return subtle().importKey('raw', ownBytes(raw), 'AES-GCM', false, ['encrypt', 'decrypt']);
}

/** `iv` is for rebuilding fixed test vectors only; every real seal draws a fresh one. */
export async function seal(key: CryptoKey, data: Uint8Array, aad: Uint8Array, iv: Uint8Array<ArrayBuffer> = randomBytes(GCM_IV_BYTES)): Promise<Uint8Array<ArrayBuffer>> {
  if (iv.length !== GCM_IV_BYTES) throw new RangeError('an AES-GCM IV has 12 bytes');
  const ct = await subtle().encrypt(
    { name: 'AES-GCM', iv, additionalData: ownBytes(aad), tagLength: GCM_TAG_BYTES * 8 },
    key,
    ownBytes(data),
  );
  return concatBytes(iv, new Uint8Array(ct));
}

/**
 * seal() written straight into `out` at `offset` (IV, then ciphertext and tag): for the attachment blob, whose
 * chunks would otherwise be copied twice more on their way into it. The plaintext is read where it lies.
 */
export async function sealInto(
  key: CryptoKey,
  data: Uint8Array<ArrayBuffer>,
  aad: Uint8Array,
  out: Uint8Array,
  offset: number,
  iv: Uint8Array<ArrayBuffer> = randomBytes(GCM_IV_BYTES),
): Promise<void> {
  if (iv.length !== GCM_IV_BYTES) throw new RangeError('an AES-GCM IV has 12 bytes');
  const ct = await subtle().encrypt({ name: 'AES-GCM', iv, additionalData: ownBytes(aad), tagLength: GCM_TAG_BYTES * 8 }, key, data);
  out.set(iv, offset);
  out.set(new Uint8Array(ct), offset + GCM_IV_BYTES);
}

/** Opens sealed bytes; throws when the tag does not match (wrong key, wrong AAD or altered bytes). */
export async function open(key: CryptoKey, sealed: Uint8Array, aad: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  if (sealed.length < SEALED_MIN_BYTES) throw new Error('sealed data is too short');
  const iv = sealed.slice(0, GCM_IV_BYTES);
  const ct = sealed.slice(GCM_IV_BYTES);
  const plain = await subtle().decrypt(
    { name: 'AES-GCM', iv, additionalData: ownBytes(aad), tagLength: GCM_TAG_BYTES * 8 },
    key,
    ct,
  );
  return new Uint8Array(plain);
}
