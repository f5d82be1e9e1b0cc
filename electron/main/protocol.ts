// Main process, Electron: registers the `app://` scheme and serves the built window from it.
// The rules (path resolution, CSP, MIME types) are in app-scheme.ts; this file only wires them to Electron.
import { readFile } from 'node:fs/promises';
import { protocol, type Session } from 'electron';
import { APP_SCHEME, answerAppRequest } from './app-scheme.js';

/** Must run before the app is ready: `standard` gives the window a real origin, `secure` a secure context. */
export function registerAppSchemePrivileges(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
  ]);
}

/** Serves `rendererRoot` on `app://chat/` in the given session (call once the app is ready). */
export function serveAppScheme(session: Session, rendererRoot: string): void {
  session.protocol.handle(APP_SCHEME, async (request) => {
    const parts = await answerAppRequest(rendererRoot, request.method, request.url, (file) => readFile(file));
    return new Response(parts.status === 200 && request.method === 'HEAD' ? null : (parts.body as BodyInit), {
      status: parts.status,
      headers: parts.headers,
    });
  });
}
