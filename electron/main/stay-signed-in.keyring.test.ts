// Runs against the real OS keychain: scripts/test-keyring.sh starts a private GNOME Keyring on a private
// D-Bus session and sets ENCRYPTED_CHAT_KEYRING_TEST=1. Anywhere else it skips: a developer's own keychain
// is not touched by tests.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { osKeychain, probeKeychain, StaySignedInStore } from './stay-signed-in.js';

const inKeyringScript = process.env.ENCRYPTED_CHAT_KEYRING_TEST === '1';
if (!inKeyringScript) {
  console.warn('Skipping the real-keyring test: run it with scripts/test-keyring.sh (needs gnome-keyring and dbus-x11).');
}

describe.skipIf(!inKeyringScript)('stay signed in against a real keyring (gnome-keyring over D-Bus)', () => {
  let dir: string;
  const service = `Encrypted Chat test ${process.pid}`;
  const snapshot = { serverUrl: 'https://chat.example.org', username: 'alice', authHash: 'QUFBQQ==', privateKeyPkcs8: 'c2VjcmV0' };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ec-keyring-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('finds the keychain reachable', async () => {
    const status = await probeKeychain((account) => osKeychain(service, account));
    expect(status).toEqual({ available: true, detail: null });
  });

  it('keeps the key in the keyring, opens the session with it, and erases both', async () => {
    const keychain = osKeychain(service, 'stay-signed-in-key');
    const store = new StaySignedInStore(dir, keychain, (v) => v as typeof snapshot);
    await store.save(snapshot);
    expect(await keychain.get()).toMatch(/^[A-Za-z0-9+/]{43}=$/);

    // A second store over the same folder and keyring entry: what the app sees after a restart.
    const restarted = new StaySignedInStore(dir, osKeychain(service, 'stay-signed-in-key'), (v) => v as typeof snapshot);
    expect(await restarted.load()).toEqual(snapshot);

    await restarted.erase();
    expect(await keychain.get()).toBeNull();
    expect(await store.load()).toBeNull();
  });
});
