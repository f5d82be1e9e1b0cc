// ChatClient against the real server through a proxy that turns hostile: misplaced messages, replaced keys,
// paging without progress, injected seqs, poisoned cursors, device credential, blocking, HTTP-layer failures.
import { failure, until } from '../test-fixtures/waiting.js';
import { describe, expect, it } from 'vitest';
import { clientWorld, PASSWORD, send } from '../test-fixtures/client-world.js';
import { fingerprint } from '../crypto/fingerprint.js';
import { sealMessage } from '../crypto/message-crypto.js';
import { utf8 } from '../crypto/webcrypto.js';
import { importedKeys, keyFixture } from '../test-fixtures/vectors.js';
import { ChatClient } from './chat-client.js';
import { MemoryStore } from './store.js';

const world = clientWorld('h');
const { people, signIn } = world;
const header = (m: { id: string; seq: number; timestamp: string }, sender: string, recipient: string) => ({ id: m.id, seq: m.seq, timestamp: m.timestamp, sender, recipient });

describe('what is shown comes from the record', () => {
  it('marks messages the server moved into the wrong conversation as misplaced', async () => {
    const [alice, bob, carol] = await people('alice', 'bob', 'carol');
    const a = await signIn(alice!);
    const b = await signIn(bob!);
    const c = await signIn(carol!);
    const fromCarol = await send(c.client, alice!, 'from carol');
    const bobToCarol = await send(b.client, carol!, 'bob to carol');
    const aliceToCarol = await send(a.client, carol!, 'alice to carol');
    const fromBob = await send(b.client, alice!, 'genuine from bob');
    const captured = new Map<string, unknown>();
    world.proxy.rewrite = (x) => {
      if (x.status === 200 && x.path === `/messages/${bobToCarol.id}`) captured.set(bobToCarol.id, x.json);
      return undefined;
    };
    await c.client.readMessages([bobToCarol.id]);
    const fakes = [header(fromCarol, bob!, alice!), header(bobToCarol, bob!, alice!), header(aliceToCarol, alice!, bob!)];
    world.proxy.rewrite = (x) => {
      if (x.method === 'GET' && x.path.startsWith('/messages?') && x.path.includes(`peer=${bob}`)) {
        return { status: 200, json: { messages: [...fakes, ...(x.json as { messages: unknown[] }).messages] } };
      }
      if (x.path === `/messages/${bobToCarol.id}`) return { status: 200, json: captured.get(bobToCarol.id) };
      return undefined;
    };
    const page = await a.client.conversation({ conversation: bob! });
    const views = await a.client.readMessages(page.messages.map((m) => m.id));
    const byId = new Map(views.map((v) => [v.id, v]));
    for (const fake of fakes) {
      expect(byId.get(fake.id)).toMatchObject({ status: 'misplaced', text: null, reason: 'The server listed this message in the wrong conversation.' });
    }
    expect(byId.get(fromCarol.id)).toMatchObject({ sender: carol, outgoing: false });
    expect(byId.get(aliceToCarol.id)).toMatchObject({ recipient: carol, outgoing: true });
    expect(byId.get(fromBob.id)).toMatchObject({ status: 'verified', text: 'genuine from bob' });
  });
});

describe('replaced keys', () => {
  it('verifies an earlier key only for what this device checked before, and fails all of it once disowned', async () => {
    const [alice, bob] = await people('alice', 'bob');
    const carolFixture = keyFixture('carol');
    const carolKeys = await importedKeys('carol');
    const aliceKeys = await importedKeys('alice');
    const substituted = await fingerprint(carolFixture.publicKey);
    const forge = async (text: string, seq: number) => {
      const id = crypto.randomUUID();
      const sealed = await sealMessage({
        id,
        sender: bob!,
        recipient: alice!,
        plaintext: utf8(text),
        senderPrivateKey: carolKeys.privateKey,
        senderPublicKey: carolKeys.publicKey,
        recipientPublicKey: aliceKeys.publicKey,
      });
      return { id, record: { ...sealed, sender: bob, timestamp: '2026-11-25T12:00:00.000Z', seq } };
    };
    const first = await forge('forged while substituted', 900_001);
    const later = await forge('forged after the change', 900_002);
    let substitute = true;
    // A server without a key log (as before v2): only the pin and the person's choices protect the contact.
    world.proxy.intercept = (_method, path) => (path.startsWith('/keylog/') ? { status: 404, json: { error: { code: 'not_found', message: 'no such route' } } } : undefined);
    world.proxy.rewrite = (x) => {
      if (substitute && x.method === 'GET' && x.path === `/users/${bob}`) {
        return { status: 200, json: { ...(x.json as object), publicKey: carolFixture.publicKey, fingerprint: substituted } };
      }
      for (const f of [first, later]) if (x.path === `/messages/${f.id}`) return { status: 200, json: f.record };
      return undefined;
    };
    const store = new MemoryStore();
    const a = await signIn(alice!, store);
    expect((await a.client.readMessages([first.id]))[0]!.status).toBe('verified'); // the substituted key is pinned
    substitute = false;
    expect((await a.client.contactDetails(bob!)).keyStatus).toBe('changed');
    const trusted = await a.client.trustContactKey(bob!);
    expect(trusted.earlierKeys).toEqual([{ fingerprint: expect.any(String), disowned: false }]);
    expect(trusted.earlierKeys[0]!.fingerprint.replaceAll(' ', '')).toBe(substituted);

    expect((await a.client.readMessages([first.id]))[0]!.status).toBe('verified');
    expect((await a.client.readMessages([later.id]))[0]).toMatchObject({
      status: 'earlier_key',
      text: null,
      reason: `Signed with an earlier key of ${bob}'s, which you replaced; it was not checked on this device before, so it may be forged.`,
    });
    // what was verified is remembered in the store, for the next run
    const again = await signIn(alice!, store);
    expect((await again.client.readMessages([first.id, later.id])).map((v) => v.status)).toEqual(['verified', 'earlier_key']);
    const genuine = await send((await signIn(bob!)).client, alice!, 'the real bob');
    expect((await again.client.readMessages([genuine.id]))[0]!.status).toBe('verified');

    const disowned = await again.client.disownEarlierKeys(bob!);
    expect(disowned.earlierKeys.map((k) => k.disowned)).toEqual([true]);
    for (const view of await again.client.readMessages([first.id, later.id])) {
      expect(view).toMatchObject({ status: 'disowned_key', text: null, reason: `Signed with a key you said was never ${bob}'s.` });
    }
    expect((await again.client.readMessages([genuine.id]))[0]!.status).toBe('verified');
    const third = await signIn(alice!, store);
    expect((await third.client.readMessages([first.id]))[0]!.status).toBe('disowned_key');
  });
});

describe('sync against a hostile server', () => {
  it('stops a catch-up whose pages make no progress', async () => {
    const [alice, bob] = await people('alice', 'bob');
    const a = await signIn(alice!);
    const sent = await send((await signIn(bob!)).client, alice!, 'one');
    await a.client.contacts();
    let pages = 0;
    world.proxy.rewrite = (x) => {
      if (x.method === 'GET' && x.path.startsWith('/messages?') && x.path.includes('after=') && pages < 50) {
        pages++;
        return { status: 200, json: { messages: Array.from({ length: 1_000 }, () => header(sent, bob!, alice!)) } };
      }
      return undefined;
    };
    const e = await failure(a.client.contacts());
    expect(e).toEqual({ code: 'protocol_violation', message: 'The server kept sending messages already seen; stopped syncing.' });
    expect(pages).toBeLessThanOrEqual(2);
  });

  it('ignores an injected event with a huge seq, so later messages still show', async () => {
    const [alice, bob] = await people('alice', 'bob');
    const a = await signIn(alice!);
    await a.client.startLive();
    await until(() => a.events.some((e) => e.type === 'connection' && e.state === 'online'), 'online');
    await new Promise((r) => setTimeout(r, 100));
    const seq = 999_999_999_999_999;
    world.proxy.injectEvent({ id: crypto.randomUUID(), sender: bob, recipient: alice, timestamp: new Date().toISOString(), seq }, { id: seq });
    await until(() => a.events.some((e) => e.type === 'connection' && (e.detail ?? '').includes('ignored')), 'the injected event to be reported');
    const real = await send((await signIn(bob!)).client, alice!, 'after the injection');
    await until(() => a.events.some((e) => e.type === 'message' && e.message.id === real.id), 'the real message');
    await a.client.stopLive();
    const index = a.store.keys().find((k) => k.startsWith('index/'))!;
    expect(JSON.parse((await a.store.get(index))!).cursor).toBeLessThan(seq);
    expect((await a.client.contacts()).find((c) => c.username === bob)).toMatchObject({ unread: 1 });
  });

  it('recovers from a stored cursor above the server\'s newest message, counting unread once', async () => {
    const [alice, bob] = await people('alice', 'bob');
    const store = new MemoryStore();
    const first = await signIn(alice!, store);
    const b = await signIn(bob!);
    await send(b.client, alice!, 'one');
    expect((await first.client.contacts())[0]).toMatchObject({ username: bob, unread: 1 });
    await first.client.close();
    const key = store.keys().find((k) => k.startsWith('index/'))!;
    const data = JSON.parse((await store.get(key))!);
    await store.set(key, JSON.stringify({ ...data, cursor: 999_999_999_999_999 }));
    await send(b.client, alice!, 'two');
    const again = await signIn(alice!, store);
    expect((await again.client.contacts()).find((c) => c.username === bob)).toMatchObject({ unread: 2 });
    expect(JSON.parse((await store.get(key))!).cursor).toBeLessThan(999_999_999_999_999);
  });
});

describe('device credential', () => {
  it('keeps the credential from a sign-in and sends it on the next sign-in and password change', async () => {
    const [alice] = await people('alice');
    let issue = 'cred-1';
    world.proxy.rewrite = (x) =>
      x.method === 'POST' && x.path === '/login' && x.status === 200 ? { status: 200, json: x.json, headers: { 'x-device-credential': issue } } : undefined;
    const seen: Array<string | undefined> = [];
    world.proxy.intercept = (method, path, _body, headers) => {
      if (method === 'POST' && (path === '/login' || path.endsWith('/password'))) seen.push(headers['x-device-credential'] as string | undefined);
      return undefined;
    };
    const store = new MemoryStore();
    await signIn(alice!, store);
    issue = 'cred-2';
    await signIn(alice!, store);
    const third = await signIn(alice!, store);
    await signIn(alice!); // another device has none
    await third.client.changePassword({ currentPassword: PASSWORD, newPassword: 'another password 9' });
    expect(seen).toEqual([undefined, 'cred-1', 'cred-2', undefined, 'cred-2']);
    expect(store.keys().filter((k) => k.startsWith('device-credential/'))).toHaveLength(1);
  });
});

describe('blocking', () => {
  it('blocks and unblocks through /blocks, and says so when the server has no blocking', async () => {
    const [alice, bob] = await people('alice', 'bob');
    const a = await signIn(alice!);
    const blocked = new Set<string>();
    let supported = true;
    world.proxy.intercept = (method, path) => {
      if (!path.startsWith('/blocks')) return undefined;
      if (!supported) return { status: 404, json: { error: { code: 'not_found', message: 'no route' } } };
      const name = path.slice('/blocks/'.length);
      if (method === 'GET' && path === '/blocks') return { status: 200, json: { blocked: [...blocked].sort() } };
      if (method === 'PUT') blocked.add(name);
      if (method === 'DELETE') blocked.delete(name);
      return { status: 204, json: undefined };
    };
    expect((await a.client.contactDetails(bob!)).blocked).toBe(false);
    expect((await a.client.blockContact(bob!)).blocked).toBe(true);
    expect([...blocked]).toEqual([bob]);
    expect((await a.client.contactDetails(bob!)).blocked).toBe(true);
    expect((await a.client.unblockContact(bob!)).blocked).toBe(false);
    expect((await failure(a.client.blockContact('  '))).code).toBe('invalid_input');
    supported = false;
    expect((await a.client.contactDetails(bob!)).blocked).toBe(false);
    expect(await failure(a.client.blockContact(bob!))).toEqual({ code: 'not_found', message: 'This server does not support blocking.' });
  });
});

describe('HTTP layer', () => {
  it('maps quota, refusal by the recipient, unreadable encodings and huge answers to their own sentences', async () => {
    const [alice, bob] = await people('alice', 'bob');
    const a = await signIn(alice!);
    world.proxy.intercept = (method, path) =>
      method === 'POST' && path === '/messages' ? { status: 413, json: { error: { code: 'quota_exceeded', message: 'full' } } } : undefined;
    expect((await failure(send(a.client, bob!, 'x'))).code).toBe('quota_exceeded');
    world.proxy.intercept = (method, path) =>
      method === 'POST' && path === '/messages' ? { status: 403, json: { error: { code: 'forbidden', message: 'the recipient does not accept your messages' } } } : undefined;
    expect(await failure(send(a.client, bob!, 'x'))).toEqual({ code: 'forbidden', message: `${bob} does not accept your messages.` });
    world.proxy.intercept = (method, path) => (method === 'GET' && path.startsWith('/users?') ? { status: 200, json: '{"users":[]}', headers: { 'content-encoding': 'x-squash' } } : undefined);
    expect(await failure(a.client.searchUsers('bo'))).toEqual({ code: 'protocol_violation', message: 'The server answered in an encoding this app cannot read (x-squash).' });
    const huge = JSON.stringify({ users: Array.from({ length: 120_000 }, (_, i) => ({ username: `user_${i}`, createdAt: '2026-01-01T00:00:00.000Z' })) });
    world.proxy.intercept = (method, path) => (method === 'GET' && path.startsWith('/users?') ? { status: 200, json: huge } : undefined);
    expect(await failure(a.client.searchUsers('us'))).toEqual({ code: 'protocol_violation', message: "The server's answer was too large." });
  });
});
