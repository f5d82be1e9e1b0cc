// Main process, no Electron import: the rules of the `app://` scheme the window is served from.
// The window is never loaded from file:// (every file on disk would share one origin) nor from the network;
// one host, `app://chat/`, maps onto the built window folder and nothing outside it.
import path from 'node:path';

export const APP_SCHEME = 'app';
export const APP_HOST = 'chat';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_START_URL = `${APP_ORIGIN}/index.html`;

/**
 * The window's Content-Security-Policy: only its own scripts and styles, no inline script, no eval, no
 * network at all (the main process does every request), no frames, no plugins, no forms posting anywhere.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  // blob: for a verified attachment shown full size (the window checks its bytes are an image first).
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'none'",
  "media-src 'none'",
  "object-src 'none'",
  "frame-src 'none'",
  "worker-src 'none'",
  "manifest-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
};

export function mimeTypeOf(filePath: string): string {
  return MIME_TYPES[path.extname(filePath).toLowerCase()] ?? 'application/octet-stream';
}

/** True for a URL of the window itself (`app://chat/...`). */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && parsed.username === '' && parsed.password === '';
  } catch {
    return false;
  }
}

/**
 * The file under `root` that an `app://chat/...` URL names, or null when the URL is not ours or would
 * leave `root` (traversal by `..`, encoded separators, NUL bytes, absolute or drive paths).
 */
export function resolveAppPath(root: string, url: string): string | null {
  if (!isAppUrl(url)) return null;
  const pathname = new URL(url).pathname;
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  // An encoded backslash or NUL could mean a different path on some platform than it looks like here.
  if (decoded.includes('\0') || decoded.includes('\\') || /%2f|%5c/i.test(pathname)) return null;
  const segments = decoded.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '..' || s === '.' || /^[a-zA-Z]:/.test(s))) return null;
  const relative = segments.length === 0 ? 'index.html' : segments.join(path.sep);
  const rootResolved = path.resolve(root);
  const full = path.resolve(rootResolved, relative);
  if (full !== rootResolved && !full.startsWith(rootResolved + path.sep)) return null;
  return full;
}

export interface AppResponseParts {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array | string;
}

/** Headers every response of the scheme carries, so that the CSP holds for every document and asset. */
export function securityHeaders(contentType: string): Record<string, string> {
  return {
    'Content-Type': contentType,
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  };
}

/**
 * Answers one request of the scheme: GET of a file under `root`, else an error status. `readFile`
 * is injected so that this runs (and is tested) without Electron.
 */
export async function answerAppRequest(
  root: string,
  method: string,
  url: string,
  readFile: (file: string) => Promise<Uint8Array>,
): Promise<AppResponseParts> {
  if (method !== 'GET' && method !== 'HEAD') {
    return { status: 405, headers: securityHeaders('text/plain; charset=utf-8'), body: 'Method not allowed' };
  }
  const file = resolveAppPath(root, url);
  if (file === null) {
    return { status: 404, headers: securityHeaders('text/plain; charset=utf-8'), body: 'Not found' };
  }
  try {
    const bytes = await readFile(file);
    return { status: 200, headers: securityHeaders(mimeTypeOf(file)), body: method === 'HEAD' ? '' : bytes };
  } catch {
    return { status: 404, headers: securityHeaders('text/plain; charset=utf-8'), body: 'Not found' };
  }
}
