import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, parseSettings, SettingsStore } from './settings-store.js';
import { newFolderEachTest } from './temporary-folder.fixture.js';

let dir: string;
newFolderEachTest('ec-settings-', (made) => (dir = made));

describe('SettingsStore', () => {
  it('starts from the defaults: stay signed in off, notifications without content', async () => {
    const store = new SettingsStore(dir);
    const s = await store.load();
    expect(s).toEqual(DEFAULT_SETTINGS);
    expect(s.staySignedIn).toBe(false);
    expect(s.notificationContent).toBe(false);
  });

  it('persists changes across instances, in a file only the user can read', async () => {
    const store = new SettingsStore(dir);
    await store.load();
    await store.update({ serverUrl: 'https://chat.example.org', lastUsername: 'alice', theme: 'dark' });
    await store.update({ windowBounds: { x: 5, y: 6, width: 900, height: 700, maximized: false } });
    const again = await new SettingsStore(dir).load();
    expect(again.serverUrl).toBe('https://chat.example.org');
    expect(again.lastUsername).toBe('alice');
    expect(again.theme).toBe('dark');
    expect(again.windowBounds).toEqual({ x: 5, y: 6, width: 900, height: 700, maximized: false });
    if (process.platform !== 'win32') expect((await stat(store.file)).mode & 0o777).toBe(0o600);
  });

  it('keeps the last of concurrent updates on disk', async () => {
    const store = new SettingsStore(dir);
    await store.load();
    await Promise.all([store.update({ theme: 'dark' }), store.update({ theme: 'light' })]);
    expect(JSON.parse(await readFile(store.file, 'utf8')).theme).toBe('light');
  });

  it('survives a damaged file and keeps the fields that validate', async () => {
    await writeFile(path.join(dir, 'settings.json'), '{not json');
    expect(await new SettingsStore(dir).load()).toEqual(DEFAULT_SETTINGS);
    await writeFile(path.join(dir, 'settings.json'), JSON.stringify({ theme: 'purple', lastUsername: 'Alice!', notifications: false, extra: 1 }));
    const s = await new SettingsStore(dir).load();
    expect(s.theme).toBe('system');
    expect(s.lastUsername).toBeNull();
    expect(s.notifications).toBe(false);
    expect(s).not.toHaveProperty('extra');
  });

  it('ignores an invalid field in an update and keeps the previous value', async () => {
    const store = new SettingsStore(dir);
    await store.load();
    await store.update({ theme: 'dark' });
    const s = await store.update({ theme: 'neon' as never });
    expect(s.theme).toBe('dark');
  });
});

describe('parseSettings', () => {
  it('gives defaults for non-objects', () => {
    expect(parseSettings(null)).toEqual(DEFAULT_SETTINGS);
    expect(parseSettings([1, 2])).toEqual(DEFAULT_SETTINGS);
  });
});
