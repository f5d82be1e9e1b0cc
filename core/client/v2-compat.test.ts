// This version against a v2 server with v2 peers: format 2 direct messages are read (text shown, other kinds
// "need a newer version"), and group messages of a group nobody announced are shown in their group with a
// warning, and neither break the catch-up nor the live stream, nor hold back the direct messages after them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from '../../test/support/server-process.js';
import { sealDirectV2, sealGroupMessage } from '../crypto/message-v2.js';
import { utf8 } from '../crypto/webcrypto.js';
import { encodeBase64 } from '../protocol/base64.js';
import { deriveAuthHash } from '../crypto/kdf.js';
import { registerFixture } from '../test-fixtures/accounts.js';
import { importedKeys } from '../test-fixtures/vectors.js';
import { until } from '../test-fixtures/waiting.js';
import type { ChatEvent } from '../api/view.js';
import { ChatClient } from './chat-client.js';
import { HttpApi } from './http-api.js';
import { MemoryStore } from './store.js';

let server: ServerProcess;
let run = 0;
const PASSWORD = 'a fine password 1';
const sentAt = () => new Date().toISOString();

beforeAll(async () => {
  server = await startServerProcess();
});
afterAll(async () => {
  await server?.stop();
});

async function people() {
  run++;
  const [alice, bob, carol] = [`alice_v${run}`, `bob_v${run}`, `carol_v${run}`];
  await Promise.all([registerFixture(server.url, 'alice', alice, PASSWORD), registerFixture(server.url, 'bob', bob, PASSWORD), registerFixture(server.url, 'carol', carol, PASSWORD)]);
  return { alice, bob, carol };
}

/** bob as a v2 client would be: his own token, sealing format 2 himself. */
async function v2Peer(username: string) {
  const api = new HttpApi(server.url);
  const login = await api.raw('POST', '/login', { body: { username, authHash: encodeBase64(await deriveAuthHash(username, PASSWORD)) } });
  expect(login.status).toBe(200);
  api.token = (login.data as { token: string }).token;
  const post = async (body: unknown) => {
    const answer = await api.raw('POST', '/messages', { auth: true, body });
    expect([200, 201]).toContain(answer.status);
    return answer.data as { id: string; seq: number };
  };
  return { api, post };
}

async function signIn(username: string) {
  const client = new ChatClient({ serverUrl: server.url, store: new MemoryStore(), reconnectDelaysMs: [20] });
  const events: ChatEvent[] = [];
  client.onEvent((e) => events.push(e));
  await client.login({ username, password: PASSWORD });
  return { client, events };
}

describe('a v2 server with v2 peers', () => {
  it('reads format 2 direct messages: text verified, an unknown kind as needing a newer version, a broken one as malformed', async () => {
    const { alice, bob } = await people();
    const peer = await v2Peer(bob);
    const [bobKeys, aliceKeys] = await Promise.all([importedKeys('bob'), importedKeys('alice')]);
    const seal = (content: unknown) =>
      sealDirectV2({ id: crypto.randomUUID(), sender: bob, recipient: alice, plaintext: utf8(JSON.stringify(content)), senderPrivateKey: bobKeys.privateKey, senderPublicKey: bobKeys.publicKey, recipientPublicKey: aliceKeys.publicKey });
    const text = await peer.post(await seal({ type: 'text', text: 'hello in format 2', sentAt: sentAt() }));
    const poll = await peer.post(await seal({ type: 'poll', question: 'Lunch?', sentAt: sentAt() }));
    const broken = await peer.post(await seal({ type: 'text', sentAt: sentAt() }));

    const { client } = await signIn(alice);
    const views = await client.readMessages([text.id, poll.id, broken.id]);
    expect(views.map((v) => [v.status, v.text])).toEqual([
      ['verified', 'hello in format 2'],
      ['unreadable_format', null],
      ['malformed', null],
    ]);
    expect(views[1]!.reason).toMatch(/newer version/);
    await client.logout();
  });

  it('shows group messages nobody announced with a warning, in catch-up and live, and still gets the direct messages after them', async () => {
    const { alice, bob, carol } = await people();
    const peer = await v2Peer(bob);
    const group = crypto.randomUUID();
    expect((await peer.api.raw('POST', '/groups', { auth: true, body: { id: group, members: [alice, carol] } })).status).toBe(201);
    const [bobKeys, aliceKeys, carolKeys] = await Promise.all([importedKeys('bob'), importedKeys('alice'), importedKeys('carol')]);
    const groupMessage = async (text: string) =>
      peer.post(
        await sealGroupMessage({
          id: crypto.randomUUID(),
          sender: bob,
          group,
          recipients: [
            { username: alice, publicKey: aliceKeys.publicKey },
            { username: carol, publicKey: carolKeys.publicKey },
          ],
          plaintext: utf8(JSON.stringify({ type: 'text', text, sentAt: sentAt() })),
          senderPrivateKey: bobKeys.privateKey,
          senderPublicKey: bobKeys.publicKey,
        }),
      );
    await groupMessage('to the group, before alice signs in');
    const bobClient = await signIn(bob);
    await bobClient.client.send({ conversation: alice, text: 'direct, after the group message', id: bobClient.client.newMessageId() });

    const { client, events } = await signIn(alice);
    await client.startLive();
    expect((await client.conversation({ conversation: bob })).messages.map((m) => m.sender)).toEqual([bob]);
    // Live: a group message, then a direct one; the stream stays up and the direct one arrives.
    await groupMessage('to the group, live');
    const live = await bobClient.client.send({ conversation: alice, text: 'direct, live', id: bobClient.client.newMessageId() });
    await until(() => events.some((e) => e.type === 'message' && e.message.id === live.id), 'the live direct message after a group message');
    // One connection, never dropped: the group event was no protocol violation.
    expect(events.flatMap((e) => (e.type === 'connection' ? [e.state] : []))).toEqual(['connecting', 'online']);
    expect((await client.contacts()).map((c) => c.username)).toEqual([bob]);
    const [listed] = await client.groups();
    // The message from before this device's first sign-in counts as read (nobody marked the group read anywhere).
    expect(listed).toMatchObject({ id: group, name: null, members: [], sending: 'held', unread: 1 });
    const inGroup = await client.readMessages((await client.conversation({ conversation: listed!.conversation })).messages.map((m) => m.id));
    expect(inGroup.map((m) => [m.text, m.status, m.warning])).toEqual([
      ['to the group, before alice signs in', 'verified', expect.stringContaining('No member has announced who is in this group yet')],
      ['to the group, live', 'verified', expect.stringContaining('No member has announced who is in this group yet')],
    ]);
    await Promise.all([client.logout(), bobClient.client.logout()]);
  });
});
