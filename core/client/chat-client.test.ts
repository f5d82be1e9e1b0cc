// ChatClient against the real server (a child process), through a proxy that can turn hostile.
import { failure, until } from '../test-fixtures/waiting.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from '../../test/support/server-process.js';
import { fingerprint } from '../crypto/fingerprint.js';
import { sealMessage } from '../crypto/message-crypto.js';
import { utf8 } from '../crypto/webcrypto.js';
import { registerFixture } from '../test-fixtures/accounts.js';
import { TamperingProxy } from '../test-fixtures/tampering-proxy.js';
import { importedKeys, keyFixture, vectors } from '../test-fixtures/vectors.js';
import { ChatClient } from './chat-client.js';
import { toChatErrorInfo } from '../api/errors.js';
import { MemoryStore } from './store.js';
import type { ChatEvent } from '../api/view.js';

let server: ServerProcess;
let proxy: TamperingProxy;
let run = 0;
const PASSWORD = 'a fine password 1';

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
  proxy.rewrite = null;
  proxy.intercept = null;
  proxy.holdEvents = null;
});

/** Fresh usernames per test, on fixture keys. */
async function people(...keys: Array<'alice' | 'bob' | 'carol'>): Promise<string[]> {
  run++;
  const names = keys.map((k) => `${k}_${run}`);
  await Promise.all(keys.map((k, i) => registerFixture(server.url, k, names[i]!, PASSWORD)));
  return names;
}

async function signIn(username: string, store = new MemoryStore(), options: { streamAdapter?: 'http' | 'fetch' } = {}) {
  const client = new ChatClient({
    serverUrl: proxy.url,
    store,
    reconnectDelaysMs: [20],
    retryDelaysMs: [10, 10],
    ...(options.streamAdapter ? { transport: { streamAdapter: options.streamAdapter } } : {}),
  });
  const events: ChatEvent[] = [];
  client.onEvent((e) => events.push(e));
  await client.login({ username, password: PASSWORD });
  return { client, events, store };
}


const send = (client: ChatClient, recipient: string, text: string) => client.send({ recipient, text, id: client.newMessageId() });

describe('ChatClient with the real server', () => {
  it('checks the server and refuses plain http to another machine', async () => {
    expect((await ChatClient.checkServer(server.url)).serverUrl).toBe(server.url);
    expect((await failure(ChatClient.checkServer('http://chat.example.org'))).code).toBe('insecure_transport');
    expect((await failure(ChatClient.checkServer('http://127.0.0.1:9'))).code).toBe('server_unreachable');
  });

  it('signs in with the fixture key, reports progress, and tells a wrong password apart', async () => {
    const [alice] = await people('alice');
    const { client, events } = await signIn(alice!);
    const account = await client.currentAccount();
    expect(account?.fingerprint.replaceAll(' ', '')).toBe(vectors.accounts.alice.fingerprint);
    const phases = events.filter((e) => e.type === 'progress').map((e) => (e.type === 'progress' ? `${e.progress.phase}:${e.progress.fraction}` : ''));
    expect(phases).toEqual(expect.arrayContaining(['deriving_login_key:0', 'deriving_login_key:1', 'deriving_storage_key:0', 'deriving_storage_key:1']));
    const other = new ChatClient({ serverUrl: proxy.url, store: new MemoryStore() });
    expect(await failure(other.login({ username: alice!.toUpperCase(), password: 'not the password' }))).toEqual({
      code: 'wrong_password',
      message: 'Wrong username or password.',
    });
  });

  it('sends both ways, reads its own sent messages, keeps contacts and unread counts', async () => {
    const [alice, bob] = await people('alice', 'bob');
    const a = await signIn(alice!);
    const b = await signIn(bob!);
    const sent = await send(a.client, bob!, 'Hello Bob ✓');
    expect(sent.status).toBe('verified');
    await send(b.client, alice!, 'Hello Alice');
    await send(a.client, bob!, 'Second');

    const contacts = await b.client.contacts();
    expect(contacts).toEqual([expect.objectContaining({ username: alice, unread: 2, keyStatus: 'pinned' })]);
    const page = await b.client.conversation({ peer: alice! });
    expect(page.messages.map((m) => [m.sender, m.outgoing])).toEqual([
      [alice, false],
      [bob, true],
      [alice, false],
    ]);
    const read = await b.client.readMessages(page.messages.map((m) => m.id));
    expect(read.map((m) => [m.text, m.status])).toEqual([
      ['Hello Bob ✓', 'verified'],
      ['Hello Alice', 'verified'],
      ['Second', 'verified'],
    ]);
    // a fresh client of the sender reads its own sent message through senderSessionKey
    const a2 = await signIn(alice!);
    expect((await a2.client.readMessages([sent.id]))[0]).toMatchObject({ text: 'Hello Bob ✓', status: 'verified', outgoing: true });

    await b.client.markRead(alice!, page.messages.at(-1)!.seq);
    expect((await b.client.contacts())[0]!.unread).toBe(0);
  });

  it('pages a conversation backwards by seq', async () => {
    const [alice, bob] = await people('alice', 'bob');
    const a = await signIn(alice!);
    for (let i = 1; i <= 5; i++) await send(a.client, bob!, `m${i}`);
    const b = await signIn(bob!);
    const newest = await b.client.conversation({ peer: alice!, limit: 2 });
    expect(newest.hasMore).toBe(true);
    const older = await b.client.conversation({ peer: alice!, limit: 2, beforeSeq: newest.messages[0]!.seq });
    const oldest = await b.client.conversation({ peer: alice!, limit: 2, beforeSeq: older.messages[0]!.seq });
    const texts = async (ids: string[]) => (await b.client.readMessages(ids)).map((m) => m.text);
    expect(await texts(newest.messages.map((m) => m.id))).toEqual(['m4', 'm5']);
    expect(await texts(older.messages.map((m) => m.id))).toEqual(['m2', 'm3']);
    expect(await texts(oldest.messages.map((m) => m.id))).toEqual(['m1']);
    expect(oldest.hasMore).toBe(false);
  });

  it('retries a send whose answer was lost, and the server keeps exactly one message', async () => {
    const [alice, bob] = await people('alice', 'bob');
    const a = await signIn(alice!);
    let lost = 0;
    proxy.rewrite = (x) => {
      if (x.method === 'POST' && x.path === '/messages' && lost < 2) {
        lost++;
        return { status: 502, json: { error: { code: 'internal', message: 'gateway' } } };
      }
      return undefined;
    };
    const sent = await send(a.client, bob!, 'only once');
    expect(lost).toBe(2);
    proxy.rewrite = null;
    expect(await a.client.pendingMessageIds()).toEqual([]);
    const b = await signIn(bob!);
    const page = await b.client.conversation({ peer: alice! });
    expect(page.messages.map((m) => m.id)).toEqual([sent.id]);
  });

  it('keeps a message whose sending failed, and re-sends the identical bytes later', async () => {
    const [alice, bob] = await people('alice', 'bob');
    const a = await signIn(alice!);
    const bodies: string[] = [];
    proxy.intercept = (method, path, body) => {
      if (method === 'POST' && path === '/messages') {
        bodies.push(body);
        return { status: 503, json: { error: { code: 'unavailable', message: 'down' } } };
      }
      return undefined;
    };
    const id = a.client.newMessageId();
    expect((await failure(a.client.send({ recipient: bob!, text: 'kept', id }))).code).toBe('server_error');
    expect(await a.client.pendingMessageIds()).toEqual([id]);
    proxy.intercept = (method, path, body) => {
      if (method === 'POST' && path === '/messages') bodies.push(body);
      return undefined;
    };
    const sent = await a.client.send({ recipient: bob!, text: 'kept', id });
    expect(sent.id).toBe(id);
    expect(new Set(bodies).size).toBe(1);
    expect(bodies.length).toBe(4);
    expect((await failure(a.client.send({ recipient: bob!, text: 'different', id }))).code).toBe('invalid_input');
  });

  it('drops a message the server refuses for good, so it does not block later ones', async () => {
    const [alice, bob] = await people('alice', 'bob');
    const a = await signIn(alice!);
    proxy.intercept = (method, path) =>
      method === 'POST' && path === '/messages' ? { status: 503, json: { error: { code: 'unavailable', message: 'down' } } } : undefined;
    const id = a.client.newMessageId();
    await failure(a.client.send({ recipient: bob!, text: 'will conflict', id }));
    proxy.intercept = (method, path) =>
      method === 'POST' && path === '/messages' ? { status: 409, json: { error: { code: 'conflict', message: 'id taken' } } } : undefined;
    expect(await a.client.resendPending()).toEqual({ sent: [], refused: [{ id, recipient: bob, reason: 'A different message with this id is already on the server.' }] });
    expect(await a.client.pendingMessageIds()).toEqual([]);
    proxy.intercept = null;
    expect((await send(a.client, bob!, 'next one')).status).toBe('verified');
  });

  it('changes the password, still reads old messages, and the old password stops working', async () => {
    const [alice, bob] = await people('alice', 'bob');
    const a = await signIn(alice!);
    const old = await send(a.client, bob!, 'before the change');
    await a.client.changePassword({ currentPassword: PASSWORD, newPassword: 'the new password 2' });
    const again = new ChatClient({ serverUrl: proxy.url, store: new MemoryStore() });
    expect((await failure(again.login({ username: alice!, password: PASSWORD }))).code).toBe('wrong_password');
    await again.login({ username: alice!, password: 'the new password 2' });
    expect((await again.readMessages([old.id]))[0]).toMatchObject({ text: 'before the change', status: 'verified' });
    expect((await failure(again.changePassword({ currentPassword: 'wrong one', newPassword: 'whatever 123' }))).code).toBe('wrong_password');
  });

  it('derives both keys side by side on a device that signed in before, and copes with a salt changed elsewhere', async () => {
    const [alice] = await people('alice');
    const store = new MemoryStore();
    const phases = (events: ChatEvent[]) => events.flatMap((e) => (e.type === 'progress' ? [`${e.progress.phase}:${e.progress.fraction}`] : []));
    const first = await signIn(alice!, store);
    expect(phases(first.events).indexOf('deriving_storage_key:0')).toBeGreaterThan(phases(first.events).indexOf('deriving_login_key:1'));
    await first.client.close();
    const second = await signIn(alice!, store);
    expect(phases(second.events).indexOf('deriving_storage_key:0')).toBeLessThan(phases(second.events).indexOf('deriving_login_key:1'));
    await second.client.close();

    const elsewhere = await signIn(alice!);
    await elsewhere.client.changePassword({ currentPassword: PASSWORD, newPassword: 'changed elsewhere 4' });
    const third = new ChatClient({ serverUrl: proxy.url, store });
    await third.login({ username: alice!, password: 'changed elsewhere 4' });
    expect((await third.currentAccount())?.username).toBe(alice);
  });

  it('resumes from a stay-signed-in snapshot, until the password changes', async () => {
    const [alice] = await people('alice');
    const client = new ChatClient({ serverUrl: proxy.url, store: new MemoryStore() });
    expect(client.sessionSnapshot()).toBeNull();
    await client.login({ username: alice!, password: PASSWORD }, { keepSessionSecret: true });
    const snapshot = client.sessionSnapshot()!;
    expect(snapshot).toMatchObject({ serverUrl: proxy.url, username: alice });
    const resumed = await ChatClient.resume({ serverUrl: proxy.url, store: new MemoryStore() }, snapshot);
    expect((await resumed.currentAccount())?.username).toBe(alice);
    const plain = await signIn(alice!);
    await plain.client.changePassword({ currentPassword: PASSWORD, newPassword: 'another password 3' });
    expect((await failure(ChatClient.resume({ serverUrl: proxy.url, store: new MemoryStore() }, snapshot))).code).toBe('unauthorized');
  });

  it('signs in again by itself when the token is refused and the session kept its secret; else it signs out', async () => {
    const [alice, bob] = await people('alice', 'bob');
    const a = await signIn(alice!);
    const sent = await send(a.client, bob!, 'still readable');
    const refuseOnce = () => {
      let refused = false;
      proxy.intercept = (method, path) => {
        if (!refused && method === 'GET' && path === `/messages/${sent.id}`) {
          refused = true;
          return { status: 401, json: { error: { code: 'unauthorized', message: 'token expired' } } };
        }
        return undefined;
      };
    };
    const kept = new ChatClient({ serverUrl: proxy.url, store: new MemoryStore() });
    await kept.login({ username: bob!, password: PASSWORD }, { keepSessionSecret: true });
    refuseOnce();
    expect((await kept.readMessages([sent.id]))[0]).toMatchObject({ text: 'still readable', status: 'verified' });
    expect(await kept.currentAccount()).not.toBeNull();

    const b = await signIn(bob!);
    refuseOnce();
    expect((await failure(b.client.readMessages([sent.id]))).code).toBe('unauthorized');
    expect(b.events.some((e) => e.type === 'signed_out')).toBe(true);
    expect(await b.client.currentAccount()).toBeNull();
  });

  it('reports 429 with its wait in seconds', async () => {
    const [alice] = await people('alice');
    proxy.intercept = (method, path) =>
      method === 'POST' && path === '/login' ? { status: 429, json: { error: { code: 'rate_limited', message: 'slow down' } }, headers: { 'retry-after': '42' } } : undefined;
    const client = new ChatClient({ serverUrl: proxy.url, store: new MemoryStore() });
    expect(await failure(client.login({ username: alice!, password: PASSWORD }))).toEqual({
      code: 'rate_limited',
      message: 'Too many attempts. Try again in 42 seconds.',
      retryAfterSeconds: 42,
    });
  });

  it('treats a hostile server answer as a protocol violation, never a crash', async () => {
    const [alice] = await people('alice');
    const a = await signIn(alice!);
    proxy.rewrite = (x) => (x.path.startsWith('/messages?') ? { status: 200, json: { messages: [{ id: 'x', seq: -1 }] } } : undefined);
    expect((await failure(a.client.contacts())).code).toBe('protocol_violation');
    proxy.rewrite = (x) =>
      x.method === 'GET' && x.path === `/users/${alice}` ? { status: 200, json: { ...(x.json as object), kdfIterations: 2_000_000_000 } } : undefined;
    const other = new ChatClient({ serverUrl: proxy.url, store: new MemoryStore() });
    const e = await failure(other.login({ username: alice!, password: PASSWORD }));
    expect(e.code).toBe('protocol_violation');
    expect(e.message).toContain('2000000000');
  });

  it('refuses a server that shows someone else\'s public key for the account itself', async () => {
    const [alice] = await people('alice');
    const carol = keyFixture('carol');
    proxy.rewrite = (x) =>
      x.method === 'GET' && x.path === `/users/${alice}` ? { status: 200, json: { ...(x.json as object), publicKey: carol.publicKey } } : undefined;
    const client = new ChatClient({ serverUrl: proxy.url, store: new MemoryStore() });
    expect((await failure(client.login({ username: alice!, password: PASSWORD }))).code).toBe('tampered');
    expect(await client.currentAccount()).toBeNull();
  });

  it('shows stored records tampered by the server as failed, with the reason', async () => {
    const [alice, bob] = await people('alice', 'bob');
    const a = await signIn(alice!);
    const first = await send(a.client, bob!, 'first');
    const second = await send(a.client, bob!, 'second');
    const b = await signIn(bob!);
    const flip = (value: string) => {
      const chars = value.split('');
      chars[20] = chars[20] === 'A' ? 'B' : 'A';
      return chars.join('');
    };
    const originals = new Map<string, Record<string, unknown>>();
    proxy.rewrite = (x) => {
      const m = /^\/messages\/([0-9a-f-]+)$/.exec(x.path);
      if (!m || x.status !== 200) return undefined;
      originals.set(m[1]!, x.json as Record<string, unknown>);
      return undefined;
    };
    await b.client.readMessages([first.id, second.id]);
    const one = originals.get(first.id)!;
    const two = originals.get(second.id)!;
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['body bit', { ...one, body: flip(one.body as string) }, 'decrypt_failed'],
      ['signature bit', { ...one, signature: flip(one.signature as string) }, 'decrypt_failed'],
      ['session key bit', { ...one, sessionKey: flip(one.sessionKey as string) }, 'decrypt_failed'],
      ['swapped body', { ...one, body: two.body }, 'decrypt_failed'],
      ['swapped signature', { ...one, signature: two.signature }, 'decrypt_failed'],
      ['other id inside', { ...two, id: first.id }, 'decrypt_failed'],
      ['sender changed', { ...one, sender: bob }, 'decrypt_failed'],
      ['not base64', { ...one, body: '***' }, 'malformed'],
    ];
    for (const [name, record, expected] of cases) {
      const reader = await signIn(bob!);
      proxy.rewrite = (x) => (x.path === `/messages/${first.id}` ? { status: 200, json: record } : undefined);
      const [view] = await reader.client.readMessages([first.id]);
      expect([name, view!.status]).toEqual([name, expected]);
      expect(view!.text).toBeNull();
      expect(view!.reason).toBeTruthy();
    }
  });

  it('warns loudly when a contact\'s key is substituted, never verifies what the new key signed, and refuses to send', async () => {
    const [alice, bob] = await people('alice', 'bob');
    const a = await signIn(alice!);
    const genuine = await send(a.client, bob!, 'genuine');
    const b = await signIn(bob!);
    expect((await b.client.readMessages([genuine.id]))[0]!.status).toBe('verified'); // pins alice's key

    // The server now shows carol's key as alice's, and serves a message carol signed in alice's name.
    const carolKeys = await importedKeys('carol');
    const bobKeys = await importedKeys('bob');
    const carolFixture = keyFixture('carol');
    const forgedId = crypto.randomUUID();
    const forged = await sealMessage({
      id: forgedId,
      sender: alice!,
      recipient: bob!,
      plaintext: utf8('send the money to carol'),
      senderPrivateKey: carolKeys.privateKey,
      senderPublicKey: carolKeys.publicKey,
      recipientPublicKey: bobKeys.publicKey,
    });
    const substitutedFingerprint = await fingerprint(carolFixture.publicKey);
    proxy.rewrite = (x) => {
      if (x.method === 'GET' && x.path === `/users/${alice}`) {
        return { status: 200, json: { ...(x.json as object), publicKey: carolFixture.publicKey, fingerprint: substitutedFingerprint } };
      }
      if (x.path === `/messages/${forgedId}`) {
        return { status: 200, json: { ...forged, sender: alice, timestamp: '2026-11-25T12:00:00.000Z', seq: 999_999 } };
      }
      return undefined;
    };
    proxy.intercept = null;
    const fresh = await signIn(bob!, b.store);
    const [view] = await fresh.client.readMessages([forgedId]);
    expect(view).toMatchObject({ status: 'key_changed', text: null });
    expect(fresh.events.some((e) => e.type === 'key_changed' && e.change.username === alice)).toBe(true);
    expect((await fresh.client.readMessages([genuine.id]))[0]!.status).toBe('verified');
    expect((await fresh.client.contactDetails(alice!)).keyStatus).toBe('changed');
    expect((await failure(send(fresh.client, alice!, 'are you there?'))).code).toBe('key_changed');
    // the same forgery with the key unchanged on the server is a bad signature
    proxy.rewrite = (x) => (x.path === `/messages/${forgedId}` ? { status: 200, json: { ...forged, sender: alice, timestamp: '2026-11-25T12:00:00.000Z', seq: 999_999 } } : undefined);
    const plain = await signIn(bob!, b.store);
    expect((await plain.client.readMessages([forgedId]))[0]!.status).toBe('bad_signature');

    // accepting the key is the person's explicit act
    proxy.rewrite = (x) =>
      x.method === 'GET' && x.path === `/users/${alice}`
        ? { status: 200, json: { ...(x.json as object), publicKey: carolFixture.publicKey, fingerprint: substitutedFingerprint } }
        : x.path === `/messages/${forgedId}`
          ? { status: 200, json: { ...forged, sender: alice, timestamp: '2026-11-25T12:00:00.000Z', seq: 999_999 } }
          : undefined;
    const details = await fresh.client.trustContactKey(alice!);
    expect(details.keyStatus).toBe('pinned');
    expect((await fresh.client.readMessages([forgedId]))[0]!.status).toBe('verified');
    // what was signed with the key trusted before stays verified, read again from the server
    expect((await fresh.client.readMessages([genuine.id]))[0]).toMatchObject({ status: 'verified', text: expect.any(String) });
  });

  it.each(['http', 'fetch'] as const)('delivers live messages once each, across a dropped connection (%s stream adapter)', async (streamAdapter) => {
    const [alice, bob] = await people('alice', 'bob');
    const a = await signIn(alice!);
    const b = await signIn(bob!, new MemoryStore(), { streamAdapter });
    await b.client.startLive();
    await until(() => b.events.some((e) => e.type === 'connection' && e.state === 'online'), 'the live connection');
    const received = () => b.events.filter((e) => e.type === 'message').map((e) => (e.type === 'message' ? e.message.id : ''));

    const one = await send(a.client, bob!, 'one');
    await until(() => received().includes(one.id), 'the first live message');

    let release!: () => void;
    proxy.holdEvents = new Promise((resolve) => (release = resolve));
    const connections = proxy.eventConnections;
    proxy.cutEvents();
    await until(() => b.events.some((e) => e.type === 'connection' && e.state === 'offline'), 'the drop to be noticed');
    const two = await send(a.client, bob!, 'two');
    const three = await send(b.client, alice!, 'three');
    proxy.holdEvents = null;
    release();
    await until(() => received().includes(three.id) && received().includes(two.id), 'the missed messages');
    expect(proxy.eventConnections).toBeGreaterThan(connections);
    const four = await send(a.client, bob!, 'four');
    await until(() => received().includes(four.id), 'a message after the reconnection');
    expect(received()).toEqual([one.id, two.id, three.id, four.id]);
    await b.client.stopLive();
  });
});
