import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, outgoing, register, SseReader, startTestServer, type TestUser } from '../testing/harness.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
let url: string;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let dave: TestUser;

beforeAll(async () => {
  server = await startTestServer();
  url = server.url;
  [alice, bob, carol, dave] = [await register(url, 'alice'), await register(url, 'bob'), await register(url, 'carol'), await register(url, 'dave')];
});
afterAll(() => server.close());

const block = (who: TestUser, name: string, options: { body?: unknown; query?: string } = {}) =>
  call(url, 'PUT', `/blocks/${name}${options.query ?? ''}`, { token: who.token, body: options.body });
const unblock = (who: TestUser, name: string) => call(url, 'DELETE', `/blocks/${name}`, { token: who.token });
const blocked = async (who: TestUser) => {
  const reply = await call(url, 'GET', '/blocks', { token: who.token });
  expect(reply.status).toBe(200);
  return reply.body;
};
const send = (from: TestUser, to: string) => call(url, 'POST', '/messages', { token: from.token, body: outgoing(to) });

describe('blocking', () => {
  it('PUT answers 204 with a fresh token, lists the blocked users sorted, and DELETE takes a block back', async () => {
    const put = await block(carol, 'dave');
    expect(put.status).toBe(204);
    expect(put.text).toBe('');
    expect(put.headers.get('x-auth-token')).toMatch(/^v2\.carol\./);
    expect((await block(carol, 'alice')).status).toBe(204);
    expect((await block(carol, 'alice')).status).toBe(204); // again: no change
    expect(await blocked(carol)).toEqual({ blocked: ['alice', 'dave'] });
    expect(await blocked(dave)).toEqual({ blocked: [] });
    expect((await unblock(carol, 'alice')).status).toBe(204);
    expect((await unblock(carol, 'alice')).status).toBe(204); // nothing to take back: still 204
    expect(await blocked(carol)).toEqual({ blocked: ['dave'] });
    expect((await unblock(carol, 'dave')).status).toBe(204);
    expect(await blocked(carol)).toEqual({ blocked: [] });
  });

  it('refuses a blocked sender with 403 forbidden, only toward the blocker and only while the block lasts', async () => {
    expect((await send(bob, 'alice')).status).toBe(201);
    expect((await block(alice, 'bob')).status).toBe(204);
    const refused = await send(bob, 'alice');
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({ error: { code: 'forbidden', message: 'the recipient does not accept your messages' } });
    // The blocker may still write to the blocked user, and the blocked user to anyone else.
    expect((await send(alice, 'bob')).status).toBe(201);
    expect((await send(bob, 'carol')).status).toBe(201);
    expect((await send(bob, 'bob')).status).toBe(201);
    expect((await unblock(alice, 'bob')).status).toBe(204);
    expect((await send(bob, 'alice')).status).toBe(201);
  });

  it('stores nothing for a refused message and tells the blocked user nothing', async () => {
    expect((await block(dave, 'carol')).status).toBe(204);
    const stream = new SseReader();
    await stream.open(`${url}/events`, { authorization: `Bearer ${carol.token}` });
    try {
      await stream.until(() => stream.comments.includes('connected'), 'connected');
      const message = outgoing('dave');
      expect((await call(url, 'POST', '/messages', { token: carol.token, body: message })).status).toBe(403);
      expect((await call(url, 'GET', `/messages/${message.id}`, { token: dave.token })).status).toBe(404);
      expect((await call(url, 'GET', '/messages?peer=carol', { token: dave.token })).body.messages).toEqual([]);
      // The next message carol sends elsewhere is the first event her stream sees.
      const later = await send(carol, 'alice');
      await stream.until(() => stream.events.length > 0, 'an event');
      expect(stream.events.map((e) => JSON.parse(e.data!).id)).toEqual([later.body.id]);
      // Nothing about the block is visible to carol: dave's list is his own.
      expect(await blocked(carol)).toEqual({ blocked: [] });
    } finally {
      stream.close();
      await unblock(dave, 'carol');
    }
  });

  it('validates: token, user name, unknown user, yourself, bodies and query parameters', async () => {
    expect((await call(url, 'PUT', '/blocks/bob')).status).toBe(401);
    expect((await call(url, 'DELETE', '/blocks/bob')).status).toBe(401);
    expect((await call(url, 'GET', '/blocks')).status).toBe(401);
    const unknown = await block(alice, 'nobody');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
    for (const name of ['Bob', 'ab', 'a'.repeat(33), 'bob%20']) {
      const reply = await block(alice, name);
      expect(reply.status, name).toBe(400);
      expect(reply.body.error.message).toMatch(/username/);
      expect((await unblock(alice, name)).status, name).toBe(400);
    }
    const self = await block(alice, 'alice');
    expect(self.status).toBe(400);
    expect(self.body.error.message).toMatch(/yourself/);
    const withField = await block(alice, 'bob', { body: { reason: 'spam' } });
    expect(withField.status).toBe(400);
    expect(withField.body.error.message).toMatch(/unknown field: reason/);
    expect((await block(alice, 'bob', { body: {} })).status).toBe(204);
    expect((await block(alice, 'bob', { query: '?x=1' })).status).toBe(400);
    expect((await call(url, 'DELETE', '/blocks/bob', { token: alice.token, body: { all: true } })).status).toBe(400);
    expect((await call(url, 'DELETE', '/blocks/bob?x=1', { token: alice.token })).status).toBe(400);
    const listQuery = await call(url, 'GET', '/blocks?limit=5', { token: alice.token });
    expect(listQuery.status).toBe(400);
    expect(listQuery.body.error.message).toMatch(/unknown field: limit/);
    expect((await call(url, 'POST', '/blocks', { token: alice.token })).status).toBe(404);
    expect((await unblock(alice, 'bob')).status).toBe(204);
  });

  it('keeps blocks across a restart', async () => {
    const first = await startTestServer();
    const dbUrl = first.config.databaseUrl;
    let erin: TestUser;
    try {
      erin = await register(first.url, 'erin');
      await register(first.url, 'frank');
      expect((await call(first.url, 'PUT', '/blocks/frank', { token: erin.token })).status).toBe(204);
    } finally {
      await first.close();
    }
    const second = await startTestServer({ databaseUrl: dbUrl });
    try {
      const login = await call(second.url, 'POST', '/login', { body: { username: 'erin', authHash: erin!.authHash } });
      expect((await call(second.url, 'GET', '/blocks', { token: login.body.token })).body).toEqual({ blocked: ['frank'] });
    } finally {
      await second.close();
    }
  });
});
