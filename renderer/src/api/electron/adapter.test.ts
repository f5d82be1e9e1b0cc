import { describe, expect, it, vi } from 'vitest';
import type { ChatEvent } from '../../../../core/api/chat-api.js';
import type { EncryptedChatBridge } from '../../../../core/api/ipc-contract.js';
import { ChatError } from '../../../../core/api/errors.js';
import { createElectronChatApi, electronBridge } from './adapter.js';

function fakeBridge(overrides: Partial<Record<keyof EncryptedChatBridge, unknown>> = {}): EncryptedChatBridge {
  const ok = (value: unknown) => vi.fn(async () => ({ ok: true, value }));
  return {
    getSettings: ok({ serverUrl: null }),
    setServer: ok({}),
    updateSettings: ok({}),
    currentAccount: ok(null),
    register: ok({}),
    login: ok({ username: 'alice', fingerprint: 'f', serverUrl: 'https://x' }),
    logout: ok(undefined),
    changePassword: ok(undefined),
    searchUsers: ok(['alice']),
    contacts: ok([]),
    contactDetails: ok({}),
    trustContactKey: ok({}),
    disownEarlierKeys: ok({ username: 'bob', blocked: false }),
    blockContact: ok({ username: 'bob', blocked: true }),
    unblockContact: ok({ username: 'bob', blocked: false }),
    conversation: ok({ messages: [], hasMore: false }),
    readMessages: ok([]),
    send: ok({}),
    markRead: ok(undefined),
    openLink: ok(undefined),
    onEvent: vi.fn(() => () => undefined),
    ...overrides,
  } as unknown as EncryptedChatBridge;
}

describe('Electron ChatApi adapter', () => {
  it('returns the value of a successful reply and passes arguments through', async () => {
    const bridge = fakeBridge();
    const api = createElectronChatApi(bridge);
    expect(await api.login({ username: 'alice', password: 'pw' })).toEqual({ username: 'alice', fingerprint: 'f', serverUrl: 'https://x' });
    expect(bridge.login).toHaveBeenCalledWith({ username: 'alice', password: 'pw' });
    await api.markRead('bob', 4);
    expect(bridge.markRead).toHaveBeenCalledWith('bob', 4);
    expect(await api.disownEarlierKeys('bob')).toEqual({ username: 'bob', blocked: false });
    expect(bridge.disownEarlierKeys).toHaveBeenCalledWith('bob');
    expect(await api.blockContact('bob')).toEqual({ username: 'bob', blocked: true });
    expect(bridge.blockContact).toHaveBeenCalledWith('bob');
    expect(await api.unblockContact('bob')).toEqual({ username: 'bob', blocked: false });
    expect(bridge.unblockContact).toHaveBeenCalledWith('bob');
  });

  it('rebuilds a failed reply as an Error with info', async () => {
    const api = createElectronChatApi(
      fakeBridge({ login: vi.fn(async () => ({ ok: false, error: { code: 'rate_limited', message: 'Too many attempts.', retryAfterSeconds: 12 } })) }),
    );
    const error = await api.login({ username: 'alice', password: 'pw' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChatError);
    expect(error).toBeInstanceOf(Error);
    expect((error as ChatError).info).toEqual({ code: 'rate_limited', message: 'Too many attempts.', retryAfterSeconds: 12 });
    expect((error as Error).message).toBe('Too many attempts.');
  });

  it('turns a broken bridge (rejection, malformed reply) into a readable error', async () => {
    const broken = (reply: () => Promise<unknown>) => createElectronChatApi(fakeBridge({ login: vi.fn(reply) })).login({ username: 'alice', password: 'pw' });
    await expect(broken(() => Promise.reject(new Error("No handler registered for 'chat:login'")))).rejects.toMatchObject({ info: { code: 'server_error', message: expect.stringMatching(/lost contact/) } });
    await expect(broken(() => Promise.resolve('nonsense'))).rejects.toMatchObject({ info: { code: 'server_error' } });
    await expect(broken(() => Promise.resolve({ ok: false }))).rejects.toBeInstanceOf(ChatError);
  });

  it('forwards event subscriptions', () => {
    const stop = vi.fn();
    const bridge = fakeBridge({ onEvent: vi.fn(() => stop) });
    const listener = (_e: ChatEvent) => undefined;
    expect(createElectronChatApi(bridge).onEvent(listener)).toBe(stop);
    expect(bridge.onEvent).toHaveBeenCalledWith(listener);
  });

  it('finds the bridge only where the preload exposed it', () => {
    expect(electronBridge({})).toBeNull();
    const bridge = fakeBridge();
    expect(electronBridge({ encryptedChat: bridge })).toBe(bridge);
  });
});
