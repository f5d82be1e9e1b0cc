import { afterEach, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../../core/client/store.js';
import type { ChatErrorInfo, ChatEvent } from '../../../../core/api/chat-api.js';
import { SESSION_METHODS } from '../../../../core/api/methods.js';
import { connectSession, serveSession, type PageToWorker, type PortLike, type Session, type WorkerToPage } from './worker-rpc.js';

const channels: MessageChannel[] = [];
afterEach(() => {
  for (const c of channels.splice(0)) {
    c.port1.close();
    c.port2.close();
  }
});

function ports() {
  const channel = new MessageChannel();
  channels.push(channel);
  channel.port1.start();
  channel.port2.start();
  return {
    page: channel.port1 as unknown as PortLike<WorkerToPage, PageToWorker>,
    worker: channel.port2 as unknown as PortLike<PageToWorker, WorkerToPage>,
  };
}

const LOST: ChatErrorInfo = { code: 'server_error', message: 'The worker is gone.' };

/** A session whose methods echo, use the store, fail or emit, as a test asks. */
function fakeSession(store: { current: import('../../../../core/client/store.js').KeyValueStore | null }) {
  const listeners = new Set<(event: ChatEvent) => void>();
  let live = 0;
  const session = {
    ...Object.fromEntries(SESSION_METHODS.map((m) => [m, async (...args: unknown[]) => ({ method: m, args })])),
    login: async (credentials: { username: string; password: string }) => {
      if (credentials.password !== 'right') {
        throw Object.assign(new Error('Wrong username or password.'), { info: { code: 'wrong_password', message: 'Wrong username or password.' } });
      }
      await store.current!.set('last-login', credentials.username);
      return { username: credentials.username, fingerprint: 'f', serverUrl: 'https://chat.example.org' };
    },
    contacts: async () => [{ username: 'bob', keyStatus: 'pinned', unread: 0, lastActivity: null, lastSeq: null, pin: await store.current!.get('pin/bob') }],
    onEvent: (listener: (event: ChatEvent) => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    startLive: async () => {
      live++;
    },
  };
  return { session: session as unknown as Session, emit: (e: ChatEvent) => listeners.forEach((l) => l(e)), live: () => live };
}

describe('the page ↔ worker session protocol', () => {
  it('carries calls, results and errors with their ChatErrorInfo, and starts live delivery after sign-in', async () => {
    const { page, worker } = ports();
    const storeRef: { current: import('../../../../core/client/store.js').KeyValueStore | null } = { current: null };
    const fake = fakeSession(storeRef);
    let serverUrl = '';
    serveSession(worker, (url, store) => {
      serverUrl = url;
      storeRef.current = store;
      return fake.session;
    });
    const pageStore = new MemoryStore();
    await pageStore.set('pin/bob', 'pinned-key');
    const connection = connectSession(page, 'https://chat.example.org', pageStore, LOST);

    await expect(connection.call('login', [{ username: 'alice', password: 'wrong' }])).rejects.toMatchObject({
      info: { code: 'wrong_password', message: 'Wrong username or password.' },
    });
    expect(fake.live()).toBe(0);
    await expect(connection.call('login', [{ username: 'alice', password: 'right' }])).resolves.toMatchObject({ username: 'alice' });
    expect(serverUrl).toBe('https://chat.example.org');
    expect(fake.live()).toBe(1);
    // The worker's store is the page's store.
    expect(await pageStore.get('last-login')).toBe('alice');
    await expect(connection.call('contacts', [])).resolves.toEqual([expect.objectContaining({ username: 'bob', pin: 'pinned-key' })]);
    await expect(connection.call('markRead', ['bob', 7])).resolves.toEqual({ method: 'markRead', args: ['bob', 7] });
    for (const method of ['disownEarlierKeys', 'blockContact', 'unblockContact'] as const) {
      await expect(connection.call(method, ['bob'])).resolves.toEqual({ method, args: ['bob'] });
    }
  });

  it('delivers events, and refuses what is not a session method', async () => {
    const { page, worker } = ports();
    const fake = fakeSession({ current: null });
    serveSession(worker, () => fake.session);
    const connection = connectSession(page, 'https://chat.example.org', new MemoryStore(), LOST);
    await connection.call('currentAccount', []);
    const events: ChatEvent[] = [];
    connection.onEvent((e) => events.push(e));
    fake.emit({ type: 'connection', state: 'online', detail: null });
    await expect.poll(() => events).toEqual([{ type: 'connection', state: 'online', detail: null }]);
    await expect(connection.call('sessionSnapshot' as never, [])).rejects.toMatchObject({ info: { code: 'invalid_input' } });
    // The worker checks arguments against the method's schema before the session sees them.
    await expect(connection.call('markRead', ['bob', -1])).rejects.toMatchObject({ info: { code: 'invalid_input', message: expect.stringMatching(/not valid/) } });
    // A message of no known type is dropped, not answered with something the page would misread.
    (page as unknown as { postMessage(m: unknown): void }).postMessage({ type: 'call', id: 1, method: 'login', args: 'not an array' });
    await expect(connection.call('currentAccount', [])).resolves.toEqual({ method: 'currentAccount', args: [] });
  });

  it('rejects calls in flight and later ones when the worker fails', async () => {
    const { page } = ports();
    const connection = connectSession(page, 'https://chat.example.org', new MemoryStore(), LOST);
    const inFlight = connection.call('contacts', []);
    connection.fail({ code: 'server_error', message: 'The part of this page that encrypts your messages stopped. Reload the page.' });
    await expect(inFlight).rejects.toMatchObject({ info: { code: 'server_error' } });
    await expect(connection.call('contacts', [])).rejects.toThrow('Reload the page.');
  });
});
