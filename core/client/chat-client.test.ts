// ChatClient against the real server (a child process), through a proxy that can turn hostile: the account —
// signing in, password changes, stay-signed-in, renewed tokens — and answers that must not be trusted.
import { failure } from '../test-fixtures/waiting.js';
import { describe, expect, it } from 'vitest';
import { clientWorld, PASSWORD, send } from '../test-fixtures/client-world.js';
import { keyFixture, vectors } from '../test-fixtures/vectors.js';
import { ChatClient } from './chat-client.js';
import { MemoryStore } from './store.js';
import type { ChatEvent } from '../api/view.js';

const world = clientWorld('');
const { people, signIn } = world;


describe('ChatClient with the real server: the account', () => {
  it('checks the server and refuses plain http to another machine', async () => {
    expect((await ChatClient.checkServer(world.server.url)).serverUrl).toBe(world.server.url);
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
    const other = new ChatClient({ serverUrl: world.proxy.url, store: new MemoryStore() });
    expect(await failure(other.login({ username: alice!.toUpperCase(), password: 'not the password' }))).toEqual({
      code: 'wrong_password',
      message: 'Wrong username or password.',
    });
  });

  it('changes the password, still reads old messages, and the old password stops working', async () => {
    const [alice, bob] = await people('alice', 'bob');
    const a = await signIn(alice!);
    const old = await send(a.client, bob!, 'before the change');
    await a.client.changePassword({ currentPassword: PASSWORD, newPassword: 'the new password 2' });
    const again = new ChatClient({ serverUrl: world.proxy.url, store: new MemoryStore() });
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
    const third = new ChatClient({ serverUrl: world.proxy.url, store });
    await third.login({ username: alice!, password: 'changed elsewhere 4' });
    expect((await third.currentAccount())?.username).toBe(alice);
  });

  it('resumes from a stay-signed-in snapshot, until the password changes', async () => {
    const [alice] = await people('alice');
    const client = new ChatClient({ serverUrl: world.proxy.url, store: new MemoryStore() });
    expect(client.sessionSnapshot()).toBeNull();
    await client.login({ username: alice!, password: PASSWORD }, { keepSessionSecret: true });
    const snapshot = client.sessionSnapshot()!;
    expect(snapshot).toMatchObject({ serverUrl: world.proxy.url, username: alice });
    const resumed = await ChatClient.resume({ serverUrl: world.proxy.url, store: new MemoryStore() }, snapshot);
    expect((await resumed.currentAccount())?.username).toBe(alice);
    const plain = await signIn(alice!);
    await plain.client.changePassword({ currentPassword: PASSWORD, newPassword: 'another password 3' });
    expect((await failure(ChatClient.resume({ serverUrl: world.proxy.url, store: new MemoryStore() }, snapshot))).code).toBe('unauthorized');
  });

  it('signs in again by itself when the token is refused and the session kept its secret; else it signs out', async () => {
    const [alice, bob] = await people('alice', 'bob');
    const a = await signIn(alice!);
    const sent = await send(a.client, bob!, 'still readable');
    const refuseOnce = () => {
      let refused = false;
      world.proxy.intercept = (method, path) => {
        if (!refused && method === 'GET' && path === `/messages/${sent.id}`) {
          refused = true;
          return { status: 401, json: { error: { code: 'unauthorized', message: 'token expired' } } };
        }
        return undefined;
      };
    };
    const kept = new ChatClient({ serverUrl: world.proxy.url, store: new MemoryStore() });
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
    world.proxy.intercept = (method, path) =>
      method === 'POST' && path === '/login' ? { status: 429, json: { error: { code: 'rate_limited', message: 'slow down' } }, headers: { 'retry-after': '42' } } : undefined;
    const client = new ChatClient({ serverUrl: world.proxy.url, store: new MemoryStore() });
    expect(await failure(client.login({ username: alice!, password: PASSWORD }))).toEqual({
      code: 'rate_limited',
      message: 'Too many attempts. Try again in 42 seconds.',
      retryAfterSeconds: 42,
    });
  });

  it('treats a hostile server answer as a protocol violation, never a crash', async () => {
    const [alice] = await people('alice');
    const a = await signIn(alice!);
    world.proxy.rewrite = (x) => (x.path.startsWith('/messages?') ? { status: 200, json: { messages: [{ id: 'x', seq: -1 }] } } : undefined);
    expect((await failure(a.client.contacts())).code).toBe('protocol_violation');
    world.proxy.rewrite = (x) =>
      x.method === 'GET' && x.path === `/users/${alice}` ? { status: 200, json: { ...(x.json as object), kdfIterations: 2_000_000_000 } } : undefined;
    const other = new ChatClient({ serverUrl: world.proxy.url, store: new MemoryStore() });
    const e = await failure(other.login({ username: alice!, password: PASSWORD }));
    expect(e.code).toBe('protocol_violation');
    expect(e.message).toContain('2000000000');
  });

  it('refuses a server that shows someone else\'s public key for the account itself', async () => {
    const [alice] = await people('alice');
    const carol = keyFixture('carol');
    world.proxy.rewrite = (x) =>
      x.method === 'GET' && x.path === `/users/${alice}` ? { status: 200, json: { ...(x.json as object), publicKey: carol.publicKey } } : undefined;
    const client = new ChatClient({ serverUrl: world.proxy.url, store: new MemoryStore() });
    expect((await failure(client.login({ username: alice!, password: PASSWORD }))).code).toBe('tampered');
    expect(await client.currentAccount()).toBeNull();
  });
});
