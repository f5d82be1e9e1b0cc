// The real desktop app against a real server: sign in through the password dialog, send, receive.
// Needs the Electron binary (node_modules/electron/dist); without it this skips and says why.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { ChatClient } from '../../core/client/chat-client.js';
import { MemoryStore } from '../../core/client/store.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { findElectronBinary, fixtureAccount, registerFixtureAccount, REPO_ROOT } from './support.js';

const binary = findElectronBinary();
if (binary.path === null) console.warn(`Skipping the desktop app test: ${binary.reason}`);
test.skip(binary.path === null, binary.reason ?? '');

const ALICE = fixtureAccount('alice');
const BOB = fixtureAccount('bob');

let server: ServerProcess;
let profile: string;
let app: ElectronApplication;
let window: Page;
const problems: string[] = [];

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(300_000);
  execFileSync('npm', ['run', '--silent', 'build:electron'], { cwd: REPO_ROOT, stdio: 'inherit' });
  server = await startServerProcess();
  await registerFixtureAccount(server.url, 'alice');
  await registerFixtureAccount(server.url, 'bob');
  profile = mkdtempSync(path.join(tmpdir(), 'ec-desktop-'));
  app = await electron.launch({
    executablePath: binary.path!,
    // Chromium will not start as root with its OS sandbox (CI runs as root); the renderer's JS sandbox
    // (sandbox: true, contextIsolation) is unaffected.
    args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), REPO_ROOT, '--server', server.url, '--user-data', profile],
    cwd: REPO_ROOT,
  });
  window = await app.firstWindow();
  window.on('console', (m) => {
    if (/Content[- ]Security[- ]Policy|Refused to/i.test(m.text())) problems.push(m.text());
  });
  window.on('pageerror', (e) => problems.push(e.message));
});

test.afterAll(async () => {
  await app?.close();
  await server?.stop();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

test('the window is locked down: app:// origin, no Node, one narrow bridge', async () => {
  expect(window.url()).toBe('app://chat/index.html');
  expect(await window.evaluate(() => [typeof (globalThis as any).require, typeof (globalThis as any).process])).toEqual(['undefined', 'undefined']);
  const bridge = await window.evaluate(() => Object.keys((globalThis as any).encryptedChat).sort());
  expect(bridge).toContain('login');
  expect(bridge).not.toContain('invoke');
  // One instance, one window.
  expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);
});

test('sign in through the password dialog, send, receive', async () => {
  await window.getByLabel('Username').fill('alice');
  await window.getByLabel('Password', { exact: true }).fill(ALICE.password);
  await window.getByRole('button', { name: 'Sign in' }).click();
  await expect(window.getByRole('button', { name: 'Settings' })).toBeVisible({ timeout: 120_000 });

  await window.getByLabel('Find people by username').fill('bob');
  await window.getByRole('region', { name: 'People found' }).getByRole('button', { name: /^bob\b/ }).click();
  await expect(window.getByRole('heading', { name: 'bob', level: 2 })).toBeVisible();
  const box = window.getByLabel('Message to bob');
  await box.fill('Hello Bob, from the desktop app.');
  await box.press('Enter');
  await expect(window.getByRole('listitem').filter({ hasText: 'Hello Bob, from the desktop app.' }).getByText('Verified')).toBeVisible();

  // Bob, on another client, reads it verified and answers; the answer arrives live in the window.
  const bob = new ChatClient({ serverUrl: server.url, store: new MemoryStore() });
  await bob.login({ username: 'bob', password: BOB.password });
  const [sent] = (await bob.conversation({ conversation: 'alice' })).messages;
  const [opened] = await bob.readMessages([sent!.id]);
  expect(opened).toMatchObject({ text: 'Hello Bob, from the desktop app.', status: 'verified' });
  await bob.send({ conversation: 'alice', text: 'Hello Alice, received.', id: bob.newMessageId() });
  await bob.close();
  await expect(window.getByRole('listitem').filter({ hasText: 'Hello Alice, received.' }).getByText('Verified')).toBeVisible();

  // The token and the key stay in main: nothing of them in the window's storage.
  const stored = await window.evaluate(() => JSON.stringify([{ ...localStorage }, { ...sessionStorage }]));
  expect(stored).not.toContain(ALICE.authHash);
  expect(stored).not.toContain(ALICE.privateKeyPkcs8.slice(0, 40));
  await window.screenshot({ path: path.join(REPO_ROOT, 'test-results', 'electron', 'desktop-conversation.png') });
  expect(problems).toEqual([]);
});
