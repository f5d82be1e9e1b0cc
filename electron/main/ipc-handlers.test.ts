import { describe, expect, it, vi } from 'vitest';
import { ChatError } from '../../core/api/errors.js';
import type { ChatMethod } from '../../core/api/methods.js';
import { createDispatcher, isTrustedSender, registerChatHandlers, type ChatService, type FrameLike, type InvokeEventLike } from './ipc-handlers.js';

const mainFrame: FrameLike = { url: 'app://chat/index.html', processId: 4, routingId: 1, parent: null };
const fromWindow: InvokeEventLike = { senderFrame: { ...mainFrame } };
const account = { username: 'alice', fingerprint: 'abcd '.repeat(16).trim(), serverUrl: 'https://chat.example.org' };
const messageId = '7b0b4a6e-1c1f-4f55-9a57-3a3b3b7d4c11';

type FakeService = { [K in keyof ChatService]: ReturnType<typeof vi.fn> };

function fakeService(): FakeService {
  const reply = (value: unknown) => vi.fn(async () => value);
  return {
    getSettings: reply({}),
    setServer: reply({}),
    updateSettings: reply({}),
    serverInfo: reply({ registration: 'open', retention: null }),
    currentAccount: reply(null),
    register: reply(account),
    login: reply(account),
    recoverAccount: reply(account),
    logout: reply(undefined),
    logoutEverywhere: reply(undefined),
    changePassword: reply(undefined),
    devices: reply([]),
    signOutDevice: reply([]),
    recoveryStatus: reply({ set: false, setAt: null, device: null }),
    createRecoveryCode: reply({ code: 'AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH', setAt: 1 }),
    removeRecoveryCode: reply({ set: false, setAt: null, device: null }),
    saveRecoveryCode: reply(true),
    sendFiles: reply({}),
    fileBytes: reply(new Uint8Array(0)),
    cancelTransfer: reply(undefined),
    saveFile: reply({ saved: true }),
    deleteAccount: reply(undefined),
    keyLog: reply({}),
    auditKeyLog: reply({}),
    acceptLogKey: reply({}),
    dismissKeyLogAlarm: reply({}),
    searchUsers: reply(['alice']),
    contacts: reply([]),
    contactDetails: reply({}),
    trustContactKey: reply({}),
    disownEarlierKeys: reply({}),
    blockContact: reply({}),
    unblockContact: reply({}),
    groups: reply([]),
    groupDetails: reply({}),
    createGroup: reply({}),
    changeGroupMembers: reply({}),
    renameGroup: reply({}),
    leaveGroup: reply(undefined),
    confirmGroupMembers: reply({}),
    conversation: reply({ messages: [], hasMore: false }),
    readMessages: reply([]),
    send: reply({}),
    editMessage: reply({}),
    deleteMessage: reply({}),
    react: reply({}),
    markRead: reply(undefined),
    previews: reply([]),
    openLink: reply(undefined),
    usernameTaken: reply(false),
    reconnectNow: reply(undefined),
    setVisible: reply(undefined),
    drafts: reply({}),
    saveDraft: reply(undefined),
  };
}

function setup() {
  const service = fakeService();
  const unexpected = vi.fn();
  const dispatch = createDispatcher({ service: service as unknown as ChatService, mainFrame: () => mainFrame, onUnexpectedError: unexpected });
  return { service, dispatch, unexpected };
}

describe('isTrustedSender', () => {
  it('accepts only the main window top frame on app://chat', () => {
    expect(isTrustedSender(mainFrame, mainFrame)).toBe(true);
    expect(isTrustedSender({ ...mainFrame, url: 'https://evil.example/' }, mainFrame)).toBe(false);
    expect(isTrustedSender({ ...mainFrame, url: 'file:///tmp/x.html' }, mainFrame)).toBe(false);
    expect(isTrustedSender({ ...mainFrame, routingId: 2 }, mainFrame)).toBe(false);
    expect(isTrustedSender({ ...mainFrame, processId: 9 }, mainFrame)).toBe(false);
    expect(isTrustedSender({ ...mainFrame, parent: mainFrame }, mainFrame)).toBe(false);
    expect(isTrustedSender(null, mainFrame)).toBe(false);
    expect(isTrustedSender(mainFrame, null)).toBe(false);
  });
});

describe('dispatcher', () => {
  it('delegates valid input to the session, normalized by the shared schemas', async () => {
    const { service, dispatch } = setup();
    const reply = await dispatch('login', fromWindow, [{ username: ' Alice ', password: 'correct horse' }]);
    expect(reply).toEqual({ ok: true, value: account });
    expect(service.login).toHaveBeenCalledWith({ username: 'alice', password: 'correct horse' });

    await dispatch('markRead', fromWindow, ['bob', 12]);
    expect(service.markRead).toHaveBeenCalledWith('bob', 12);
    await dispatch('readMessages', fromWindow, [[messageId]]);
    expect(service.readMessages).toHaveBeenCalledWith([messageId]);
    expect(await dispatch('contacts', fromWindow, [])).toEqual({ ok: true, value: [] });
    for (const method of ['disownEarlierKeys', 'blockContact', 'unblockContact'] as const) {
      expect(await dispatch(method, fromWindow, [' Bob '])).toEqual({ ok: true, value: {} });
      expect(service[method]).toHaveBeenCalledWith('bob');
    }
  });

  it.each<[ChatMethod, unknown[]]>([
    ['login', [{ username: 'alice' }]],
    ['login', [{ username: 'alice', password: 'x', extra: true }]],
    ['login', ['alice', 'pw']],
    ['register', [{ username: 'a!', password: 'pw' }]],
    ['send', [{ recipient: 'bob', text: 'hi', id: 'not-a-uuid' }]],
    ['send', [{ recipient: 'bob', text: '   ', id: messageId }]],
    ['markRead', ['bob', -1]],
    ['markRead', ['bob']],
    ['readMessages', [['x']]],
    ['contacts', ['unexpected']],
    ['setServer', [{ serverUrl: 'ftp://x', caCertificatePem: null }]],
    ['updateSettings', [{ staySignedIn: 'yes' }]],
    ['updateSettings', [{ serverUrl: 'https://sneaky.example' }]],
    ['openLink', [42]],
    ['disownEarlierKeys', ['b!']],
    ['disownEarlierKeys', []],
    ['blockContact', [{ username: 'bob' }]],
    ['blockContact', ['bob', 'extra']],
    ['unblockContact', ['../users/bob']],
    ['conversation', [{ peer: 'bob', limit: 0 }]],
  ])('rejects invalid input to %s with invalid_input and never calls the session', async (method, args) => {
    const { service, dispatch } = setup();
    const reply = await dispatch(method, fromWindow, args);
    expect(reply.ok).toBe(false);
    if (!reply.ok) {
      expect(reply.error.code).toBe('invalid_input');
      expect(reply.error.message).toMatch(/not valid/);
    }
    expect(service[method]).not.toHaveBeenCalled();
  });

  it.each<[string, InvokeEventLike]>([
    ['another page', { senderFrame: { ...mainFrame, url: 'https://evil.example/' } }],
    ['a subframe', { senderFrame: { ...mainFrame, routingId: 7, parent: mainFrame } }],
    ['a destroyed frame', { senderFrame: null }],
  ])('rejects a call from %s before looking at its input', async (_name, event) => {
    const { service, dispatch } = setup();
    const reply = await dispatch('login', event, [{ username: 'alice', password: 'pw' }]);
    expect(reply).toEqual({ ok: false, error: { code: 'forbidden', message: expect.any(String) } });
    expect(service.login).not.toHaveBeenCalled();
  });

  it('passes a ChatError as its info, with retryAfterSeconds', async () => {
    const { service, dispatch, unexpected } = setup();
    service.login.mockRejectedValueOnce(new ChatError('rate_limited', 'Too many attempts.', { retryAfterSeconds: 30 }));
    const reply = await dispatch('login', fromWindow, [{ username: 'alice', password: 'pw' }]);
    expect(reply).toEqual({ ok: false, error: { code: 'rate_limited', message: 'Too many attempts.', retryAfterSeconds: 30 } });
    expect(unexpected).not.toHaveBeenCalled();
  });

  it('hides the details of an unexpected error from the window', async () => {
    const { service, dispatch, unexpected } = setup();
    service.contacts.mockRejectedValueOnce(new Error('ENOENT /home/alice/.config/secret-path'));
    const reply = await dispatch('contacts', fromWindow, []);
    expect(reply.ok).toBe(false);
    if (!reply.ok) {
      expect(reply.error.code).toBe('server_error');
      expect(reply.error.message).not.toContain('secret-path');
    }
    expect(unexpected).toHaveBeenCalledWith('contacts', expect.any(Error));
  });
});

describe('registerChatHandlers', () => {
  it('installs one chat:<method> handler per ChatApi method and removes them', async () => {
    const handlers = new Map<string, (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>>();
    const ipc = { handle: vi.fn((c: string, l: never) => handlers.set(c, l)), removeHandler: vi.fn((c: string) => handlers.delete(c)) };
    const { dispatch, service } = setup();
    const remove = registerChatHandlers(ipc, dispatch);
    expect([...handlers.keys()].sort()).toEqual(Object.keys(service).map((m) => `chat:${m}`).sort());
    expect(await handlers.get('chat:searchUsers')!(fromWindow, 'AL')).toEqual({ ok: true, value: ['alice'] });
    expect(service.searchUsers).toHaveBeenCalledWith('al');
    remove();
    expect(handlers.size).toBe(0);
  });
});
