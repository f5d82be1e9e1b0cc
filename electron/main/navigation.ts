// Main process: what the window may load, open and ask for. The answer is almost always no — the window
// is one page on app://chat/, it never navigates, never opens windows, never gets a permission. The only
// way out is an http(s) link the person clicked, opened in the system browser after a check.
// Electron is used through structural types only, so these rules run in tests without it.
import { checkLink, REFUSED_LINK_MESSAGE } from '../../core/links/link-policy.js';

/**
 * The URL to hand to the system browser, or null when it must not be opened. The rule is the one link
 * policy every client uses (core/links/link-policy.ts): only http: and https:, no user info, no backslash,
 * no control, hidden or space characters, a real host, of reasonable length. The window already asked the
 * person ("Open <host>?"); this is the check that does not trust the window.
 */
export function checkExternalUrl(url: unknown): string | null {
  const checked = checkLink(url);
  return checked.ok ? checked.url : null;
}

/** The window never navigates: not to another app:// page, not to the web, not to a file. */
export function allowNavigation(_url: string): boolean {
  return false;
}

/** Every permission (camera, notifications from the page, geolocation, clipboard read…) is refused. */
export function allowPermission(_permission: string): boolean {
  return false;
}

/** Structural slice of Electron's WebContents that hardenWebContents needs. */
export interface HardenableContents {
  on(event: 'will-navigate' | 'will-redirect' | 'will-frame-navigate', listener: (event: { preventDefault(): void; url?: string }) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
  session: {
    setPermissionRequestHandler(handler: ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void) | null): void;
    setPermissionCheckHandler(handler: ((contents: unknown, permission: string) => boolean) | null): void;
  };
}

/**
 * Locks a web contents down: every navigation and redirect stopped, new windows denied, webviews refused,
 * permissions refused. A link the page tries to open in a new window is not followed; the window offers
 * links through ChatApi.openLink, which checks them with checkExternalUrl.
 */
export function hardenWebContents(contents: HardenableContents): void {
  const stop = (event: { preventDefault(): void; url?: string }) => {
    if (!allowNavigation(event.url ?? '')) event.preventDefault();
  };
  // loadURL from the main process does not raise these; anything the page starts does.
  contents.on('will-navigate', stop);
  contents.on('will-redirect', stop);
  contents.on('will-frame-navigate', stop);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.session.setPermissionRequestHandler((_contents, permission, callback) => callback(allowPermission(permission)));
  contents.session.setPermissionCheckHandler((_contents, permission) => allowPermission(permission));
}

/** Opens a checked link in the system browser; rejects an unsafe one with a reason a person can read. */
export async function openExternalLink(url: unknown, openExternal: (url: string) => Promise<void>): Promise<void> {
  const checked = checkLink(url);
  if (!checked.ok) throw new Error(`${REFUSED_LINK_MESSAGE} ${checked.reason}`);
  await openExternal(checked.url);
}
