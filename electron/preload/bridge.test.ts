import { describe, expect, it, vi } from 'vitest';
import type { ChatEvent } from '../../core/api/chat-api.js';
import { CHAT_METHODS } from '../../core/api/methods.js';
import { createBridge } from './bridge.js';

function fakeIpc() {
  const listeners = new Map<string, Set<(event: unknown, ...args: unknown[]) => void>>();
  return {
    invoke: vi.fn(async (_channel: string, ..._args: unknown[]) => ({ ok: true, value: 'reply' })),
    on: vi.fn((channel: string, l: (event: unknown, ...args: unknown[]) => void) => {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)!.add(l);
    }),
    removeListener: vi.fn((channel: string, l: (event: unknown, ...args: unknown[]) => void) => listeners.get(channel)?.delete(l)),
    emit: (channel: string, event: unknown, payload: unknown) => listeners.get(channel)?.forEach((l) => l(event, payload)),
    count: (channel: string) => listeners.get(channel)?.size ?? 0,
  };
}

describe('preload bridge', () => {
  it('exposes exactly the ChatApi methods, frozen', () => {
    const bridge = createBridge(fakeIpc());
    expect(Object.keys(bridge).sort()).toEqual([...CHAT_METHODS, 'onEvent'].sort());
    expect(Object.keys(bridge)).toHaveLength(55);
    expect(Object.isFrozen(bridge)).toBe(true);
    expect(bridge).not.toHaveProperty('invoke');
  });

  it('invokes chat:<method> with the declared arguments only', async () => {
    const ipc = fakeIpc();
    const bridge = createBridge(ipc);
    expect(await bridge.login({ username: 'alice', password: 'pw' })).toEqual({ ok: true, value: 'reply' });
    await bridge.markRead('bob', 3);
    await bridge.contacts();
    await bridge.disownEarlierKeys('bob');
    await bridge.blockContact('bob');
    await (bridge.unblockContact as (...a: unknown[]) => Promise<unknown>)('bob', 'extra');
    // Extra arguments from the page are not forwarded.
    await (bridge.logout as (...a: unknown[]) => Promise<unknown>)('extra', { x: 1 });
    expect(ipc.invoke.mock.calls).toEqual([
      ['chat:login', { username: 'alice', password: 'pw' }],
      ['chat:markRead', 'bob', 3],
      ['chat:contacts'],
      ['chat:disownEarlierKeys', 'bob'],
      ['chat:blockContact', 'bob'],
      ['chat:unblockContact', 'bob'],
      ['chat:logout'],
    ]);
  });

  it('delivers events without the IPC event object and unsubscribes once', () => {
    const ipc = fakeIpc();
    const bridge = createBridge(ipc);
    const seen: unknown[][] = [];
    const stop = bridge.onEvent((...args: unknown[]) => seen.push(args));
    const event: ChatEvent = { type: 'connection', state: 'online', detail: null };
    ipc.emit('chat:event', { sender: 'ipcRenderer internals' }, event);
    expect(seen).toEqual([[event]]);
    stop();
    stop();
    expect(ipc.removeListener).toHaveBeenCalledTimes(1);
    expect(ipc.count('chat:event')).toBe(0);
    ipc.emit('chat:event', {}, event);
    expect(seen).toHaveLength(1);
  });

  it('refuses a listener that is not a function', () => {
    expect(() => createBridge(fakeIpc()).onEvent('x' as never)).toThrow(TypeError);
  });
});
