// Test support for the session host's tests (runs under vitest in Node, never in the app): a stand-in
// ChatClient, an in-memory keychain, and a host over real settings and "stay signed in" files in a temp dir.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, vi } from 'vitest';
import type { AccountView, ChatEvent, ContactView, GroupView, MessageView, PreviewView } from '../../core/api/chat-api.js';
import type { ChatError } from '../../core/api/errors.js';
import { sessionSnapshotSchema, type SessionSnapshot } from '../../core/api/session-snapshot.js';
import type { ChatClientOptions } from '../../core/client/chat-client.js';
import { MemoryStore } from '../../core/client/store.js';
import { SessionHost, type ClientFactory, type HostedClient, type SessionHostDeps } from './session-host.js';
import { SettingsStore } from './settings-store.js';
import { DraftStore } from './draft-store.js';
import { StaySignedInStore, type Keychain } from './stay-signed-in.js';

export const SERVER = 'https://chat.example.org';
export const snapshot: SessionSnapshot = {
  serverUrl: SERVER,
  username: 'alice',
  authHash: Buffer.alloc(64, 1).toString('base64'),
  privateKeyPkcs8: Buffer.from('pkcs8-bytes').toString('base64'),
};
export const messageId = '7b0b4a6e-1c1f-4f55-9a57-3a3b3b7d4c11';

// Stands in for ChatClient: the network and the crypto are the core's business and tested there.
export class FakeClient implements HostedClient {
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
  readonly recoverAccount = this.login;
  readonly logout = vi.fn(async () => {
    this.account = null;
  });
  readonly logoutEverywhere = this.logout;
  readonly deleteAccount = vi.fn(async () => {
    this.account = null;
  });
  readonly serverInfo = vi.fn(async () => ({ registration: 'open' as const, retention: null }));
  readonly devices = vi.fn(async () => []);
  readonly signOutDevice = vi.fn(async () => []);
  readonly recoveryStatus = vi.fn(async () => ({ set: false, setAt: null, device: null }));
  readonly createRecoveryCode = vi.fn();
  readonly removeRecoveryCode = vi.fn();
  readonly keyLogView = { available: true, size: 3, checkedSize: 3, logKeyFingerprint: null, offeredKeyFingerprint: null, alarms: [] };
  readonly keyLog = vi.fn(async () => this.keyLogView);
  readonly auditKeyLog = vi.fn(async () => this.keyLogView);
  readonly acceptLogKey = vi.fn(async () => this.keyLogView);
  readonly dismissKeyLogAlarm = vi.fn(async () => this.keyLogView);
  readonly changePassword = vi.fn(async () => undefined);
  readonly searchUsers = vi.fn(async () => []);
  readonly usernameTaken = vi.fn(async () => false);
  readonly reconnectNow = vi.fn(async () => undefined);
  readonly setVisible = vi.fn(async () => undefined);
  readonly contacts = vi.fn(async () => this.unread);
  readonly contactDetails = vi.fn();
  readonly trustContactKey = vi.fn();
  readonly disownEarlierKeys = vi.fn();
  readonly blockContact = vi.fn();
  readonly unblockContact = vi.fn();
  readonly conversation = vi.fn();
  readonly readMessages = vi.fn(async (): Promise<MessageView[]> => []);
  readonly send = vi.fn();
  readonly editMessage = vi.fn();
  readonly deleteMessage = vi.fn();
  readonly react = vi.fn();
  readonly sendFiles = vi.fn();
  readonly fileBytes = vi.fn();
  readonly cancelTransfer = vi.fn(async () => undefined);
  /** The plaintext receiveFile streams (in two chunks), or the error it rejects with after the first chunk. */
  fileChunks: Uint8Array[] = [new Uint8Array([1, 2]), new Uint8Array([3])];
  fileFailure: ChatError | null = null;
  readonly receiveFile = vi.fn(async (ref: { index: number }, sink: { write(chunk: Uint8Array): Promise<void> }) => {
    for (const [i, chunk] of this.fileChunks.entries()) {
      if (i > 0 && this.fileFailure) throw this.fileFailure;
      await sink.write(chunk);
    }
    if (this.fileFailure) throw this.fileFailure;
    return { index: ref.index, name: 'report.pdf', mime: 'application/pdf', size: 3 };
  });
  groupList: GroupView[] = [];
  readonly groups = vi.fn(async () => this.groupList);
  readonly groupDetails = vi.fn(async (id: string): Promise<GroupView> => {
    const found = this.groupList.find((g) => g.id === id);
    return found ?? { id, conversation: `group:${id}`, name: null, members: [], owner: null, serverMembers: [], sending: 'not_a_member', warnings: [], unread: 0, lastActivity: null, lastSeq: null };
  });
  readonly createGroup = vi.fn();
  readonly changeGroupMembers = vi.fn();
  readonly renameGroup = vi.fn();
  readonly leaveGroup = vi.fn(async () => undefined);
  readonly confirmGroupMembers = vi.fn();
  readonly markRead = vi.fn(async () => undefined);
  readonly previews = vi.fn(async (): Promise<PreviewView[]> => []);
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

export function memoryKeychain(): Keychain & { value: string | null } {
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

export interface HostFiles {
  dir: string;
  keychain: ReturnType<typeof memoryKeychain>;
}

export interface HostOptions {
  keychainAvailable?: boolean;
  focused?: boolean;
  resumeError?: ChatError;
  now?: () => number;
}

/** A fresh temp dir and keychain for each test of the calling file; `makeHost` builds hosts over them. */
export function sessionHostKit() {
  const files: HostFiles = { dir: '', keychain: memoryKeychain() };
  beforeEach(async () => {
    files.dir = await mkdtemp(path.join(tmpdir(), 'ec-host-'));
    files.keychain = memoryKeychain();
  });
  afterEach(async () => {
    await rm(files.dir, { recursive: true, force: true });
  });
  return { files, makeHost: (options: HostOptions = {}) => makeHost(files, options) };
}

function makeHost(files: HostFiles, options: HostOptions = {}) {
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
    settings: new SettingsStore(files.dir),
    staySignedIn: new StaySignedInStore<SessionSnapshot>(files.dir, files.keychain, (v) => sessionSnapshotSchema.parse(v)),
    probeKeychain: async () =>
      options.keychainAvailable === false ? { available: false, detail: 'No Secret Service is running.' } : { available: true, detail: null },
    clientStore: new MemoryStore(),
    drafts: new DraftStore(files.dir),
    transportFor: () => ({}),
    clients: factory,
    emit: vi.fn(),
    isWindowFocused: () => options.focused ?? false,
    showNotification: vi.fn(),
    setUnreadCount: vi.fn(),
    openExternal: vi.fn(async () => undefined),
    saveTextFile: vi.fn(async (_name: string, _text: string) => true),
    chooseSavePath: vi.fn(async (_name: string): Promise<string | null> => null),
    logProblem: vi.fn(),
    now: options.now ?? (() => 0),
  } satisfies SessionHostDeps;
  return { host: new SessionHost(deps), deps, clients, factory };
}
