// Account on its own, over a fake server holding the fixture account "alice": the sealed key unlocked (side by
// side once the salt is remembered), a server copy that does not open refused, stay-signed-in snapshots checked.
import { describe, expect, it } from 'vitest';
import type { Progress } from '../api/view.js';
import { failure } from '../test-fixtures/waiting.js';
import { vectors } from '../test-fixtures/vectors.js';
import { Account, checkNewPassword } from './account.js';
import type { Session } from './session.js';
import { MemoryStore } from './store.js';
import { fakeApi, on } from '../test-fixtures/client-doubles.js';

const fixture = vectors.accounts.alice;
const profile = {
  username: 'alice',
  publicKey: fixture.publicKey,
  fingerprint: fixture.fingerprint,
  createdAt: '2026-12-01T10:00:00.000Z',
  encryptedPrivateKey: fixture.encryptedPrivateKey,
  kdfSalt: fixture.kdfSalt,
  kdfIterations: fixture.kdfIterations,
};

function accountOn(store = new MemoryStore(), shown: Record<string, unknown> = profile) {
  const { http, api } = fakeApi(
    on('POST', '/login', { status: 200, data: { username: 'alice', token: 'fresh' }, headers: { 'x-device-credential': 'device-1' } }),
    on('GET', '/users/alice', { status: 200, data: shown }),
  );
  api.useToken(null);
  const held: Session[] = [];
  const progress: string[] = [];
  const account = new Account({
    api,
    store,
    serverUrl: 'https://chat.example',
    kdfIterations: 210_000,
    progress: (p: Progress) => progress.push(`${p.phase}:${p.fraction}`),
    hold: (s) => held.push(s),
  });
  return { http, api, account, held, progress };
}

describe('Account', () => {
  it('signs in, unlocks the key, keeps the device credential, and derives side by side the next time', async () => {
    const store = new MemoryStore();
    const first = accountOn(store);
    await first.account.login('alice', fixture.password, false);
    expect(first.held.map((s) => [s.username, s.secret])).toEqual([['alice', null]]);
    expect(first.api.signedIn).toBe(true);
    expect(first.progress.indexOf('deriving_storage_key:0')).toBeGreaterThan(first.progress.indexOf('deriving_login_key:1'));

    const second = accountOn(store);
    await second.account.login('alice', fixture.password, true);
    expect(second.progress.indexOf('deriving_storage_key:0')).toBeLessThan(second.progress.indexOf('deriving_login_key:1'));
    expect(second.http.requests[0]!.options.headers).toEqual({ 'X-Device-Credential': 'device-1' });
    expect(second.held[0]!.secret?.authHash).toEqual(expect.any(String));
  });

  it('refuses a sealed key the password does not open, and drops the token', async () => {
    const { api, account, held } = accountOn(new MemoryStore(), { ...profile, encryptedPrivateKey: btoa('x'.repeat(64)) });
    expect((await failure(account.login('alice', fixture.password, false))).code).toBe('tampered');
    expect(api.signedIn).toBe(false);
    expect(held).toEqual([]);
  });

  it('refuses a snapshot of another server, and says when a saved sign-in stopped working', async () => {
    const snapshot = { serverUrl: 'https://other.example', username: 'alice', authHash: 'h', privateKeyPkcs8: fixture.privateKeyPkcs8 };
    expect((await failure(accountOn().account.resume(snapshot))).message).toBe('The saved sign-in belongs to another server.');
    const { http, account } = accountOn();
    http.routes = [on('POST', '/login', { status: 401 })];
    expect((await failure(account.resume({ ...snapshot, serverUrl: 'https://chat.example' }))).code).toBe('unauthorized');
  });

  it('refuses a short new password', () => {
    expect(() => checkNewPassword('short')).toThrow(/at least/);
  });
});
