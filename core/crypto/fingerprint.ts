// Core side: fingerprints people compare — first 32 bytes of SHA-512(SPKI DER), lowercase hex, 16 groups of 4.
import { FINGERPRINT_BYTES } from '../protocol/constants.js';
import { decodeBase64 } from '../protocol/base64.js';
import { subtle, toHex } from './webcrypto.js';

export async function fingerprint(spkiBase64: string): Promise<string> {
  const digest = await subtle().digest('SHA-512', decodeBase64(spkiBase64) as Uint8Array<ArrayBuffer>);
  return toHex(new Uint8Array(digest).slice(0, FINGERPRINT_BYTES));
}

/** "70fb 69c6 35b1 …": 16 groups of 4 hex digits, the form shown to people. */
export function formatFingerprint(hex: string): string {
  return hex.match(/.{1,4}/g)?.join(' ') ?? hex;
}
