import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TokenSigner } from './tokens.js';

const secret = randomBytes(64);
const signer = new TokenSigner(secret, 3_600_000);
const now = Date.UTC(2026, 10, 25, 12, 0, 0);
const SESSION = '0b8e5d7c-9a1f-4c3b-8d2e-1f0a9b8c7d6e';

describe('TokenSigner', () => {
  it('round-trips username, issue time, session and generation', () => {
    const token = signer.issue('alice', SESSION, 7, now);
    expect(signer.verify(token, now + 1000)).toEqual({ username: 'alice', issuedAt: now, sessionId: SESSION, generation: 7 });
  });

  it('refuses a token once the TTL has passed, and one issued far in the future', () => {
    const token = signer.issue('alice', SESSION, 0, now);
    expect(signer.verify(token, now + 3_599_999)).toBeDefined();
    expect(signer.verify(token, now + 3_600_000)).toBeUndefined();
    expect(signer.verify(signer.issue('alice', SESSION, 0, now + 120_000), now)).toBeUndefined();
  });

  it('refuses any change to a signed part, another secret, and malformed tokens', () => {
    const token = signer.issue('alice', SESSION, 3, now);
    const [v, user, issued, session, generation, mac] = token.split('.');
    const variants = [
      [v, 'bobby', issued, session, generation, mac],
      [v, user, String(now + 1), session, generation, mac],
      [v, user, issued, session, '4', mac],
      [v, user, issued, session, '03', mac],
      [v, user, issued, '1b8e5d7c-9a1f-4c3b-8d2e-1f0a9b8c7d6e', generation, mac],
      [v, user, issued, session!.toUpperCase(), generation, mac],
      // The v1 form (no session), which migration 005 ended.
      ['v1', user, issued, generation, mac],
      // A character in the middle of the MAC (the last one holds two unused bits: changing only those is the
      // next case).
      [v, user, issued, session, generation, mac!.slice(0, 40) + (mac![40] === 'A' ? 'B' : 'A') + mac!.slice(41)],
      [v, user, issued, session, generation, mac!.slice(0, -1) + nextSpelling(mac!.at(-1)!)],
      ['v3', user, issued, session, generation, mac],
    ].map((parts) => parts.join('.'));
    for (const forged of variants) expect(signer.verify(forged, now)).toBeUndefined();
    expect(new TokenSigner(randomBytes(64), 3_600_000).verify(token, now)).toBeUndefined();
    for (const junk of ['', 'v1', 'v2.alice.1.0.x', token + '.', token + 'A', ' ' + token]) expect(signer.verify(junk, now)).toBeUndefined();
  });

  it('refuses a token of the v1 form (before sessions), even one signed with the same secret', () => {
    const payload = `v1.alice.${now}.0`;
    const v1 = `${payload}.${createHmac('sha512', secret).update(payload).digest('base64url')}`;
    expect(signer.verify(v1, now)).toBeUndefined();
  });
});

/** The base64url character with the same four data bits and other unused bits: the same MAC bytes, spelled otherwise. */
function nextSpelling(last: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const value = alphabet.indexOf(last);
  return alphabet[(value & ~3) | ((value + 1) & 3)]!;
}
