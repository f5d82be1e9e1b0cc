// openSession on its own: the unlocked key must match the server's copy and this device's pin.
import { describe, expect, it } from 'vitest';
import { decodeBase64 } from '../protocol/base64.js';
import { failure } from '../test-fixtures/waiting.js';
import { keyFixture, vectors } from '../test-fixtures/vectors.js';
import { openSession, sameKey } from './session.js';
import { MemoryStore } from './store.js';

const alice = keyFixture('alice');
const profileWith = (publicKey: string) => ({ username: 'alice', publicKey, fingerprint: vectors.accounts.alice.fingerprint, createdAt: '2026-12-01T10:00:00.000Z' });

describe('openSession', () => {
  it('opens a session on a key that matches the server copy, pinning it', async () => {
    const store = new MemoryStore();
    let dropped = 0;
    const s = await openSession({ store, serverUrl: 'https://chat.example', dropToken: () => dropped++ }, 'alice', decodeBase64(alice.privateKeyPkcs8), profileWith(alice.publicKey), 'hash');
    expect(s.fingerprint).toBe(vectors.accounts.alice.fingerprint);
    expect(s.secret).toEqual({ authHash: 'hash', pkcs8: alice.privateKeyPkcs8 });
    expect((await s.pins.get('alice'))?.publicKey).toBe(alice.publicKey);
    expect(s.privateKey.sign.extractable).toBe(false);
    expect(dropped).toBe(0);
  });

  it('refuses a server copy of another key, and a key other than the one pinned, dropping the token', async () => {
    let dropped = 0;
    const place = { store: new MemoryStore(), serverUrl: 'https://chat.example', dropToken: () => dropped++ };
    const carol = keyFixture('carol').publicKey;
    expect((await failure(openSession(place, 'alice', decodeBase64(alice.privateKeyPkcs8), profileWith(carol), null))).code).toBe('tampered');
    await place.store.set('pin/https://chat.example|alice/alice', JSON.stringify({ publicKey: carol, fingerprint: 'f' }));
    expect((await failure(openSession(place, 'alice', decodeBase64(alice.privateKeyPkcs8), profileWith(alice.publicKey), null))).code).toBe('tampered');
    expect(dropped).toBe(2);
  });

  it('compares keys by their canonical encoding', async () => {
    expect(await sameKey(alice.publicKey, alice.publicKey)).toBe(true);
    expect(await sameKey(alice.publicKey, keyFixture('carol').publicKey)).toBe(false);
    expect(await sameKey('not a key', alice.publicKey)).toBe(false);
  });
});
