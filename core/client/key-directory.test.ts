// KeyDirectory on its own, over a fake server API with the fixture keys: keys checked before use, pinned on
// first use, a changed key warned about once and refused for sending until accepted.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { KeyChange } from '../api/view.js';
import { fingerprint } from '../crypto/fingerprint.js';
import { failure } from '../test-fixtures/waiting.js';
import { importedKeys, keyFixture } from '../test-fixtures/vectors.js';
import { KeyDirectory } from './key-directory.js';
import type { Session } from './session.js';
import { fakeApi, sessionOn, type FakeHttp, noKeyLog } from '../test-fixtures/client-doubles.js';

let s: Session;
let alice: Awaited<ReturnType<typeof importedKeys>>;
const profiles: Record<string, { username: string; publicKey: string; fingerprint: string; createdAt: string }> = {};
beforeEach(async () => {
  s = await sessionOn('alice_1', alice);
});
beforeAll(async () => {
  alice = await importedKeys('alice');
  for (const name of ['alice', 'bob', 'carol'] as const) {
    const { publicKey } = keyFixture(name);
    profiles[name] = { username: 'bob_1', publicKey, fingerprint: await fingerprint(publicKey), createdAt: '2026-12-01T10:00:00.000Z' };
  }
});

function directory(shown: () => unknown): { http: FakeHttp; keys: KeyDirectory; warnings: KeyChange[] } {
  const warnings: KeyChange[] = [];
  const { http, api } = fakeApi((r) => (r.method === 'GET' && r.path.startsWith('/users/') ? { status: 200, data: shown() } : undefined));
  return { http, keys: new KeyDirectory(api, noKeyLog(), () => s, (change) => warnings.push(change)), warnings };
}

describe('KeyDirectory', () => {
  it('refuses a key that is not a valid key or does not have the fingerprint the server claims', async () => {
    const wrongPrint = directory(() => ({ ...profiles.bob, fingerprint: profiles.carol!.fingerprint }));
    expect((await failure(wrongPrint.keys.serverKey('bob_1', false))).message).toBe("The server shows a wrong fingerprint for bob_1's key.");
    const notAKey = directory(() => ({ ...profiles.bob, publicKey: btoa('not a key') }));
    expect((await failure(notAKey.keys.serverKey('bob_1', false))).code).toBe('protocol_violation');
  });

  it('caches what the server shows briefly, unless asked for a fresh look', async () => {
    const { http, keys } = directory(() => profiles.bob);
    await keys.serverKey('bob_1', false);
    await keys.serverKey('bob_1', false);
    expect(http.requests).toHaveLength(1);
    await keys.serverKey('bob_1', true);
    expect(http.requests).toHaveLength(2);
  });

  it('pins on first use, then warns once about a changed key and refuses to seal for it', async () => {
    let shown = profiles.bob;
    const { keys, warnings } = directory(() => shown);
    expect(await keys.keyStatus('bob_1')).toBe('pinned');
    shown = { ...profiles.carol!, username: 'bob_1' };
    const state = await keys.pinAndCompare('bob_1', true);
    expect(state).toMatchObject({ changed: true, pinned: profiles.bob!.publicKey, pinnedFingerprint: profiles.bob!.fingerprint });
    await keys.pinAndCompare('bob_1', true);
    expect(warnings).toHaveLength(1);
    expect((await failure(keys.recipientKey('bob_1'))).code).toBe('key_changed');
    await keys.trust('bob_1');
    expect(await keys.keyStatus('bob_1')).toBe('pinned');
    expect((await keys.pinAndCompare('bob_1', false)).earlier.map((k) => k.fingerprint)).toEqual([profiles.bob!.fingerprint]);
  });

  it('never accepts a key for the account itself that is not its own', async () => {
    const { keys } = directory(() => ({ ...profiles.carol, username: 'alice_1' }));
    expect((await failure(keys.trust('alice_1'))).code).toBe('tampered');
  });

  it('uses the pin when the server cannot be asked, and fails without one', async () => {
    const { http, keys } = directory(() => profiles.bob);
    await keys.pinAndCompare('bob_1', false);
    http.routes = [(r) => (r.path.startsWith('/users/') ? { status: 500 } : undefined)];
    expect(await keys.pinAndCompare('bob_1', true)).toMatchObject({ server: null, changed: false });
    expect((await failure(keys.pinAndCompare('carol_1', true))).code).toBe('server_error');
  });
});
