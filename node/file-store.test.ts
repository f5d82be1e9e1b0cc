import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileStore, fileNameForKey } from './file-store.js';

describe('FileStore', () => {
  it('stores, replaces and deletes values under keys of any characters', async () => {
    const folder = join(mkdtempSync(join(tmpdir(), 'ec-store-')), 'data');
    const store = new FileStore(folder);
    const key = 'pin/https://chat.example.org:8443|alice/bob';
    expect(await store.get(key)).toBeNull();
    await store.set(key, 'one ✓');
    await store.set(key, 'two ✓');
    expect(await store.get(key)).toBe('two ✓');
    await store.delete(key);
    expect(await store.get(key)).toBeNull();
    await store.delete(key);
  });

  it('keeps the folder 0700 and files 0600, and leaves no temporary files', async () => {
    const folder = join(mkdtempSync(join(tmpdir(), 'ec-store-')), 'data');
    const store = new FileStore(folder);
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.set(`k${i % 3}`, `v${i}`)));
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    const files = readdirSync(folder);
    expect(files.sort()).toEqual(['k0.json', 'k1.json', 'k2.json']);
    for (const f of files) expect(statSync(join(folder, f)).mode & 0o777).toBe(0o600);
  });

  it('maps distinct keys to distinct, portable file names', () => {
    const names = ['a/b', 'a%2Fb', 'a:b', 'A:b', 'a.b', 'ä'].map(fileNameForKey);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(/^[A-Za-z0-9_%-]+\.json$/);
  });
});
