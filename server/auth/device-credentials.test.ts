import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DeviceCredentials } from './device-credentials.js';
import { TokenSigner } from './tokens.js';

const DAY = 86_400_000;

describe('DeviceCredentials', () => {
  const secret = randomBytes(64);
  const credentials = new DeviceCredentials(secret, 30 * DAY);

  it('verifies its own credential for the username it was issued to, each with its own nonce', () => {
    const a = credentials.issue('alice');
    const b = credentials.issue('alice');
    expect(a).not.toBe(b);
    const claims = credentials.verify(a, 'alice');
    expect(claims).toMatchObject({ username: 'alice', nonce: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/) });
    expect(credentials.verify(b, 'alice')!.nonce).not.toBe(claims!.nonce);
  });

  it('refuses another username, another secret, a changed byte, garbage, expired and future credentials', () => {
    const now = Date.now();
    const good = credentials.issue('alice', now);
    expect(credentials.verify(good, 'bob_user')).toBeUndefined();
    expect(new DeviceCredentials(randomBytes(64), 30 * DAY).verify(good, 'alice')).toBeUndefined();
    const renamed = good.replace('dc1.alice.', 'dc1.alicf.');
    expect(credentials.verify(renamed, 'alicf')).toBeUndefined();
    const parts = good.split('.');
    parts[3] = parts[3]!.startsWith('A') ? `B${parts[3]!.slice(1)}` : `A${parts[3]!.slice(1)}`;
    expect(credentials.verify(parts.join('.'), 'alice')).toBeUndefined();
    // The same MAC bytes spelled otherwise (the last character's unused bits set) are refused too.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(good.at(-1)!);
    expect(credentials.verify(good.slice(0, -1) + alphabet[(last & ~3) | ((last + 1) & 3)]!, 'alice')).toBeUndefined();
    for (const bad of [undefined, '', 'garbage', `${good}x`, 'x'.repeat(10_000)]) expect(credentials.verify(bad, 'alice')).toBeUndefined();
    expect(credentials.verify(credentials.issue('alice', now - 31 * DAY), 'alice', now)).toBeUndefined();
    expect(credentials.verify(credentials.issue('alice', now + 10 * 60_000), 'alice', now)).toBeUndefined();
    expect(credentials.verify(credentials.issue('alice', now - 29 * DAY), 'alice', now)).toBeDefined();
  });

  it('is signed with the token secret, but a token is never a credential nor the other way round', () => {
    const signer = new TokenSigner(secret, 3_600_000);
    const fromSigner = signer.deviceCredentials(30 * DAY);
    expect(credentials.verify(fromSigner.issue('alice'), 'alice')).toBeDefined();
    expect(credentials.verify(signer.issue('alice', '0b8e5d7c-9a1f-4c3b-8d2e-1f0a9b8c7d6e', 0), 'alice')).toBeUndefined();
    expect(signer.verify(credentials.issue('alice'))).toBeUndefined();
  });
});
