import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fullMessagesResponseSchema, messageHeaderSchema, messageRecordSchema, messagesResponseSchema } from '../../core/protocol/schemas.js';
import { b64, call, outgoing, register, startTestServer, type TestUser } from '../testing/harness.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
let url: string;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;

beforeAll(async () => {
  server = await startTestServer();
  url = server.url;
  alice = await register(url, 'alice');
  bob = await register(url, 'bob');
  carol = await register(url, 'carol');
});
afterAll(() => server.close());

const send = (from: TestUser, body: object) => call(url, 'POST', '/messages', { token: from.token, body });
const list = (user: TestUser, query = '') => call(url, 'GET', `/messages${query}`, { token: user.token });
const seqs = (reply: { body: { messages: { seq: number }[] } }) => reply.body.messages.map((m) => m.seq);

describe('POST /messages', () => {
  it('stores a message: 201 with the header only, server-assigned sender, time and seq, and a fresh token', async () => {
    const message = outgoing('bob');
    const before = Date.now();
    const reply = await send(alice, message);
    expect(reply.status).toBe(201);
    const header = messageHeaderSchema.strict().parse(reply.body);
    expect(header).toMatchObject({ id: message.id, sender: 'alice', recipient: 'bob' });
    expect(Date.parse(header.timestamp)).toBeGreaterThanOrEqual(before - 1000);
    expect(reply.headers.get('x-auth-token')).toMatch(/^v2\.alice\./);
    const stored = await call(url, 'GET', `/messages/${message.id}`, { token: bob.token });
    expect(messageRecordSchema.strict().parse(stored.body)).toEqual({ ...message, sender: 'alice', format: 1, timestamp: header.timestamp, seq: header.seq });
  });

  it('answers a repeated identical send with 200 and the stored record, and stores it once', async () => {
    const message = outgoing('bob');
    const first = await send(alice, message);
    const again = await send(alice, message);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ ...message, sender: 'alice', format: 1, timestamp: first.body.timestamp, seq: first.body.seq });
    const both = await Promise.all([send(alice, outgoing('bob', message.id)), send(alice, message)]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
    const inbox = await list(bob, '?limit=1000');
    expect(inbox.body.messages.filter((m: { id: string }) => m.id === message.id)).toHaveLength(1);
  });

  it('answers 409 when the id is reused with other fields or by another sender', async () => {
    const message = outgoing('bob');
    expect((await send(alice, message)).status).toBe(201);
    for (const changed of [
      { ...message, body: b64(60) },
      { ...message, signature: b64(540) },
      { ...message, sessionKey: b64(512) },
      { ...message, senderSessionKey: b64(512) },
      { ...message, recipient: 'carol' },
    ]) {
      const reply = await send(alice, changed);
      expect(reply.status).toBe(409);
      expect(reply.body.error.code).toBe('conflict');
    }
    expect((await send(carol, message)).status).toBe(409);
  });

  it('answers 404 for an unknown recipient and 401 without a token', async () => {
    const unknown = await send(alice, outgoing('nobody_at_all'));
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toMatch(/nobody_at_all/);
    expect((await call(url, 'POST', '/messages', { body: outgoing('bob') })).status).toBe(401);
  });

  it('lets a user write to themself', async () => {
    const reply = await send(alice, outgoing('alice'));
    expect(reply.status).toBe(201);
    const own = await list(alice, '?peer=alice');
    expect(own.body.messages.map((m: { id: string }) => m.id)).toContain(reply.body.id);
  });

  const bad: [string, (m: Record<string, unknown>) => void, RegExp][] = [
    ['an uppercase id', (m) => (m.id = randomUUID().toUpperCase()), /id: must be a lowercase UUID version 4/],
    ['a UUID v1 id', (m) => (m.id = 'a8098c1a-f86e-11da-bd1a-00112444be1e'), /id/],
    ['a bad recipient', (m) => (m.recipient = 'Bob'), /recipient/],
    ['a sessionKey of 511 bytes', (m) => (m.sessionKey = b64(511)), /sessionKey: must decode to exactly 512 bytes/],
    ['a senderSessionKey of 513 bytes', (m) => (m.senderSessionKey = b64(513)), /senderSessionKey: must decode to exactly 512 bytes/],
    ['a body shorter than IV + tag', (m) => (m.body = b64(27)), /body: must decode to at least 28 bytes/],
    ['a signature in url-safe base64', (m) => (m.signature = '-_' + b64(540).slice(2)), /signature: must be standard base64/],
    ['a body that is a number', (m) => (m.body = 5), /body/],
    ['a missing signature', (m) => delete m.signature, /signature: is required/],
    ['a client-chosen sender', (m) => (m.sender = 'carol'), /unknown field: sender/],
    ['a client-chosen seq', (m) => (m.seq = 1), /unknown field: seq/],
  ];
  it.each(bad)('refuses %s with 400 naming the field', async (_name, spoil, message) => {
    const body: Record<string, unknown> = outgoing('bob');
    spoil(body);
    const reply = await send(alice, body);
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe('invalid_request');
    expect(reply.body.error.message).toMatch(message);
  });
});

describe('GET /messages', () => {
  let start: number;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    const viewer = await register(url, 'viewer');
    const other = await register(url, 'other');
    ids.first = (await send(viewer, outgoing('other'))).body.id;
    start = (await call(url, 'GET', `/messages/${ids.first}`, { token: viewer.token })).body.seq;
    ids.second = (await send(other, outgoing('viewer'))).body.id;
    ids.third = (await send(viewer, outgoing('alice'))).body.id;
    ids.fourth = (await send(alice, outgoing('viewer'))).body.id;
    ids.unrelated = (await send(alice, outgoing('bob'))).body.id;
    Object.assign(users, { viewer, other });
  });
  const users: Record<string, TestUser> = {};
  const idsOf = (reply: { body: { messages: { id: string }[] } }) => reply.body.messages.map((m) => m.id);

  it('lists what the user sent or received, in seq order, headers only by default', async () => {
    const reply = await list(users.viewer!);
    expect(reply.status).toBe(200);
    messagesResponseSchema.parse(reply.body);
    expect(idsOf(reply)).toEqual([ids.first, ids.second, ids.third, ids.fourth]);
    expect(Object.keys(reply.body.messages[0]).sort()).toEqual(['format', 'id', 'recipient', 'sender', 'seq', 'timestamp']);
    const s = seqs(reply);
    expect(s).toEqual([...s].sort((a, b) => a - b));
    expect(s[0]).toBe(start);
  });

  it('filters by sender, recipient and peer', async () => {
    const v = users.viewer!;
    expect(idsOf(await list(v, '?sender=viewer'))).toEqual([ids.first, ids.third]);
    expect(idsOf(await list(v, '?recipient=viewer'))).toEqual([ids.second, ids.fourth]);
    expect(idsOf(await list(v, '?sender=alice'))).toEqual([ids.fourth]);
    expect(idsOf(await list(v, '?recipient=alice'))).toEqual([ids.third]);
    expect(idsOf(await list(v, '?peer=other'))).toEqual([ids.first, ids.second]);
    expect(idsOf(await list(v, '?peer=alice&sender=viewer'))).toEqual([ids.third]);
    expect(idsOf(await list(v, '?sender=alice&recipient=bob'))).toEqual([]);
    expect(idsOf(await list(v, '?peer=bob'))).toEqual([]);
  });

  it('pages with after and limit, both orders', async () => {
    const v = users.viewer!;
    const all = seqs(await list(v));
    expect(seqs(await list(v, '?limit=2'))).toEqual(all.slice(0, 2));
    expect(seqs(await list(v, `?after=${all[1]}&limit=1`))).toEqual([all[2]]);
    expect(seqs(await list(v, '?order=desc'))).toEqual([...all].reverse());
    expect(seqs(await list(v, '?order=desc&limit=1'))).toEqual([all[3]]);
    expect(seqs(await list(v, `?order=desc&after=${all[1]}`))).toEqual([all[3], all[2]]);
    expect(seqs(await list(v, `?after=${all[3]}`))).toEqual([]);
    expect(seqs(await list(v, '?order=asc&after=0'))).toEqual(all);
  });

  it('filters by time: since inclusive, until exclusive', async () => {
    const v = users.viewer!;
    const all = (await list(v)).body.messages as { timestamp: string; seq: number }[];
    const t = all[2]!.timestamp;
    const since = (await list(v, `?since=${t}`)).body.messages as { timestamp: string }[];
    expect(since.every((m) => m.timestamp >= t)).toBe(true);
    expect(since.map((m) => m.timestamp)).toContain(t);
    const until = (await list(v, `?until=${t}`)).body.messages as { timestamp: string }[];
    expect(until.every((m) => m.timestamp < t)).toBe(true);
    expect(until.length + since.length).toBe(all.length);
    expect(seqs(await list(v, '?since=2000-01-01T00:00:00Z&until=2000-01-02T00:00:00.5Z'))).toEqual([]);
  });

  it('full=1 adds every field', async () => {
    const reply = await list(users.viewer!, '?full=1&limit=2');
    const full = fullMessagesResponseSchema.parse(reply.body);
    expect(full.messages).toHaveLength(2);
    for (const m of reply.body.messages) expect(Object.keys(m)).toHaveLength(10);
    expect(Object.keys((await list(users.viewer!, '?full=0')).body.messages[0])).toHaveLength(6);
  });

  it.each([
    ['since=yesterday', /since/],
    ['since=2026-11-25', /since/],
    ['since=2026-02-30T00:00:00Z', /since: is not a real date/],
    ['until=2026-11-25T20:55:01.123+01:00', /until/],
    ['after=-1', /after/],
    ['after=1.5', /after/],
    ['after=01', /after/],
    ['limit=0', /limit/],
    ['limit=1001', /limit/],
    ['order=newest', /order: must be asc or desc/],
    ['full=yes', /full/],
    ['sender=ALICE', /sender/],
    ['peer=a', /peer/],
    ['recipient=', /recipient/],
    ['sort=seq', /unknown field: sort/],
    ['after=1&after=2', /after/],
  ])('refuses %s with 400 naming the parameter', async (query, message) => {
    const reply = await list(alice, `?${query}`);
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe('invalid_request');
    expect(reply.body.error.message).toMatch(message);
  });

  it('needs a token', async () => {
    expect((await call(url, 'GET', '/messages')).status).toBe(401);
  });
});

describe('GET /messages/:id', () => {
  it('gives the record to its sender and recipient only', async () => {
    const message = outgoing('bob');
    await send(alice, message);
    for (const reader of [alice, bob]) {
      const reply = await call(url, 'GET', `/messages/${message.id}`, { token: reader.token });
      expect(reply.status).toBe(200);
      expect(reply.body.body).toBe(message.body);
    }
    const other = await call(url, 'GET', `/messages/${message.id}`, { token: carol.token });
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe('not_found');
    expect((await call(url, 'GET', `/messages/${randomUUID()}`, { token: alice.token })).status).toBe(404);
    const malformed = await call(url, 'GET', '/messages/not-a-uuid', { token: alice.token });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toMatch(/id/);
    expect((await call(url, 'GET', `/messages/${message.id}`)).status).toBe(401);
  });
});

describe('floods and storage', () => {
  it('limits sends to SENDS_PER_MINUTE per user, 120 by default, and 0 turns it off', async () => {
    const limited = await startTestServer();
    try {
      expect(limited.config.sendsPerMinute).toBe(120);
      const [sender, other] = [await register(limited.url, 'flooder'), await register(limited.url, 'other')];
      const sendAs = (user: TestUser) => call(limited.url, 'POST', '/messages', { token: user.token, body: outgoing('other') });
      for (let i = 0; i < 120; i += 20) {
        const replies = await Promise.all(Array.from({ length: 20 }, () => sendAs(sender)));
        expect(replies.map((r) => r.status)).toEqual(Array(20).fill(201));
      }
      const refused = await sendAs(sender);
      expect(refused.status).toBe(429);
      expect(refused.body.error.code).toBe('rate_limited');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await sendAs(other)).status).toBe(201);
    } finally {
      await limited.close();
    }
    const open = await startTestServer({ sendsPerMinute: 0 });
    try {
      const sender = await register(open.url, 'flooder');
      for (let i = 0; i < 140; i += 20) {
        const replies = await Promise.all(
          Array.from({ length: 20 }, () => call(open.url, 'POST', '/messages', { token: sender.token, body: outgoing('flooder') })),
        );
        expect(replies.map((r) => r.status)).toEqual(Array(20).fill(201));
      }
    } finally {
      await open.close();
    }
  });

  it('refuses a send past MESSAGE_QUOTA with 413 quota_exceeded, counting what was stored, also after a restart', async () => {
    const size = (m: ReturnType<typeof outgoing>) => m.sessionKey.length + m.senderSessionKey.length + m.body.length + m.signature.length;
    const first = outgoing('bob');
    const quota = 3 * size(first) - 1; // room for two messages of this size, not three
    const one = await startTestServer({ messageQuotaBytes: quota });
    const storedUrl = one.config.databaseUrl;
    let sender: TestUser;
    try {
      sender = await register(one.url, 'alice');
      await register(one.url, 'bob');
      const sendAs = (body: object) => call(one.url, 'POST', '/messages', { token: sender.token, body });
      expect((await sendAs(first)).status).toBe(201);
      const secondMessage = outgoing('bob');
      expect((await sendAs(secondMessage)).status).toBe(201);
      const over = await sendAs(outgoing('bob'));
      expect(over.status).toBe(413);
      expect(over.body).toEqual({ error: { code: 'quota_exceeded', message: expect.stringMatching(/exceed .*limit of \d+ bytes per user/) } });
      // A retry of a stored message is still answered with it.
      expect((await sendAs(secondMessage)).status).toBe(200);
      // Someone else's quota is their own.
      const carolUser = await register(one.url, 'carol');
      expect((await call(one.url, 'POST', '/messages', { token: carolUser.token, body: outgoing('alice') })).status).toBe(201);
    } finally {
      await one.close();
    }
    const again = await startTestServer({ databaseUrl: storedUrl, messageQuotaBytes: quota });
    try {
      const login = await call(again.url, 'POST', '/login', { body: { username: 'alice', authHash: sender!.authHash } });
      const over = await call(again.url, 'POST', '/messages', { token: login.body.token, body: outgoing('bob') });
      expect(over.status).toBe(413);
      expect(over.body.error.code).toBe('quota_exceeded');
    } finally {
      await again.close();
    }
    const off = await startTestServer({ databaseUrl: storedUrl, messageQuotaBytes: 0 });
    try {
      const login = await call(off.url, 'POST', '/login', { body: { username: 'alice', authHash: sender!.authHash } });
      expect((await call(off.url, 'POST', '/messages', { token: login.body.token, body: outgoing('bob') })).status).toBe(201);
    } finally {
      await off.close();
    }
  });
});
