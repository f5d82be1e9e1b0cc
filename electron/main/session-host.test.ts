import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChatClientOptions } from '../../core/client/chat-client.js';
import { sessionSnapshotSchema, type SessionSnapshot } from '../../core/api/session-snapshot.js';
import { ChatError } from '../../core/api/errors.js';
import { MemoryStore } from '../../core/client/store.js';
import type { AccountView, ChatEvent, ContactView, MessageView } from '../../core/api/chat-api.js';
import { SessionHost, type ClientFactory, type HostedClient, type SessionHostDeps } from './session-host.js';
import { SettingsStore } from './settings-store.js';
import { StaySignedInStore, type Keychain } from './stay-signed-in.js';

const SERVER = 'https://chat.example.org';
const snapshot: SessionSnapshot = {
  serverUrl: SERVER,
  username: 'alice',
  authHash: Buffer.alloc(64, 1).toString('base64'),
  privateKeyPkcs8: Buffer.from('pkcs8-bytes').toString('base64'),
};
const messageId = '7b0b4a6e-1c1f-4f55-9a57-3a3b3b7d4c11';

// Stands in for ChatClient: the network and the crypto are the core's business and tested there.
class FakeClient implements HostedClient {
  readonly serverUrl: string;
  account: AccountView | null = null;
  keepSecret = false;
  unread: ContactView[] = [];
  readonly listeners = new Set<(event: ChatEvent) => void>();
  readonly login = vi.fn(async (c: { username: string }, o?: { keepSessionSecret?: boolean }) => {
    this.keepSecret = o?.keepSessionSecret ?? false;
    this.account = { username: c.username, fingerprint: 'ab'.repeat(32), serverUrl: this.serverUrl };
    return this.account;
  });
  readonly register = this.login;
  readonly logout = vi.fn(async () => {
    this.account = null;
  });
  readonly changePassword = vi.fn(async () => undefined);
  readonly searchUsers = vi.fn(async () => []);
  readonly contacts = vi.fn(async () => this.unread);
  readonly contactDetails = vi.fn();
  readonly trustContactKey = vi.fn();
  readonly disownEarlierKeys = vi.fn();
  readonly blockContact = vi.fn();
  readonly unblockContact = vi.fn();
  readonly conversation = vi.fn();
  readonly readMessages = vi.fn(async (): Promise<MessageView[]> => []);
  readonly send = vi.fn();
  readonly markRead = vi.fn(async () => undefined);
  readonly startLive = vi.fn(async () => undefined);
  readonly close = vi.fn(async () => undefined);

  constructor(options: ChatClientOptions) {
    this.serverUrl = options.serverUrl;
  }
  onEvent(listener: (event: ChatEvent) => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(event: ChatEvent) {
    this.listeners.forEach((l) => l(event));
  }
  async currentAccount() {
    return this.account;
  }
  sessionSnapshot() {
    return this.account && this.keepSecret ? { ...snapshot, username: this.account.username } : null;
  }
}

function memoryKeychain(): Keychain & { value: string | null } {
  const k = {
    value: null as string | null,
    get: async () => k.value,
    set: async (v: string) => {
      k.value = v;
    },
    delete: async () => {
      k.value = null;
    },
  };
  return k;
}

let dir: string;
let keychain: ReturnType<typeof memoryKeychain>;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ec-host-'));
  keychain = memoryKeychain();
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function makeHost(options: { keychainAvailable?: boolean; focused?: boolean; resumeError?: ChatError; now?: () => number } = {}) {
  const clients: FakeClient[] = [];
  const factory: ClientFactory = {
    create: (o) => {
      const c = new FakeClient(o);
      clients.push(c);
      return c;
    },
    resume: vi.fn(async (o: ChatClientOptions, snap: SessionSnapshot) => {
      if (options.resumeError) throw options.resumeError;
      const c = new FakeClient(o);
      c.account = { username: snap.username, fingerprint: 'ab'.repeat(32), serverUrl: o.serverUrl };
      c.keepSecret = true;
      clients.push(c);
      return c;
    }),
    checkServer: vi.fn(async (url: string) => ({ serverUrl: url.replace(/\/$/, '') })),
  };
  const deps = {
    settings: new SettingsStore(dir),
    staySignedIn: new StaySignedInStore<SessionSnapshot>(dir, keychain, (v) => sessionSnapshotSchema.parse(v)),
    probeKeychain: async () =>
      options.keychainAvailable === false ? { available: false, detail: 'No Secret Service is running.' } : { available: true, detail: null },
    clientStore: new MemoryStore(),
    transportFor: () => ({}),
    clients: factory,
    emit: vi.fn(),
    isWindowFocused: () => options.focused ?? false,
    showNotification: vi.fn(),
    setUnreadCount: vi.fn(),
    openExternal: vi.fn(async () => undefined),
    logProblem: vi.fn(),
    now: options.now ?? (() => 0),
  } satisfies SessionHostDeps;
  return { host: new SessionHost(deps), deps, clients, factory };
}

describe('SessionHost settings', () => {
  it('starts with stay signed in off and reports the keychain', async () => {
    const { host } = makeHost();
    await host.start();
    const s = await host.getSettings();
    expect(s.serverUrl).toBeNull();
    expect(s.desktop).toEqual({ staySignedIn: false, keychainAvailable: true, keychainDetail: null, notifications: true, notificationContent: false });
  });

  it('refuses stay signed in without a keychain, with the explanation', async () => {
    const { host } = makeHost({ keychainAvailable: false });
    await host.start();
    expect((await host.getSettings()).desktop?.keychainDetail).toBe('No Secret Service is running.');
    await expect(host.updateSettings({ staySignedIn: true })).rejects.toMatchObject({ info: { code: 'keychain_unavailable' } });
    expect((await host.getSettings()).desktop?.staySignedIn).toBe(false);
  });

  it('checks and remembers a server, and refuses to switch while signed in', async () => {
    const { host, factory, clients } = makeHost();
    await host.start();
    await host.setServer({ serverUrl: `${SERVER}/`, caCertificatePem: null });
    expect(factory.checkServer).toHaveBeenCalled();
    expect((await host.getSettings()).serverUrl).toBe(SERVER);
    expect(clients).toHaveLength(1);
    await host.login({ username: 'alice', password: 'pw' });
    await expect(host.setServer({ serverUrl: 'https://other.example', caCertificatePem: null })).rejects.toMatchObject({ info: { code: 'invalid_input' } });
  });

  it('takes the server from the launch options', async () => {
    const { host, clients } = makeHost();
    await host.start('http://127.0.0.1:9999');
    expect((await host.getSettings()).serverUrl).toBe('http://127.0.0.1:9999');
    expect(clients[0]!.serverUrl).toBe('http://127.0.0.1:9999');
  });

  it('asks for a server before signing in', async () => {
    const { host } = makeHost();
    await host.start();
    await expect(host.login({ username: 'alice', password: 'pw' })).rejects.toMatchObject({ info: { code: 'invalid_input', message: 'Choose a server first.' } });
  });
});

describe('SessionHost stay signed in', () => {
  it('saves the session at sign-in when on, resumes it at the next start, and logout erases both halves', async () => {
    const first = makeHost();
    await first.host.start(SERVER);
    await first.host.updateSettings({ staySignedIn: true });
    await first.host.login({ username: 'alice', password: 'pw' });
    expect(first.clients[0]!.login).toHaveBeenCalledWith({ username: 'alice', password: 'pw' }, { keepSessionSecret: true });
    expect(keychain.value).not.toBeNull();
    await stat(path.join(dir, 'session.sealed'));
    expect((await first.host.getSettings()).lastUsername).toBe('alice');

    const second = makeHost();
    await second.host.start();
    expect(second.factory.resume).toHaveBeenCalledWith(expect.objectContaining({ serverUrl: SERVER }), expect.objectContaining({ username: 'alice' }));
    expect(await second.host.currentAccount()).toMatchObject({ username: 'alice' });
    expect(second.clients[0]!.startLive).toHaveBeenCalled();

    await second.host.logout();
    expect(keychain.value).toBeNull();
    await expect(stat(path.join(dir, 'session.sealed'))).rejects.toThrow();
  });

  it('saves nothing while the option is off', async () => {
    const { host } = makeHost();
    await host.start(SERVER);
    await host.login({ username: 'alice', password: 'pw' });
    expect(keychain.value).toBeNull();
  });

  it('saves the open session when turned on, erases it when turned off', async () => {
    const { host } = makeHost();
    await host.start(SERVER);
    await host.login({ username: 'alice', password: 'pw' });
    await host.updateSettings({ staySignedIn: true });
    expect(keychain.value).not.toBeNull();
    await host.updateSettings({ staySignedIn: false });
    expect(keychain.value).toBeNull();
  });

  it('forgets a saved session the server refuses, and says why', async () => {
    const first = makeHost();
    await first.host.start(SERVER);
    await first.host.updateSettings({ staySignedIn: true });
    await first.host.login({ username: 'alice', password: 'pw' });

    const refused = makeHost({ resumeError: new ChatError('unauthorized', 'Your saved sign-in no longer works.') });
    await refused.host.start();
    expect(await refused.host.currentAccount()).toBeNull();
    expect(refused.deps.emit).toHaveBeenCalledWith({ type: 'signed_out', reason: 'Your saved sign-in no longer works.' });
    expect(keychain.value).toBeNull();
  });

  it('drops a saved session whose keychain is gone, and turns the option off', async () => {
    const first = makeHost();
    await first.host.start(SERVER);
    await first.host.updateSettings({ staySignedIn: true });
    await first.host.login({ username: 'alice', password: 'pw' });
    const noKeychain = makeHost({ keychainAvailable: false });
    await noKeychain.host.start();
    expect(noKeychain.factory.resume).not.toHaveBeenCalled();
    expect((await noKeychain.host.getSettings()).desktop?.staySignedIn).toBe(false);
    await expect(stat(path.join(dir, 'session.sealed'))).rejects.toThrow();
    await noKeychain.host.logout();
    expect(noKeychain.deps.logProblem).not.toHaveBeenCalled();
  });

  it('signs in even when the keychain refuses the key, and turns the option off', async () => {
    const { host, deps } = makeHost();
    await host.start(SERVER);
    await host.updateSettings({ staySignedIn: true });
    keychain.set = async () => {
      throw new Error('The keychain is locked');
    };
    expect(await host.login({ username: 'alice', password: 'pw' })).toMatchObject({ username: 'alice' });
    expect((await host.getSettings()).desktop?.staySignedIn).toBe(false);
    expect(deps.logProblem).toHaveBeenCalledWith('saving the session', expect.anything());
    await expect(stat(path.join(dir, 'session.sealed'))).rejects.toThrow();
  });

  it('keeps a saved session when the server is only unreachable', async () => {
    const first = makeHost();
    await first.host.start(SERVER);
    await first.host.updateSettings({ staySignedIn: true });
    await first.host.login({ username: 'alice', password: 'pw' });
    const offline = makeHost({ resumeError: new ChatError('server_unreachable', 'The server does not answer.') });
    await offline.host.start();
    expect(keychain.value).not.toBeNull();
  });
});

describe('SessionHost when the server ends the session', () => {
  it('opens it again from the saved session with stay signed in, without telling the window to sign in', async () => {
    let clock = 1_000_000;
    const made = makeHost({ now: () => clock });
    await made.host.start(SERVER);
    await made.host.updateSettings({ staySignedIn: true });
    await made.host.login({ username: 'alice', password: 'pw' });
    const first = made.clients[0]!;
    first.account = null;
    first.emit({ type: 'signed_out', reason: 'Your session expired.' });
    await vi.waitFor(() => expect(made.factory.resume).toHaveBeenCalledTimes(1));
    await vi.waitFor(async () => expect(await made.host.currentAccount()).toMatchObject({ username: 'alice' }));
    expect(made.deps.emit).not.toHaveBeenCalledWith(expect.objectContaining({ type: 'signed_out' }));

    // A second loss within the minute is passed on: no loop against a server that refuses every token.
    clock += 59_000;
    made.clients[1]!.account = null;
    made.clients[1]!.emit({ type: 'signed_out', reason: 'Your session expired.' });
    expect(made.deps.emit).toHaveBeenCalledWith({ type: 'signed_out', reason: 'Your session expired.' });
    expect(made.factory.resume).toHaveBeenCalledTimes(1);

    // Later, it recovers again.
    clock += 2_000;
    await made.host.login({ username: 'alice', password: 'pw' });
    made.clients[1]!.account = null;
    made.clients[1]!.emit({ type: 'signed_out', reason: 'Your session expired.' });
    await vi.waitFor(() => expect(made.factory.resume).toHaveBeenCalledTimes(2));
  });

  it('passes the sign-out on without stay signed in, and after a logout', async () => {
    const made = makeHost();
    await made.host.start(SERVER);
    await made.host.login({ username: 'alice', password: 'pw' });
    made.clients[0]!.emit({ type: 'signed_out', reason: 'Your session expired.' });
    expect(made.deps.emit).toHaveBeenCalledWith({ type: 'signed_out', reason: 'Your session expired.' });
    expect(made.factory.resume).not.toHaveBeenCalled();

    const other = makeHost();
    await other.host.start(SERVER);
    await other.host.updateSettings({ staySignedIn: true });
    await other.host.login({ username: 'alice', password: 'pw' });
    const client = other.clients[0]!;
    client.logout.mockImplementationOnce(async () => {
      client.account = null;
      client.emit({ type: 'signed_out', reason: 'You signed out.' });
    });
    await other.host.logout();
    expect(other.factory.resume).not.toHaveBeenCalled();
    expect(other.deps.emit).toHaveBeenCalledWith({ type: 'signed_out', reason: 'You signed out.' });
  });
});

describe('SessionHost events and notifications', () => {
  const header = { id: messageId, seq: 1, sender: 'bob', recipient: 'alice', timestamp: '2026-11-25T20:55:01.123Z', outgoing: false };

  async function signedIn(options: { focused?: boolean } = {}) {
    const made = makeHost(options);
    await made.host.start(SERVER);
    await made.host.login({ username: 'alice', password: 'pw' });
    return { ...made, client: made.clients[0]! };
  }

  it('forwards every client event to the window', async () => {
    const { client, deps } = await signedIn();
    const event: ChatEvent = { type: 'connection', state: 'online', detail: null };
    client.emit(event);
    expect(deps.emit).toHaveBeenCalledWith(event);
  });

  it('notifies with the sender only while unfocused, and updates the unread count', async () => {
    const { client, deps } = await signedIn();
    client.unread = [{ username: 'bob', keyStatus: 'pinned', unread: 2, lastActivity: null, lastSeq: 1 }];
    client.emit({ type: 'message', message: header });
    await vi.waitFor(() => expect(deps.showNotification).toHaveBeenCalled());
    expect(deps.showNotification).toHaveBeenCalledWith({ title: 'New message from bob', body: 'Open Encrypted Chat to read it.' });
    expect(client.readMessages).not.toHaveBeenCalled();
    await vi.waitFor(() => expect(deps.setUnreadCount).toHaveBeenLastCalledWith(2, 'alice'));
  });

  it('shows the verified text only when content is turned on', async () => {
    const { host, client, deps } = await signedIn();
    await host.updateSettings({ notificationContent: true });
    client.readMessages.mockResolvedValueOnce([{ ...header, text: 'see you at 8', status: 'verified', reason: null }]);
    client.emit({ type: 'message', message: header });
    await vi.waitFor(() => expect(deps.showNotification).toHaveBeenCalledWith({ title: 'New message from bob', body: 'see you at 8' }));
  });

  it('stays quiet while the window is focused', async () => {
    const { client, deps } = await signedIn({ focused: true });
    client.emit({ type: 'message', message: header });
    await vi.waitFor(() => expect(deps.setUnreadCount).toHaveBeenCalledTimes(2));
    expect(deps.showNotification).not.toHaveBeenCalled();
  });
});

describe('SessionHost links', () => {
  it('opens checked web links and refuses anything else as invalid_input', async () => {
    const { host, deps } = makeHost();
    await host.start();
    await host.openLink('https://example.org/page');
    expect(deps.openExternal).toHaveBeenCalledWith('https://example.org/page');
    await expect(host.openLink('file:///etc/passwd')).rejects.toMatchObject({ info: { code: 'invalid_input' } });
  });
});
