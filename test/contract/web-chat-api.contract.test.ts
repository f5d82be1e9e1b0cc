// The ChatApi contract run against the web adapter (renderer/src/api/web/) over a MessageChannel to its worker
// side, which runs a real ChatClient against a real server process; the other person is a ChatClient in Node.
import { afterAll, beforeAll } from 'vitest';
import { ChatClient } from '../../core/client/chat-client.js';
import { MemoryStore } from '../../core/client/store.js';
import { registerFixture } from '../../core/test-fixtures/accounts.js';
import { createWebChatApi, type WebChatApiOptions } from '../../renderer/src/api/web/web-chat-api.js';
import { serveSession, type PageToWorker, type PortLike, type Session, type WorkerToPage } from '../../renderer/src/api/web/worker-rpc.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { describeChatApiContract } from './chat-api-contract.js';
import { describeGroupContract } from './group-contract.js';
import { describeAccountContract } from './account-contract.js';
import { describeAttachmentContract } from './attachment-contract.js';
import { describePreviewContract } from './preview-contract.js';

let server: ServerProcess;
let run = 0;
const PASSWORD = 'a fine password 1';
// Short waits, so a test never sits in a production back-off.
const clientOptions = { reconnectDelaysMs: [20], retryDelaysMs: [10, 10] };

beforeAll(async () => {
  // Every test registers three people and holds live streams from one address: lift the per-address limits.
  server = await startServerProcess({ env: { REGISTRATIONS_PER_ADDRESS: '100000', STREAMS_PER_ADDRESS: '100000' } });
});
afterAll(async () => {
  await server?.stop();
});

const setup: Parameters<typeof describeChatApiContract>[1] = async () => {
  run++;
  const [me, peer, third] = ['me', 'peer', 'third'].map((who) => `w${run}_${who}`) as [string, string, string];
  await Promise.all([registerFixture(server.url, 'alice', me, PASSWORD), registerFixture(server.url, 'bob', peer, PASSWORD), registerFixture(server.url, 'carol', third, PASSWORD)]);

  // The page's end and the worker's end of what would be the dedicated worker (as core-worker.ts builds it).
  const channel = new MessageChannel();
  const clients: ChatClient[] = [];
  serveSession(channel.port2 as unknown as PortLike<PageToWorker, WorkerToPage>, (serverUrl, store) => {
    const client = new ChatClient({ serverUrl, store, ...clientOptions });
    clients.push(client);
    return client as unknown as Session;
  });
  const opened: string[] = [];
  const elsewhere: ChatClient[] = [];
  const api = createWebChatApi({
    serverUrl: server.url,
    store: new MemoryStore(),
    worker: channel.port1 as unknown as NonNullable<WebChatApiOptions['worker']>,
    openTab: (url) => opened.push(url),
    download: () => undefined,
  });

  // The other person signs in only when first asked to write.
  let sender: Promise<ChatClient> | null = null;
  const other = () =>
    (sender ??= (async () => {
      const client = new ChatClient({ serverUrl: server.url, store: new MemoryStore(), ...clientOptions });
      await client.login({ username: peer, password: PASSWORD });
      return client;
    })());

  return {
    api,
    me: { username: me, password: PASSWORD },
    peer: {
      username: peer,
      send: async (text) => {
        const client = await other();
        await client.send({ conversation: me, text, id: client.newMessageId() });
      },
    },
    third,
    nobody: `n${run}_nobody`,
    prefix: `w${run}_`,
    opened,
    signInElsewhere: async (device, password = PASSWORD) => {
      const client = new ChatClient({ serverUrl: server.url, store: new MemoryStore(), device, ...clientOptions });
      await client.login({ username: me, password });
      elsewhere.push(client);
    },
    close: async () => {
      await Promise.all([...clients, ...elsewhere, ...(sender ? [await sender] : [])].map((c) => c.close()));
      channel.port1.close();
      channel.port2.close();
    },
  };
};

describeChatApiContract('the web adapter over a real server', setup);
describeGroupContract('the web adapter over a real server', setup);
describeAccountContract('the web adapter over a real server', setup);
describeAttachmentContract('the web adapter over a real server', setup);
describePreviewContract('the web adapter over a real server', setup);
