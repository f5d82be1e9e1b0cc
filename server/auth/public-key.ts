// Registration only accepts what the protocol names: an RSA public key (SPKI DER) of exactly 4096 bits
// with e = 65537, encoded canonically.
import { createHash, createPublicKey } from 'node:crypto';
import { FINGERPRINT_BYTES, RSA_MODULUS_BITS, RSA_PUBLIC_EXPONENT } from '../../core/protocol/constants.js';

/** Why the key is unacceptable, or undefined when it is fine. */
export function publicKeyProblem(der: Buffer): string | undefined {
  let key;
  try {
    key = createPublicKey({ key: der, format: 'der', type: 'spki' });
  } catch {
    return 'is not a public key in SPKI DER form';
  }
  if (key.asymmetricKeyType !== 'rsa') return `must be an RSA key, got ${key.asymmetricKeyType ?? 'an unknown type'}`;
  const details = key.asymmetricKeyDetails ?? {};
  if (details.modulusLength !== RSA_MODULUS_BITS) return `must be ${RSA_MODULUS_BITS} bits, got ${details.modulusLength}`;
  if (details.publicExponent !== BigInt(RSA_PUBLIC_EXPONENT)) return `must have public exponent ${RSA_PUBLIC_EXPONENT}`;
  if (!key.export({ type: 'spki', format: 'der' }).equals(der)) return 'has extra or non-canonical bytes';
  return undefined;
}

/** First 32 bytes of SHA-512(SPKI DER), lowercase hex. */
export function fingerprint(der: Buffer): string {
  return createHash('sha512').update(der).digest().subarray(0, FINGERPRINT_BYTES).toString('hex');
}
