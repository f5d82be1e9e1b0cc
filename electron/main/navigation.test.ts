import { describe, expect, it, vi } from 'vitest';
import { allowNavigation, allowPermission, checkExternalUrl, hardenWebContents, openExternalLink, type HardenableContents } from './navigation.js';

describe('checkExternalUrl', () => {
  it.each(['https://example.org/a?b=c#d', 'http://example.org', 'https://例え.jp/'])('accepts %s', (url) => {
    expect(checkExternalUrl(url)).not.toBeNull();
  });

  it.each([
    'javascript:alert(1)',
    'file:///etc/passwd',
    'app://chat/index.html',
    'smb://host/share',
    'data:text/html,<b>x</b>',
    'mailto:a@b.c',
    'https://user:pw@example.org/',
    'https://a@b.example',
    'https://@b.example',
    'https://evil.example\\@good.example',
    'https://evil.example\u202e/gpj.exe',
    'https://exa\u200bmple.org/',
    'https://example.org/ space',
    'https://example.org/\nx',
    'https://',
    'http://[::1',
    `https://example.org/${'a'.repeat(3000)}`,
    '',
    42,
    null,
  ])('refuses %s', (url) => {
    expect(checkExternalUrl(url)).toBeNull();
  });

  it('returns the normalized URL, a non-ASCII host as punycode', () => {
    expect(checkExternalUrl('HTTPS://Example.org')).toBe('https://example.org/');
    expect(checkExternalUrl('https://раураl.com')).toBe('https://xn--l-7sba6dbr.com/');
  });
});

describe('openExternalLink', () => {
  it('opens a checked link and refuses others with a readable reason', async () => {
    const open = vi.fn(async () => undefined);
    await openExternalLink('https://example.org/x', open);
    expect(open).toHaveBeenCalledWith('https://example.org/x');
    await expect(openExternalLink('file:///etc/passwd', open)).rejects.toThrow(/Only web links/);
    expect(open).toHaveBeenCalledTimes(1);
  });
});

describe('hardenWebContents', () => {
  function fakeContents() {
    const listeners = new Map<string, (event: { preventDefault(): void; url?: string }) => void>();
    let openHandler: ((d: { url: string }) => { action: 'deny' }) | null = null;
    let requestHandler: ((c: unknown, p: string, cb: (g: boolean) => void) => void) | null = null;
    let checkHandler: ((c: unknown, p: string) => boolean) | null = null;
    const contents: HardenableContents = {
      on: (name: string, listener: (event: { preventDefault(): void; url?: string }) => void) => {
        listeners.set(name, listener);
        return contents;
      },
      setWindowOpenHandler: (h) => {
        openHandler = h;
      },
      session: {
        setPermissionRequestHandler: (h) => {
          requestHandler = h;
        },
        setPermissionCheckHandler: (h) => {
          checkHandler = h;
        },
      },
    };
    return { contents, listeners, open: () => openHandler, request: () => requestHandler, check: () => checkHandler };
  }

  it('stops every navigation, redirect, frame navigation and webview', () => {
    const f = fakeContents();
    hardenWebContents(f.contents);
    for (const name of ['will-navigate', 'will-redirect', 'will-frame-navigate', 'will-attach-webview']) {
      const preventDefault = vi.fn();
      const listener = f.listeners.get(name);
      expect(listener, name).toBeDefined();
      listener!({ preventDefault, url: 'https://evil.example/' });
      expect(preventDefault, name).toHaveBeenCalled();
    }
    const preventDefault = vi.fn();
    f.listeners.get('will-navigate')!({ preventDefault, url: 'app://chat/other.html' });
    expect(preventDefault).toHaveBeenCalled();
  });

  it('denies new windows and every permission', () => {
    const f = fakeContents();
    hardenWebContents(f.contents);
    expect(f.open()!({ url: 'https://example.org' })).toEqual({ action: 'deny' });
    const cb = vi.fn();
    f.request()!(null, 'notifications', cb);
    f.request()!(null, 'media', cb);
    expect(cb.mock.calls).toEqual([[false], [false]]);
    expect(f.check()!(null, 'clipboard-read')).toBe(false);
  });

  it('has no exception in its rules', () => {
    expect(allowNavigation('app://chat/index.html')).toBe(false);
    expect(allowPermission('openExternal')).toBe(false);
  });
});
