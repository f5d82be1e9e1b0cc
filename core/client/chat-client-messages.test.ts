// ChatClient against the real server (a child process), through a proxy that can turn hostile: messages —
// sending and retrying, paging, tampered records, substituted keys, live delivery.
import { failure, until } from '../test-fixtures/waiting.js';
import { describe, expect, it } from 'vitest';
import { clientWorld, PASSWORD, send } from '../test-fixtures/client-world.js';
import { fingerprint } from '../crypto/fingerprint.js';
import { sealMessage } from '../crypto/message-crypto.js';
import { utf8 } from '../crypto/webcrypto.js';
import { importedKeys, keyFixture } from '../test-fixtures/vectors.js';
import { ChatClient } from './chat-client.js';
import { MemoryStore } from './store.js';

const world = clientWorld('');
const { people, signIn } = world;


describe('ChatClient with the real server: messages', () => {
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
    const page = await b.client.conversation({ conversation: alice! });
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
    const newest = await b.client.conversation({ conversation: alice!, limit: 2 });
    expect(newest.hasMore).toBe(true);
    const older = await b.client.conversation({ conversation: alice!, limit: 2, beforeSeq: newest.messages[0]!.seq });
    const oldest = await b.client.conversation({ conversation: alice!, limit: 2, beforeSeq: older.messages[0]!.seq });
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
    world.proxy.rewrite = (x) => {
      if (x.method === 'POST' && x.path === '/messages' && lost < 2) {
        lost++;
        return { status: 502, json: { error: { code: 'internal', message: 'gateway' } } };
      }
      return undefined;
    };
    const sent = await send(a.client, bob!, 'only once');
    expect(lost).toBe(2);
    world.proxy.rewrite = null;
    expect(await a.client.pendingMessageIds()).toEqual([]);
    const b = await signIn(bob!);
    const page = await b.client.conversation({ conversation: alice! });
    expect(page.messages.map((m) => m.id)).toEqual([sent.id]);
  });

  it('keeps a message whose sending failed, and re-sends the identical bytes later', async () => {
    const [alice, bob] = await people('alice', 'bob');
    const a = await signIn(alice!);
    const bodies: string[] = [];
    world.proxy.intercept = (method, path, body) => {
      if (method === 'POST' && path === '/messages') {
        bodies.push(body);
        return { status: 503, json: { error: { code: 'unavailable', message: 'down' } } };
      }
      return undefined;
    };
    const id = a.client.newMessageId();
    expect((await failure(a.client.send({ conversation: bob!, text: 'kept', id }))).code).toBe('server_error');
    expect(await a.client.pendingMessageIds()).toEqual([id]);
    world.proxy.intercept = (method, path, body) => {
      if (method === 'POST' && path === '/messages') bodies.push(body);
      return undefined;
    };
    const sent = await a.client.send({ conversation: bob!, text: 'kept', id });
    expect(sent.id).toBe(id);
    expect(new Set(bodies).size).toBe(1);
    expect(bodies.length).toBe(4);
    expect((await failure(a.client.send({ conversation: bob!, text: 'different', id }))).code).toBe('invalid_input');
  });

  it('drops a message the server refuses for good, so it does not block later ones', async () => {
    const [alice, bob] = await people('alice', 'bob');
    const a = await signIn(alice!);
    world.proxy.intercept = (method, path) =>
      method === 'POST' && path === '/messages' ? { status: 503, json: { error: { code: 'unavailable', message: 'down' } } } : undefined;
    const id = a.client.newMessageId();
    await failure(a.client.send({ conversation: bob!, text: 'will conflict', id }));
    world.proxy.intercept = (method, path) =>
      method === 'POST' && path === '/messages' ? { status: 409, json: { error: { code: 'conflict', message: 'id taken' } } } : undefined;
    expect(await a.client.resendPending()).toEqual({ sent: [], refused: [{ id, conversation: bob, reason: 'A different message with this id is already on the server.' }] });
    expect(await a.client.pendingMessageIds()).toEqual([]);
    world.proxy.intercept = null;
    expect((await send(a.client, bob!, 'next one')).status).toBe('verified');
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
    world.proxy.rewrite = (x) => {
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
      world.proxy.rewrite = (x) => (x.path === `/messages/${first.id}` ? { status: 200, json: record } : undefined);
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
    world.proxy.rewrite = (x) => {
      if (x.method === 'GET' && x.path === `/users/${alice}`) {
        return { status: 200, json: { ...(x.json as object), publicKey: carolFixture.publicKey, fingerprint: substitutedFingerprint } };
      }
      if (x.path === `/messages/${forgedId}`) {
        return { status: 200, json: { ...forged, sender: alice, timestamp: '2026-11-25T12:00:00.000Z', seq: 999_999 } };
      }
      return undefined;
    };
    world.proxy.intercept = null;
    const fresh = await signIn(bob!, b.store);
    const [view] = await fresh.client.readMessages([forgedId]);
    expect(view).toMatchObject({ status: 'key_changed', text: null });
    expect(fresh.events.some((e) => e.type === 'key_changed' && e.change.username === alice)).toBe(true);
    expect((await fresh.client.readMessages([genuine.id]))[0]!.status).toBe('verified');
    expect((await fresh.client.contactDetails(alice!)).keyStatus).toBe('changed');
    expect((await failure(send(fresh.client, alice!, 'are you there?'))).code).toBe('key_changed');
    // the same forgery with the key unchanged on the server is a bad signature
    world.proxy.rewrite = (x) => (x.path === `/messages/${forgedId}` ? { status: 200, json: { ...forged, sender: alice, timestamp: '2026-11-25T12:00:00.000Z', seq: 999_999 } } : undefined);
    const plain = await signIn(bob!, b.store);
    expect((await plain.client.readMessages([forgedId]))[0]!.status).toBe('bad_signature');

    // The server's key log holds alice's real key: the substituted one cannot be accepted, even on purpose.
    world.proxy.rewrite = (x) =>
      x.method === 'GET' && x.path === `/users/${alice}`
        ? { status: 200, json: { ...(x.json as object), publicKey: carolFixture.publicKey, fingerprint: substitutedFingerprint } }
        : x.path === `/messages/${forgedId}`
          ? { status: 200, json: { ...forged, sender: alice, timestamp: '2026-11-25T12:00:00.000Z', seq: 999_999 } }
          : undefined;
    const refused = await failure(fresh.client.trustContactKey(alice!));
    expect(refused).toMatchObject({ code: 'tampered', message: expect.stringContaining(`The server's key log does not contain this key for ${alice}`) });
    expect((await fresh.client.keyLog()).alarms).toEqual([expect.objectContaining({ kind: 'missing_key', username: alice })]);
    expect((await fresh.client.readMessages([forgedId]))[0]!.status).toBe('key_changed');
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
    world.proxy.holdEvents = new Promise((resolve) => (release = resolve));
    const connections = world.proxy.eventConnections;
    world.proxy.cutEvents();
    await until(() => b.events.some((e) => e.type === 'connection' && e.state === 'offline'), 'the drop to be noticed');
    const two = await send(a.client, bob!, 'two');
    const three = await send(b.client, alice!, 'three');
    world.proxy.holdEvents = null;
    release();
    await until(() => received().includes(three.id) && received().includes(two.id), 'the missed messages');
    expect(world.proxy.eventConnections).toBeGreaterThan(connections);
    const four = await send(a.client, bob!, 'four');
    await until(() => received().includes(four.id), 'a message after the reconnection');
    expect(received()).toEqual([one.id, two.id, three.id, four.id]);
    await b.client.stopLive();
  });
});
