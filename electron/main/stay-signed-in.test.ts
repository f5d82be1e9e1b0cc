import { readFile, stat, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openWithKey, probeKeychain, sealWithKey, StaySignedInStore, type Keychain } from './stay-signed-in.js';
import { memoryKeychain } from './session-host.fixture.js';
import { newFolderEachTest } from './temporary-folder.fixture.js';


const snapshotSchema = z.strictObject({ serverUrl: z.string(), username: z.string(), authHash: z.string(), privateKeyPkcs8: z.string() });
type Snapshot = z.infer<typeof snapshotSchema>;
const snapshot: Snapshot = {
  serverUrl: 'https://chat.example.org',
  username: 'alice',
  authHash: 'QUFBQQ==',
  privateKeyPkcs8: 'TUlJSi1zZWNyZXQta2V5LW1hdGVyaWFs',
};

let dir: string;
newFolderEachTest('ec-stay-', (made) => (dir = made));

describe('seal / open', () => {
  const key = new Uint8Array(32).fill(7);

  it('round-trips and refuses a wrong key or an altered byte', () => {
    const sealed = sealWithKey(key, Buffer.from('hello'));
    expect(openWithKey(key, sealed).toString()).toBe('hello');
    expect(() => openWithKey(new Uint8Array(32).fill(8), sealed)).toThrow();
    for (const index of [0, 1, 13, sealed.length - 1]) {
      const altered = Buffer.from(sealed);
      altered[index] = altered[index]! ^ 1;
      expect(() => openWithKey(key, altered), `byte ${index}`).toThrow();
    }
  });

  it('uses a fresh IV each time', () => {
    expect(sealWithKey(key, Buffer.from('x')).equals(sealWithKey(key, Buffer.from('x')))).toBe(false);
  });
});

describe('StaySignedInStore', () => {
  it('saves the session sealed (no secret readable on disk, 0600) and loads it back', async () => {
    const keychain = memoryKeychain();
    const store = new StaySignedInStore(dir, keychain, (v) => snapshotSchema.parse(v));
    await store.save(snapshot);
    const onDisk = await readFile(store.file);
    for (const secret of [snapshot.privateKeyPkcs8, snapshot.authHash, 'alice']) expect(onDisk.includes(secret)).toBe(false);
    if (process.platform !== 'win32') expect((await stat(store.file)).mode & 0o777).toBe(0o600);
    expect(keychain.value).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(await store.load()).toEqual(snapshot);
  });

  it('uses a new key on every save', async () => {
    const keychain = memoryKeychain();
    const store = new StaySignedInStore(dir, keychain, (v) => snapshotSchema.parse(v));
    await store.save(snapshot);
    const first = keychain.value;
    await store.save(snapshot);
    expect(keychain.value).not.toBe(first);
    expect(await store.load()).toEqual(snapshot);
  });

  it('erases both halves on logout', async () => {
    const keychain = memoryKeychain();
    const store = new StaySignedInStore(dir, keychain, (v) => snapshotSchema.parse(v));
    await store.save(snapshot);
    await store.erase();
    expect(keychain.value).toBeNull();
    await expect(stat(store.file)).rejects.toThrow();
    expect(await store.load()).toBeNull();
  });

  it('answers null and cleans up when the key is gone, the file is altered or does not validate', async () => {
    const keychain = memoryKeychain();
    const store = new StaySignedInStore(dir, keychain, (v) => snapshotSchema.parse(v));

    await store.save(snapshot);
    keychain.value = null;
    expect(await store.load()).toBeNull();
    await expect(stat(store.file)).rejects.toThrow();

    await store.save(snapshot);
    const bytes = await readFile(store.file);
    bytes[20] = bytes[20]! ^ 0xff;
    await writeFile(store.file, bytes);
    expect(await store.load()).toBeNull();
    expect(keychain.value).toBeNull();

    await store.save({ ...snapshot, extra: 1 } as Snapshot);
    expect(await store.load()).toBeNull();
  });

  it('deletes an orphan key when the file is missing', async () => {
    const keychain = memoryKeychain();
    keychain.value = 'orphan';
    expect(await new StaySignedInStore(dir, keychain, (v) => v).load()).toBeNull();
    expect(keychain.value).toBeNull();
  });
});

describe('probeKeychain', () => {
  it('reports a working keychain and leaves no probe behind', async () => {
    const keychain = memoryKeychain();
    expect(await probeKeychain(() => keychain)).toEqual({ available: true, detail: null });
    expect(keychain.value).toBeNull();
  });

  it('reports an unreachable keychain with an explanation', async () => {
    const broken: Keychain = {
      get: async () => null,
      set: async () => {
        throw new Error("Couldn't access platform storage");
      },
      delete: async () => undefined,
    };
    const status = await probeKeychain(() => broken);
    expect(status.available).toBe(false);
    expect(status.detail).toMatch(/No system keychain could be reached/);
  });

  it('reports a keychain that silently drops what it is given', async () => {
    const forgetful: Keychain = { get: async () => null, set: async () => undefined, delete: async () => undefined };
    expect((await probeKeychain(() => forgetful)).available).toBe(false);
  });
});
