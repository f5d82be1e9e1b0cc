import { describe, expect, it } from 'vitest';
import { LocalStorageStore } from './local-storage-store.js';
import { WebSettings } from './web-settings.js';

describe('web settings in localStorage', () => {
  it('fixes the server to the page origin, has no desktop part, and remembers theme and username', async () => {
    localStorage.clear();
    const settings = new WebSettings(new LocalStorageStore(localStorage), 'https://chat.example.org');
    expect(await settings.get()).toEqual({
      serverUrl: 'https://chat.example.org',
      caCertificatePem: null,
      lastUsername: null,
      theme: 'system',
      desktop: null,
    });
    await settings.update({ theme: 'dark', staySignedIn: true });
    await settings.rememberUsername('alice');
    const again = new WebSettings(new LocalStorageStore(localStorage), 'https://chat.example.org');
    expect(await again.get()).toMatchObject({ theme: 'dark', lastUsername: 'alice', desktop: null });
    expect(Object.keys(localStorage)).toEqual(['encrypted-chat/window-settings']);
  });

  it('ignores a damaged or hostile stored value', async () => {
    localStorage.clear();
    localStorage.setItem('encrypted-chat/window-settings', '{"theme":"<script>","lastUsername":"Robert\'); DROP"}');
    const settings = new WebSettings(new LocalStorageStore(localStorage), 'https://chat.example.org');
    expect(await settings.get()).toMatchObject({ theme: 'system', lastUsername: null });
    localStorage.setItem('encrypted-chat/window-settings', 'not json');
    expect(await settings.get()).toMatchObject({ theme: 'system', lastUsername: null });
  });
});
