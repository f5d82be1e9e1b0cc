// The session host (main process, vitest in Node): settings, the session methods, events and notifications,
// links. "Stay signed in" is in session-host.stay-signed-in.test.ts; the stand-ins in session-host.fixture.ts.
import { describe, expect, it, vi } from 'vitest';
import type { ChatApi, ChatEvent } from '../../core/api/chat-api.js';
import { SESSION_METHODS, type SessionMethod } from '../../core/api/methods.js';
import { headerView, messageView } from '../../core/test-fixtures/views.js';
import { messageId, SERVER, sessionHostKit } from './session-host.fixture.js';

const { makeHost } = sessionHostKit();
const GROUP = '6f1c2a9e-7b4d-4e2a-9c1f-5d6e7f8a9b0c';

/** A valid argument list for each session method: whatever the window passes must reach the client unchanged. */
const ARGS: { [M in SessionMethod]: Parameters<ChatApi[M]> } = {
  serverInfo: [],
  currentAccount: [],
  register: [{ username: 'alice', password: 'pw', invite: 'invite-code' }],
  login: [{ username: 'alice', password: 'pw' }],
  recoverAccount: [{ username: 'alice', code: 'AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH', newPassword: 'a much longer password' }],
  logout: [],
  logoutEverywhere: [],
  changePassword: [{ currentPassword: 'pw', newPassword: 'a much longer password' }],
  devices: [],
  signOutDevice: ['1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b'],
  recoveryStatus: [],
  createRecoveryCode: ['pw'],
  removeRecoveryCode: ['pw'],
  deleteAccount: ['pw'],
  searchUsers: ['bo'],
  contacts: [],
  contactDetails: ['bob'],
  trustContactKey: ['bob'],
  disownEarlierKeys: ['bob'],
  blockContact: ['bob'],
  unblockContact: ['bob'],
  groups: [],
  groupDetails: [GROUP],
  createGroup: [{ name: 'Family', members: ['bob'] }],
  changeGroupMembers: [{ group: GROUP, add: ['carol'] }],
  renameGroup: [{ group: GROUP, name: 'Team' }],
  leaveGroup: [GROUP],
  confirmGroupMembers: [GROUP],
  conversation: [{ conversation: 'bob', limit: 10 }],
  readMessages: [[messageId]],
  send: [{ conversation: 'bob', text: 'hi', id: messageId }],
  editMessage: [{ target: messageId, text: 'fixed', id: messageId }],
  deleteMessage: [{ target: messageId, id: messageId }],
  react: [{ target: messageId, emoji: '👍', id: messageId }],
  markRead: ['bob', 3],
  previews: [['bob', `group:${GROUP}`]],
  sendFiles: [{ to: 'bob', files: [{ name: 'a.txt', mime: 'text/plain', bytes: new Uint8Array([1]) }], transfer: 'upload-1' }],
  fileBytes: [{ conversation: 'bob', messageId, index: 0, transfer: 'download-1' }],
  cancelTransfer: ['upload-1'],
  keyLog: [],
  auditKeyLog: [],
  acceptLogKey: [],
  dismissKeyLogAlarm: ['fork::1'],
  usernameTaken: ['bob'],
  reconnectNow: [],
  setVisible: [true],
};
/** What works without a session: the server's own info, who is signed in, signing in and out, the user search. */
const WITHOUT_SESSION: readonly SessionMethod[] = ['serverInfo', 'currentAccount', 'register', 'login', 'recoverAccount', 'logout', 'logoutEverywhere', 'searchUsers', 'usernameTaken', 'reconnectNow', 'setVisible'];
/** What ends the session: each is followed by signing in again. */
const ENDING: readonly SessionMethod[] = ['logout', 'logoutEverywhere', 'deleteAccount'];
const NEEDS_SESSION = SESSION_METHODS.filter((m) => !WITHOUT_SESSION.includes(m));

function call(host: object, method: SessionMethod): Promise<unknown> {
  return (host as Record<SessionMethod, (...args: unknown[]) => Promise<unknown>>)[method](...ARGS[method]);
}

describe('SessionHost session methods', () => {
  it('passes every session method to the client with its arguments', async () => {
    const { host, clients } = makeHost();
    await host.start(SERVER);
    await host.login({ username: 'alice', password: 'pw' });
    const client = clients[0]!;
    for (const method of SESSION_METHODS) {
      const spy = vi.spyOn(client, method);
      await call(host, method);
      expect(spy, method).toHaveBeenCalled();
      expect(spy.mock.calls.at(-1)!.slice(0, ARGS[method].length), method).toEqual(ARGS[method]);
      if (ENDING.includes(method)) await host.login({ username: 'alice', password: 'pw' });
    }
  });

  it('refuses every method that needs a session with "locked" while signed out, without reaching the client', async () => {
    expect(NEEDS_SESSION).toEqual(expect.arrayContaining(['blockContact', 'unblockContact', 'disownEarlierKeys']));
    const noServer = makeHost();
    await noServer.host.start();
    const signedOut = makeHost();
    await signedOut.host.start(SERVER);
    const client = signedOut.clients[0]!;
    for (const method of NEEDS_SESSION) {
      const spy = vi.spyOn(client, method);
      await expect(call(noServer.host, method), method).rejects.toMatchObject({ info: { code: 'locked', message: 'Sign in first.' } });
      await expect(call(signedOut.host, method), method).rejects.toMatchObject({ info: { code: 'locked' } });
      expect(spy, method).not.toHaveBeenCalled();
    }
    expect(await signedOut.host.currentAccount()).toBeNull();
    await signedOut.host.searchUsers('bo');
    expect(client.searchUsers).toHaveBeenCalledWith('bo');
    await expect(noServer.host.searchUsers('bo')).rejects.toMatchObject({ info: { code: 'invalid_input', message: 'Choose a server first.' } });
    await signedOut.host.logout();
  });
});

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

describe('SessionHost events and notifications', () => {
  const header = headerView({ id: messageId, sender: 'bob', recipient: 'alice' });

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
    await vi.waitFor(() => expect(deps.setUnreadCount).toHaveBeenLastCalledWith(2, 'alice'));
  });

  it('shows the verified text only when content is turned on', async () => {
    const { host, client, deps } = await signedIn();
    await host.updateSettings({ notificationContent: true });
    client.readMessages.mockResolvedValueOnce([messageView({ ...header, text: 'see you at 8' })]);
    client.emit({ type: 'message', message: header });
    await vi.waitFor(() => expect(deps.showNotification).toHaveBeenCalledWith({ title: 'New message from bob', body: 'see you at 8' }));
  });

  it('names the group of a group message, counts groups in the badge, and stays quiet for a reaction', async () => {
    const { client, deps } = await signedIn();
    const inGroup = headerView({ id: messageId, sender: 'bob', recipient: null, group: GROUP });
    client.groupList = [{ id: GROUP, conversation: `group:${GROUP}`, name: 'Family', members: ['alice', 'bob'], owner: 'alice', serverMembers: ['alice', 'bob'], sending: 'ok', warnings: [], unread: 3, lastActivity: null, lastSeq: 1 }];
    client.readMessages.mockResolvedValueOnce([messageView({ ...inGroup, text: 'hi all' })]);
    client.emit({ type: 'message', message: inGroup });
    await vi.waitFor(() => expect(deps.showNotification).toHaveBeenCalledWith({ title: 'bob in Family', body: 'Open Encrypted Chat to read it.' }));
    await vi.waitFor(() => expect(deps.setUnreadCount).toHaveBeenLastCalledWith(3, 'alice'));
    client.readMessages.mockResolvedValueOnce([messageView({ ...inGroup, kind: 'change', text: null })]);
    client.emit({ type: 'message', message: { ...inGroup, seq: 2 } });
    await vi.waitFor(() => expect(client.readMessages).toHaveBeenCalledTimes(2));
    await vi.waitFor(() => expect(deps.setUnreadCount).toHaveBeenCalledTimes(3));
    expect(deps.showNotification).toHaveBeenCalledTimes(1);
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

  it('saves a recovery code through the save dialog as a text file naming the account, only while signed in', async () => {
    const { host, deps } = makeHost();
    await host.start(SERVER);
    await expect(host.saveRecoveryCode('ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4567')).rejects.toMatchObject({ info: { code: 'locked' } });
    await host.login({ username: 'alice', password: 'pw' });
    expect(await host.saveRecoveryCode('abcd efgh ijkl mnop qrst uvwx yz23 4567')).toBe(true);
    const [name, text] = vi.mocked(deps.saveTextFile).mock.calls[0]!;
    expect(name).toBe('encrypted-chat-recovery-code-alice.txt');
    expect(text).toContain('ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4567');
    expect(text).toContain(`Account: alice`);
    expect(text).toContain(`Server:  ${SERVER}`);
    vi.mocked(deps.saveTextFile).mockResolvedValueOnce(false);
    expect(await host.saveRecoveryCode('ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4567')).toBe(false);
  });
});
