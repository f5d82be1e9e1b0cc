// Test support: the world the ChatClient tests against a real server share — the server as a child process,
// the tampering proxy in front of it (reset before each test), fresh people on fixture keys, signed-in clients
// that record their events. Registers its own vitest hooks; call it once at the top of a test file.
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startServerProcess, type ServerProcess } from '../../test/support/server-process.js';
import { TamperingProxy } from '../../test/support/tampering-proxy.js';
import type { ChatEvent } from '../api/view.js';
import { ChatClient } from '../client/chat-client.js';
import { MemoryStore } from '../client/store.js';
import { registerFixture } from './accounts.js';

export const PASSWORD = 'a fine password 1';

export interface ClientWorld {
  readonly server: ServerProcess;
  readonly proxy: TamperingProxy;
  /** Fresh usernames (`<key>_<prefix><n>`) registered on the fixture keys. */
  people(...keys: Array<'alice' | 'bob' | 'carol'>): Promise<string[]>;
  /** A client through the proxy, signed in, with the events it emitted so far. */
  signIn(username: string, store?: MemoryStore, options?: { streamAdapter?: 'http' | 'fetch'; clock?: () => number }): Promise<{ client: ChatClient; events: ChatEvent[]; store: MemoryStore }>;
}

export function clientWorld(prefix = ''): ClientWorld {
  let server: ServerProcess | undefined;
  let proxy: TamperingProxy | undefined;
  let run = 0;

  beforeAll(async () => {
    server = await startServerProcess();
    proxy = new TamperingProxy(server.url);
    await proxy.start();
  });
  afterAll(async () => {
    await proxy?.stop();
    await server?.stop();
  });
  beforeEach(() => {
    proxy!.rewrite = null;
    proxy!.intercept = null;
    proxy!.holdEvents = null;
  });

  return {
    get server() {
      return server!;
    },
    get proxy() {
      return proxy!;
    },
    async people(...keys) {
      run++;
      const names = keys.map((k) => `${k}_${prefix}${run}`);
      await Promise.all(keys.map((k, i) => registerFixture(server!.url, k, names[i]!, PASSWORD)));
      return names;
    },
    async signIn(username, store = new MemoryStore(), options = {}) {
      const client = new ChatClient({
        serverUrl: proxy!.url,
        store,
        reconnectDelaysMs: [20],
        retryDelaysMs: [10, 10],
        ...(options.streamAdapter ? { transport: { streamAdapter: options.streamAdapter } } : {}),
        ...(options.clock ? { clock: options.clock } : {}),
      });
      const events: ChatEvent[] = [];
      client.onEvent((e) => events.push(e));
      await client.login({ username, password: PASSWORD });
      return { client, events, store };
    },
  };
}

export const send = (client: ChatClient, conversation: string, text: string) => client.send({ conversation, text, id: client.newMessageId() });
