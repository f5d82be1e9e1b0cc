// DraftStore on a real folder: drafts survive a new store (a restart), blank text deletes, the file is the
// user's alone, a damaged file loses only drafts, and one account's drafts are cleared without the others'.
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { draftKey, draftPrefix } from '../../core/api/drafts.js';
import { DraftStore } from './draft-store.js';
import { newFolderEachTest } from './temporary-folder.fixture.js';

describe('DraftStore', () => {
  let folder: string;
  newFolderEachTest('drafts-', (made) => (folder = made));

  const alice = draftKey('https://chat.example.org', 'alice', 'bob');
  const aliceGroup = draftKey('https://chat.example.org', 'alice', 'group:1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b');
  const carol = draftKey('https://chat.example.org', 'carol', 'bob');

  it('keeps drafts across a restart, and deletes one saved blank', async () => {
    const store = new DraftStore(folder);
    expect(await store.all()).toEqual({});
    await store.save(alice, 'see you at');
    await store.save(aliceGroup, 'who brings the cake?');
    await store.save(alice, 'see you at eight');
    expect(await new DraftStore(folder).all()).toEqual({ [alice]: 'see you at eight', [aliceGroup]: 'who brings the cake?' });
    await store.save(alice, '');
    expect(await new DraftStore(folder).all()).toEqual({ [aliceGroup]: 'who brings the cake?' });
    if (process.platform !== 'win32') expect((await stat(store.file)).mode & 0o777).toBe(0o600);
  });

  it('keeps the last of many quick saves on disk', async () => {
    const store = new DraftStore(folder);
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.save(alice, `typing ${i}`)));
    expect(JSON.parse(await readFile(store.file, 'utf8'))).toEqual({ [alice]: 'typing 19' });
  });

  it('starts empty from a damaged file, and writes a good one again', async () => {
    await writeFile(path.join(folder, 'drafts.json'), '{"half":');
    const store = new DraftStore(folder);
    expect(await store.all()).toEqual({});
    await store.save(alice, 'again');
    expect(await new DraftStore(folder).all()).toEqual({ [alice]: 'again' });
  });

  it('clears one account’s drafts and keeps the others’', async () => {
    const store = new DraftStore(folder);
    await store.save(alice, 'one');
    await store.save(aliceGroup, 'two');
    await store.save(carol, 'three');
    await store.clear(draftPrefix('https://chat.example.org', 'alice'));
    expect(await new DraftStore(folder).all()).toEqual({ [carol]: 'three' });
  });
});
