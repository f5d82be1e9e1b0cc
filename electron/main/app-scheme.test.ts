import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { answerAppRequest, CONTENT_SECURITY_POLICY, isAppUrl, mimeTypeOf, resolveAppPath } from './app-scheme.js';

const root = path.resolve('/opt/encrypted-chat/desktop-renderer');

describe('resolveAppPath', () => {
  it('maps app://chat/ paths under the root, / to index.html', () => {
    expect(resolveAppPath(root, 'app://chat/')).toBe(path.join(root, 'index.html'));
    expect(resolveAppPath(root, 'app://chat/index.html')).toBe(path.join(root, 'index.html'));
    expect(resolveAppPath(root, 'app://chat/assets/app-1.js?x=1#y')).toBe(path.join(root, 'assets', 'app-1.js'));
    expect(resolveAppPath(root, 'app://chat/a%20b.css')).toBe(path.join(root, 'a b.css'));
  });

  // The URL parser resolves dot segments (also %2e%2e) against the root, so they can never climb out.
  it.each(['app://chat/../secret', 'app://chat/%2e%2e/secret', 'app://chat/assets/%2e%2e/%2e%2e/etc/passwd'])(
    'keeps %s inside the root',
    (url) => {
      const resolved = resolveAppPath(root, url);
      expect(resolved).not.toBeNull();
      expect(resolved!.startsWith(root + path.sep)).toBe(true);
    },
  );

  it.each([
    'app://chat/..%2fetc%2fpasswd',
    'app://chat/..%5cwindows',
    'app://chat/a%00.js',
    'app://chat/C:/Windows/win.ini',
    'app://chat/%E0%A4%A',
    'app://other/index.html',
    'app://user:pw@chat/index.html',
    'file:///etc/passwd',
    'https://chat/index.html',
    'not a url',
  ])('refuses %s', (url) => {
    expect(resolveAppPath(root, url)).toBeNull();
  });
});

describe('isAppUrl', () => {
  it('accepts only app://chat', () => {
    expect(isAppUrl('app://chat/index.html')).toBe(true);
    expect(isAppUrl('app://evil/index.html')).toBe(false);
    expect(isAppUrl('http://chat/index.html')).toBe(false);
    expect(isAppUrl('')).toBe(false);
  });
});

describe('CSP', () => {
  it('allows only own scripts and styles and no network', () => {
    const directives = new Map(CONTENT_SECURITY_POLICY.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]));
    expect(directives.get('default-src')).toBe("'none'");
    expect(directives.get('script-src')).toBe("'self'");
    expect(directives.get('connect-src')).toBe("'none'");
    // Images only from the app, thumbnails (data:) and verified attachments shown full size (blob:).
    expect(directives.get('img-src')).toBe("'self' data: blob:");
    expect(directives.get('object-src')).toBe("'none'");
    expect(directives.get('frame-ancestors')).toBe("'none'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
  });
});

describe('answerAppRequest', () => {
  const files = new Map([[path.join(root, 'index.html'), new TextEncoder().encode('<!doctype html>')]]);
  const readFile = async (file: string) => {
    const bytes = files.get(file);
    if (!bytes) throw new Error('ENOENT');
    return bytes;
  };

  it('serves a file with its type and the CSP header', async () => {
    const res = await answerAppRequest(root, 'GET', 'app://chat/', readFile);
    expect(res.status).toBe(200);
    expect(res.headers['Content-Type']).toBe('text/html; charset=utf-8');
    expect(res.headers['Content-Security-Policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(res.headers['X-Content-Type-Options']).toBe('nosniff');
    expect(new TextDecoder().decode(res.body as Uint8Array)).toBe('<!doctype html>');
  });

  it('answers 404 for a missing file and for traversal, with the CSP too', async () => {
    const missing = await answerAppRequest(root, 'GET', 'app://chat/nope.js', readFile);
    expect(missing.status).toBe(404);
    const traversal = await answerAppRequest(root, 'GET', 'app://chat/..%2f..%2fetc%2fpasswd', readFile);
    expect(traversal.status).toBe(404);
    expect(traversal.headers['Content-Security-Policy']).toBe(CONTENT_SECURITY_POLICY);
  });

  it('refuses methods other than GET and HEAD', async () => {
    expect((await answerAppRequest(root, 'POST', 'app://chat/', readFile)).status).toBe(405);
  });

  it('knows the types the build emits', () => {
    expect(mimeTypeOf('a/b.JS')).toBe('text/javascript; charset=utf-8');
    expect(mimeTypeOf('x.css')).toBe('text/css; charset=utf-8');
    expect(mimeTypeOf('x.unknown')).toBe('application/octet-stream');
  });
});
