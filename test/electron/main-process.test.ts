// The desktop app's main process, end to end, without the Electron binary: electron/main/main.ts runs for
// real (with the real core, settings on disk and a real server process), and only the `electron` module is
// a stand-in that records what main asks of it. The window is played by calling the IPC handlers main
// registered, as the preload's invoke would. What Electron itself does (sandbox, rendering) is covered by
// the Playwright test (app.spec.ts) where the binary exists.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ChatClient } from '../../core/client/chat-client.js';
import { MemoryStore } from '../../core/client/store.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { fixtureAccount, registerFixtureAccount } from './support.js';

type Handler = (event: unknown, ...args: unknown[]) => Promise<unknown>;

const fake = vi.hoisted(() => {
  const state = {
    appPath: '',
    paths: new Map<string, string>(),
    handlers: new Map<string, (event: unknown, ...args: unknown[]) => Promise<unknown>>(),
    sent: [] as [string, unknown][],
    windows: [] as FakeWindow[],
    notifications: [] as { title: string; body: string }[],
    badge: [] as number[],
    privileged: [] as unknown[],
    protocolHandler: null as null | ((request: { method: string; url: string }) => Promise<Response>),
    appListeners: new Map<string, (...args: unknown[]) => void>(),
    menuTemplate: null as unknown,
    opened: [] as string[],
  };
  const mainFrame = { url: 'app://chat/index.html', processId: 3, routingId: 1, parent: null };
  class FakeWindow {
    readonly webContents = {
      mainFrame,
      send: (channel: string, payload: unknown) => state.sent.push([channel, payload]),
    };
    title = '';
    focused = false;
    loadedUrl: string | null = null;
    constructor(readonly options: Record<string, any>) {
      state.windows.push(this);
    }
    static getAllWindows() {
      return state.windows;
    }
    on() {
      return this;
    }
    once() {
      return this;
    }
    async loadURL(url: string) {
      this.loadedUrl = url;
    }
    isDestroyed() {
      return false;
    }
    isFocused() {
      return this.focused;
    }
    isMinimized() {
      return false;
    }
    isMaximized() {
      return false;
    }
    maximize() {}
    show() {}
    focus() {}
    restore() {}
    setTitle(title: string) {
      this.title = title;
    }
    getNormalBounds() {
      return { x: 0, y: 0, width: 1100, height: 760 };
    }
  }
  const electron = {
    app: {
      getAppPath: () => state.appPath,
      getPath: (name: string) => state.paths.get(name) ?? '',
      setPath: (name: string, value: string) => state.paths.set(name, value),
      setName: () => undefined,
      setAboutPanelOptions: () => undefined,
      getVersion: () => '0.1.0',
      requestSingleInstanceLock: () => true,
      quit: () => undefined,
      exit: () => undefined,
      on: (name: string, listener: (...args: unknown[]) => void) => state.appListeners.set(name, listener),
      whenReady: () => Promise.resolve(),
      setBadgeCount: (n: number) => state.badge.push(n),
    },
    BrowserWindow: FakeWindow,
    ipcMain: {
      handle: (channel: string, listener: (event: unknown, ...args: unknown[]) => Promise<unknown>) => state.handlers.set(channel, listener),
      removeHandler: (channel: string) => state.handlers.delete(channel),
    },
    Menu: { buildFromTemplate: (t: unknown) => ((state.menuTemplate = t), t), setApplicationMenu: () => undefined },
    Notification: class {
      static isSupported() {
        return true;
      }
      constructor(readonly options: { title: string; body: string }) {}
      on() {}
      show() {
        state.notifications.push({ title: this.options.title, body: this.options.body });
      }
    },
    dialog: { showMessageBox: async () => ({ response: 0 }) },
    nativeTheme: { shouldUseDarkColors: false },
    // Wake-ups and the network state main watches to reconnect at once (wake-watch.ts).
    powerMonitor: { on: () => undefined },
    net: { online: true },
    shell: { openExternal: async (url: string) => void state.opened.push(url), openPath: async () => '' },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
    protocol: { registerSchemesAsPrivileged: (schemes: unknown[]) => state.privileged.push(...schemes) },
    session: {
      defaultSession: {
        protocol: { handle: (_scheme: string, handler: typeof state.protocolHandler) => (state.protocolHandler = handler) },
      },
    },
  };
  return { state, electron, mainFrame };
});

vi.mock('electron', () => fake.electron);

const ALICE = fixtureAccount('alice');
const BOB = fixtureAccount('bob');

const fromWindow = { senderFrame: fake.mainFrame };
let server: ServerProcess;
let root: string;
const savedArgv = process.argv;

function call(method: string, ...args: unknown[]): Promise<any> {
  const handler = fake.state.handlers.get(`chat:${method}`) as Handler | undefined;
  if (!handler) throw new Error(`no handler for chat:${method}`);
  // Electron copies replies with the structured clone algorithm: anything it cannot copy fails the call.
  return handler(fromWindow, ...args).then((reply) => {
    expect(structuredClone(reply)).toEqual(reply);
    return reply;
  });
}

beforeAll(async () => {
  server = await startServerProcess();
  await registerFixtureAccount(server.url, 'alice');
  await registerFixtureAccount(server.url, 'bob');
  root = await mkdtemp(path.join(tmpdir(), 'ec-main-'));
  fake.state.appPath = path.join(root, 'app');
  await mkdir(path.join(fake.state.appPath, 'dist', 'desktop-renderer'), { recursive: true });
  await writeFile(path.join(fake.state.appPath, 'dist', 'desktop-renderer', 'index.html'), '<!doctype html><title>Encrypted Chat</title>');
  process.argv = [process.execPath, '.', '--server', server.url, '--user-data', path.join(root, 'profile')];
  await import('../../electron/main/main.js');
  await vi.waitFor(() => expect(fake.state.windows).toHaveLength(1), { timeout: 20_000 });
});

afterAll(async () => {
  process.argv = savedArgv;
  await call('logout').catch(() => undefined);
  await server?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

describe('desktop main process', () => {
  it('registers the app:// scheme as privileged, standard and secure before ready', () => {
    expect(fake.state.privileged).toEqual([{ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }]);
  });

  it('opens one hardened window on app://chat with the bundled preload', () => {
    const [window] = fake.state.windows;
    expect(window!.loadedUrl).toBe('app://chat/index.html');
    const web = window!.options.webPreferences;
    expect(web).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
    expect(web.preload).toBe(path.join(fake.state.appPath, 'dist', 'electron', 'preload.cjs'));
    expect(fake.state.paths.get('userData')).toBe(path.join(root, 'profile'));
    expect(fake.state.appListeners.has('web-contents-created')).toBe(true);
    expect(fake.state.appListeners.has('second-instance')).toBe(true);
  });

  it('serves the window from the scheme with the CSP, and nothing outside it', async () => {
    const handler = fake.state.protocolHandler!;
    const page = await handler({ method: 'GET', url: 'app://chat/index.html' });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('<title>Encrypted Chat</title>');
    expect((await handler({ method: 'GET', url: 'app://chat/..%2f..%2fpackage.json' })).status).toBe(404);
  });

  it('has one handler per ChatApi method', () => {
    expect([...fake.state.handlers.keys()].sort()).toEqual(
      [
        'getSettings', 'setServer', 'updateSettings', 'currentAccount', 'register', 'login', 'logout', 'changePassword',
        'searchUsers', 'contacts', 'contactDetails', 'trustContactKey', 'disownEarlierKeys', 'blockContact', 'unblockContact', 'conversation', 'readMessages', 'send', 'markRead', 'openLink',
        'groups', 'groupDetails', 'createGroup', 'changeGroupMembers', 'renameGroup', 'leaveGroup', 'confirmGroupMembers',
        'editMessage', 'deleteMessage', 'react',
        'serverInfo', 'recoverAccount', 'logoutEverywhere', 'devices', 'signOutDevice', 'recoveryStatus', 'createRecoveryCode', 'removeRecoveryCode',
        'saveRecoveryCode', 'deleteAccount', 'keyLog', 'auditKeyLog', 'acceptLogKey', 'dismissKeyLogAlarm',
        'usernameTaken', 'reconnectNow', 'setVisible', 'drafts', 'saveDraft',
        'sendFiles', 'fileBytes', 'cancelTransfer', 'saveFile', 'previews',
      ].map((m) => `chat:${m}`).sort(),
    );
  });

  it('takes the server from --server, with stay signed in off by default', async () => {
    const reply = await call('getSettings');
    expect(reply.ok).toBe(true);
    expect(reply.value.serverUrl).toBe(server.url);
    expect(reply.value.desktop.staySignedIn).toBe(false);
    expect(typeof reply.value.desktop.keychainAvailable).toBe('boolean');
  });

  it('refuses a call from another frame and bad input before the session sees it', async () => {
    const handler = fake.state.handlers.get('chat:login') as Handler;
    const foreign = await handler({ senderFrame: { ...fake.mainFrame, url: 'https://evil.example/' } }, { username: 'alice', password: ALICE.password });
    expect(foreign).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await call('login', { username: 'alice' })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await call('currentAccount')).toEqual({ ok: true, value: null });
  });

  it('says "wrong password" in words a person understands', async () => {
    const reply = await call('login', { username: 'alice', password: 'not the password' });
    expect(reply).toMatchObject({ ok: false, error: { code: 'wrong_password' } });
  });

  it('signs in, sends, and receives live — the window sees text and verdicts, never keys or tokens', async () => {
    const login = await call('login', { username: 'Alice', password: ALICE.password });
    expect(login).toMatchObject({ ok: true, value: { username: 'alice', serverUrl: server.url } });

    // Alice (the desktop app) writes to Bob.
    const id = crypto.randomUUID();
    const sent = await call('send', { conversation: 'bob', text: 'hello from the desktop', id });
    expect(sent).toMatchObject({ ok: true, value: { id, text: 'hello from the desktop', status: 'verified', outgoing: true } });

    // Bob, on another client, reads it verified and answers.
    const bob = new ChatClient({ serverUrl: server.url, store: new MemoryStore() });
    await bob.login({ username: 'bob', password: BOB.password });
    const [received] = await bob.readMessages([id]);
    expect(received).toMatchObject({ text: 'hello from the desktop', status: 'verified', sender: 'alice' });
    const answerId = bob.newMessageId();
    await bob.send({ conversation: 'alice', text: 'hello back', id: answerId });
    await bob.close();

    // The answer arrives live in the window, as a header; the window asks main to decrypt it.
    await vi.waitFor(
      () => expect(fake.state.sent.some(([channel, e]) => channel === 'chat:event' && (e as any).type === 'message' && (e as any).message.id === answerId)).toBe(true),
      { timeout: 20_000 },
    );
    const read = await call('readMessages', [answerId]);
    expect(read).toMatchObject({ ok: true, value: [{ id: answerId, text: 'hello back', status: 'verified', sender: 'bob', outgoing: false }] });

    // The window is not focused: a notification naming the sender only, and the unread count.
    await vi.waitFor(() => expect(fake.state.notifications).toContainEqual({ title: 'New message from bob', body: 'Open Encrypted Chat to read it.' }));
    await vi.waitFor(() => expect(fake.state.windows[0]!.title).toBe('(1) Encrypted Chat — alice'));
    expect(fake.state.badge.at(-1)).toBe(1);

    const conversation = await call('conversation', { conversation: 'bob' });
    expect(conversation.value.messages.map((m: { id: string }) => m.id)).toEqual([id, answerId]);
    await call('markRead', 'bob', conversation.value.messages[1].seq);
    await vi.waitFor(() => expect(fake.state.windows[0]!.title).toBe('Encrypted Chat — alice'));

    for (const [, event] of fake.state.sent) expect(structuredClone(event)).toEqual(event);
    // Nothing secret ever crossed to the window.
    const crossed = JSON.stringify([fake.state.sent, login, sent, read, conversation]);
    for (const secret of [ALICE.privateKeyPkcs8.slice(0, 40), ALICE.authHash, ALICE.password]) expect(crossed).not.toContain(secret);
    expect(crossed).not.toMatch(/"token"|Bearer/);
  });

  it('opens web links through the system browser only after the check', async () => {
    expect(await call('openLink', 'https://example.org/')).toEqual({ ok: true, value: undefined });
    expect(fake.state.opened).toEqual(['https://example.org/']);
    expect(await call('openLink', 'file:///etc/passwd')).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(fake.state.opened).toHaveLength(1);
  });

  it('signs out', async () => {
    expect(await call('logout')).toEqual({ ok: true, value: undefined });
    expect(await call('currentAccount')).toEqual({ ok: true, value: null });
  });
});
