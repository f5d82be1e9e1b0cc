// The desktop build of the window, with the desktop main-process core behind it, in Debian's Chromium —
// everything of the desktop app but the Electron binary (which app.spec.ts needs and this machine lacks):
//   - the window is dist/desktop-renderer, served with the app:// scheme's rules and CSP (app-scheme.ts);
//   - the preload is the real bundle (dist/electron/preload.cjs), run with a stand-in `electron` module
//     whose ipcRenderer.invoke reaches the real IPC dispatcher (createDesktopCore) in this Node process;
//   - behind it the real SessionHost, ChatClient and a real server process.
// What Electron alone does (OS sandbox, contextIsolation's separate world, fuses) is not covered here.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, expect, test, type Browser, type Page } from '@playwright/test';
import { ChatClient } from '../../core/client/chat-client.js';
import { MemoryStore } from '../../core/client/store.js';
import type { ChatEvent } from '../../core/api/chat-api.js';
import type { ChatMethod } from '../../core/api/methods.js';
import { answerAppRequest, APP_ORIGIN } from '../../electron/main/app-scheme.js';
import { createDesktopCore, type DesktopCore } from '../../electron/main/desktop-core.js';
import type { Keychain } from '../../electron/main/stay-signed-in.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/playwright-settings.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { fixtureAccount, registerFixtureAccount, REPO_ROOT } from './support.js';

test.skip(!existsSync(CHROMIUM_PATH), `Chromium is not installed at ${CHROMIUM_PATH} (apt-get install chromium)`);
test.describe.configure({ mode: 'serial' });

const ALICE = fixtureAccount('alice');
const BOB = fixtureAccount('bob');
const RENDERER_ROOT = path.join(REPO_ROOT, 'dist', 'desktop-renderer');

let server: ServerProcess;
let windowServer: Server;
let windowOrigin: string;
let browser: Browser;
let page: Page;
let core: DesktopCore;
let profile: string;
const notifications: { title: string; body: string }[] = [];
const savedFiles: { name: string; text: string }[] = [];
const titles: string[] = [];
const problems: string[] = [];
const requests: string[] = [];
const keychainEntries = new Map<string, string>();

/** A keychain in memory, so this test never touches a real one (the real one is tested by test-keyring.sh). */
function memoryKeychain(account = 'stay-signed-in-key'): Keychain {
  return {
    get: async () => keychainEntries.get(account) ?? null,
    set: async (secret) => void keychainEntries.set(account, secret),
    delete: async () => void keychainEntries.delete(account),
  };
}

/** The page's URL as the app:// URL Electron would report for it. */
function asAppUrl(url: string): string {
  const u = new URL(url);
  return u.origin === windowOrigin ? `${APP_ORIGIN}${u.pathname}` : url;
}

/** The desktop core over the test profile, as main.ts assembles it at every start of the app. */
async function startCore(): Promise<DesktopCore> {
  const started = createDesktopCore({
    userData: profile,
    keychain: memoryKeychain,
    // The dispatcher checks the frame below (the real sender, from Playwright's binding source).
    mainFrame: () => ({ url: asAppUrl(page.mainFrame().url()), processId: 1, routingId: 1, parent: null }),
    effects: {
      emit: (event: ChatEvent) => void page.evaluate((e) => (window as any).__ecDeliver?.(e), event).catch(() => undefined),
      isWindowFocused: () => false,
      showNotification: (n) => void notifications.push(n),
      setUnreadCount: (count, username) => void titles.push(`${count} ${username ?? ''}`),
      openExternal: async () => undefined,
      saveTextFile: async (name, text) => {
        savedFiles.push({ name, text });
        return true;
      },
      // The save dialog of a received file: answered "cancelled" (no test here saves one; attachments.spec.ts does, on the web).
      chooseSavePath: async () => null,
      logProblem: (what, error) => problems.push(`main: ${what}: ${error instanceof Error ? error.message : String(error)}`),
    },
  });
  await started.host.start(server.url);
  return started;
}

test.beforeAll(async () => {
  test.setTimeout(300_000);
  execFileSync('npm', ['run', '--silent', 'build:preload'], { cwd: REPO_ROOT, stdio: 'inherit' });
  execFileSync('npm', ['run', '--silent', 'build:desktop-renderer'], { cwd: REPO_ROOT, stdio: 'inherit' });
  server = await startServerProcess();
  await registerFixtureAccount(server.url, 'alice');
  await registerFixtureAccount(server.url, 'bob');

  // The app:// scheme, on loopback http: the same file resolution, the same headers (CSP included).
  windowServer = createServer((request, response) => {
    const appUrl = `${APP_ORIGIN}${new URL(request.url ?? '/', 'http://x').pathname}`;
    void answerAppRequest(RENDERER_ROOT, request.method ?? 'GET', appUrl, (file) => readFile(file)).then((parts) => {
      response.writeHead(parts.status, parts.headers);
      response.end(parts.body);
    });
  });
  await new Promise<void>((resolve) => windowServer.listen(0, '127.0.0.1', resolve));
  windowOrigin = `http://127.0.0.1:${(windowServer.address() as AddressInfo).port}`;

  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1100, height: 760 } });
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (/Content[- ]Security[- ]Policy|Refused to/i.test(m.text())) problems.push(m.text());
  });

  profile = mkdtempSync(path.join(tmpdir(), 'ec-desktop-window-'));
  core = await startCore();

  // ipcRenderer.invoke → the dispatcher, with the calling frame as Electron would give it.
  await page.exposeBinding('__ecInvoke', async (source, channel: string, args: unknown[]) => {
    const method = channel.replace(/^chat:/, '') as ChatMethod;
    const isTop = source.frame === page.mainFrame();
    return core.dispatch(method, { senderFrame: { url: asAppUrl(source.frame.url()), processId: 1, routingId: isTop ? 1 : 2, parent: isTop ? null : ({} as never) } }, args);
  });
  // The real preload bundle, given what the sandbox would give it.
  const preload = readFileSync(path.join(REPO_ROOT, 'dist', 'electron', 'preload.cjs'), 'utf8');
  await page.addInitScript(`(() => {
    const listeners = new Map();
    window.__ecDeliver = (payload) => (listeners.get('chat:event') || []).forEach((l) => l({}, payload));
    const electron = {
      contextBridge: { exposeInMainWorld: (name, api) => Object.defineProperty(window, name, { value: api }) },
      ipcRenderer: {
        invoke: (channel, ...args) => window.__ecInvoke(channel, args),
        on: (channel, l) => listeners.set(channel, [...(listeners.get(channel) || []), l]),
        removeListener: (channel, l) => listeners.set(channel, (listeners.get(channel) || []).filter((x) => x !== l)),
      },
    };
    const module = { exports: {} };
    new Function('require', 'module', 'exports', ${JSON.stringify(preload)})((name) => {
      if (name !== 'electron') throw new Error('the sandbox has no module ' + name);
      return electron;
    }, module, module.exports);
    document.addEventListener('securitypolicyviolation', (e) => console.error('Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI));
  })();`);
  await page.goto(`${windowOrigin}/index.html`);
});

test.afterAll(async () => {
  await core?.host.stop();
  await browser?.close();
  await new Promise<void>((resolve) => (windowServer ? windowServer.close(() => resolve()) : resolve()));
  await server?.stop();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

test('the desktop window signs in through main, sends and receives, verified', async () => {
  // --server was given: the window goes straight to the password dialog.
  await page.getByLabel('Username').fill('alice');
  await page.getByLabel('Password', { exact: true }).fill(ALICE.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('button', { name: 'Settings' })).toBeVisible({ timeout: 120_000 });

  await page.getByLabel('Find people by username').fill('bob');
  await page.getByRole('region', { name: 'People found' }).getByRole('button', { name: /^bob\b/ }).click();
  await expect(page.getByRole('heading', { name: 'bob', level: 2 })).toBeVisible();
  const box = page.getByLabel('Message to bob');
  await box.fill('Hello Bob, from the desktop window.');
  await box.press('Enter');
  await expect(page.getByRole('listitem').filter({ hasText: 'Hello Bob, from the desktop window.' }).getByText('Verified')).toBeVisible();

  const bob = new ChatClient({ serverUrl: server.url, store: new MemoryStore() });
  await bob.login({ username: 'bob', password: BOB.password });
  const [header] = (await bob.conversation({ conversation: 'alice' })).messages;
  expect((await bob.readMessages([header!.id]))[0]).toMatchObject({ text: 'Hello Bob, from the desktop window.', status: 'verified' });
  await bob.send({ conversation: 'alice', text: 'Hello Alice, it arrived.', id: bob.newMessageId() });
  await bob.close();
  await expect(page.getByRole('listitem').filter({ hasText: 'Hello Alice, it arrived.' }).getByText('Verified')).toBeVisible();

  // Main raised a notification naming the sender only (content is opt-in).
  await expect.poll(() => notifications).toContainEqual({ title: 'New message from bob', body: 'Open Encrypted Chat to read it.' });
  await page.screenshot({ path: path.join(REPO_ROOT, 'test-results', 'electron', 'desktop-window-conversation.png') });
});

test('the window never talks to the chat server and holds no secret', async () => {
  // Every request of the page went to its own origin (app:// in the app): the network is main's.
  expect(requests.filter((u) => !u.startsWith(windowOrigin))).toEqual([]);
  expect(requests.some((u) => u.startsWith(server.url))).toBe(false);
  const stored = await page.evaluate(() => JSON.stringify([{ ...localStorage }, { ...sessionStorage }, document.cookie]));
  expect(stored).not.toContain(ALICE.authHash);
  expect(stored).not.toContain(ALICE.privateKeyPkcs8.slice(0, 40));
  expect(await page.evaluate(() => typeof (window as any).require)).toBe('undefined');
  expect(problems).toEqual([]);
});

test('stay signed in: off until asked, survives a restart, erased by logging out', async () => {
  await page.getByRole('button', { name: 'Settings' }).click();
  const dialog = page.getByRole('dialog', { name: 'Settings' });
  await expect(dialog).toBeVisible();
  const stay = dialog.getByLabel(/Stay signed in/);
  await expect(stay).not.toBeChecked();
  await stay.check();
  await expect(stay).toBeChecked();
  // Turning it on saved the open session: a key in the (test) keychain, a sealed file in the profile.
  await expect.poll(() => keychainEntries.get('stay-signed-in-key') ?? null).not.toBeNull();
  // The key is stored first, then the sealed file is written beside it.
  await expect.poll(() => existsSync(path.join(profile, 'session.sealed'))).toBe(true);
  await page.screenshot({ path: path.join(REPO_ROOT, 'test-results', 'electron', 'desktop-window-settings.png') });

  // Restart: a new main-process core over the same profile, the window loaded again — signed in, no password.
  await core.host.stop();
  core = await startCore();
  await page.reload();
  await expect(page.getByRole('button', { name: 'Settings' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Contacts' })).toContainText('bob');

  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('dialog', { name: 'Settings' }).getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  expect(keychainEntries.has('stay-signed-in-key')).toBe(false);
  expect(existsSync(path.join(profile, 'session.sealed'))).toBe(false);
  expect(problems).toEqual([]);
});
