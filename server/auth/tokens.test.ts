import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TokenSigner } from './tokens.js';

const secret = randomBytes(64);
const signer = new TokenSigner(secret, 3_600_000);
const now = Date.UTC(2026, 10, 25, 12, 0, 0);

describe('TokenSigner', () => {
  it('round-trips username, issue time and generation', () => {
    const token = signer.issue('alice', 7, now);
    expect(signer.verify(token, now + 1000)).toEqual({ username: 'alice', issuedAt: now, generation: 7 });
  });

  it('refuses a token once the TTL has passed, and one issued far in the future', () => {
    const token = signer.issue('alice', 0, now);
    expect(signer.verify(token, now + 3_599_999)).toBeDefined();
    expect(signer.verify(token, now + 3_600_000)).toBeUndefined();
    expect(signer.verify(signer.issue('alice', 0, now + 120_000), now)).toBeUndefined();
  });

  it('refuses any change to a signed part, another secret, and malformed tokens', () => {
    const token = signer.issue('alice', 3, now);
    const [v, user, issued, generation, mac] = token.split('.');
    const variants = [
      [v, 'bobby', issued, generation, mac],
      [v, user, String(now + 1), generation, mac],
      [v, user, issued, '4', mac],
      // A character in the middle of the MAC (the last one holds two unused bits: changing only those is the
      // next case).
      [v, user, issued, generation, mac!.slice(0, 40) + (mac![40] === 'A' ? 'B' : 'A') + mac!.slice(41)],
      [v, user, issued, generation, mac!.slice(0, -1) + nextSpelling(mac!.at(-1)!)],
      ['v2', user, issued, generation, mac],
    ].map((parts) => parts.join('.'));
    for (const forged of variants) expect(signer.verify(forged, now)).toBeUndefined();
    expect(new TokenSigner(randomBytes(64), 3_600_000).verify(token, now)).toBeUndefined();
    for (const junk of ['', 'v1', 'v1.alice.1.0.x', token + '.', token + 'A', ' ' + token]) expect(signer.verify(junk, now)).toBeUndefined();
  });
});

/** The base64url character with the same four data bits and other unused bits: the same MAC bytes, spelled otherwise. */
function nextSpelling(last: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const value = alphabet.indexOf(last);
  return alphabet[(value & ~3) | ((value + 1) & 3)]!;
}
