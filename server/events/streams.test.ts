// GET /events over real HTTP: live delivery in seq order, Last-Event-ID replay, heartbeats, no other
// users' events, and cleanup when a client goes away or the server shuts down.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageHeaderSchema } from '../../core/protocol/schemas.js';
import { until } from '../../core/test-fixtures/waiting.js';
import { randomUUID } from 'node:crypto';
import { call, groupOutgoing, outgoing, register, SseReader, startTestServer, type TestUser } from '../testing/harness.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
let url: string;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
const readers: SseReader[] = [];

async function stream(user: TestUser, lastEventId?: string): Promise<SseReader> {
  const reader = new SseReader();
  readers.push(reader);
  const headers: Record<string, string> = { authorization: `Bearer ${user.token}` };
  if (lastEventId !== undefined) headers['last-event-id'] = lastEventId;
  await reader.open(`${url}/events`, headers);
  return reader;
}

const send = (from: TestUser, to: string) => call(url, 'POST', '/messages', { token: from.token, body: outgoing(to) });

beforeAll(async () => {
  server = await startTestServer({ heartbeatSeconds: 1 });
  url = server.url;
  alice = await register(url, 'alice');
  bob = await register(url, 'bob');
  carol = await register(url, 'carol');
});
afterAll(async () => {
  for (const r of readers) r.close();
  await server.close();
});

describe('GET /events', () => {
  it('opens a text/event-stream with a fresh token', async () => {
    const reader = await stream(alice);
    expect(reader.status).toBe(200);
    expect(reader.headers!.get('content-type')).toMatch(/^text\/event-stream/);
    expect(reader.headers!.get('x-auth-token')).toMatch(/^v2\.alice\./);
    reader.close();
  });

  it('delivers new messages sent and received, in seq order, with id = seq, and nothing of other users', async () => {
    const aliceStream = await stream(alice);
    const carolStream = await stream(carol);
    const sent: number[] = [];
    for (let i = 0; i < 5; i++) sent.push((await send(i % 2 ? bob : alice, i % 2 ? 'alice' : 'bob')).body.seq);
    const unrelated = await send(bob, 'bob');
    await aliceStream.until(() => aliceStream.events.length >= 5, 'five events');
    expect(aliceStream.events.map((e) => e.event)).toEqual(Array(5).fill('message'));
    expect(aliceStream.events.map((e) => Number(e.id))).toEqual(sent);
    for (const e of aliceStream.events) {
      const header = messageHeaderSchema.strict().parse(JSON.parse(e.data!));
      expect(String(header.seq)).toBe(e.id);
    }
    // Carol hears nothing of alice's and bob's messages: a message of her own arrives alone.
    const own = await send(alice, 'carol');
    await carolStream.until(() => carolStream.events.length >= 1, "carol's event");
    expect(carolStream.events.map((e) => Number(e.id))).toEqual([own.body.seq]);
    await aliceStream.until(() => aliceStream.events.length >= 6, 'the sixth event');
    expect(aliceStream.events.map((e) => Number(e.id))).not.toContain(unrelated.body.seq);
    aliceStream.close();
    carolStream.close();
  });

  it('replays what was missed after Last-Event-ID, then continues live', async () => {
    const first = (await send(alice, 'bob')).body.seq as number;
    const missed = [(await send(bob, 'alice')).body.seq, (await send(alice, 'carol')).body.seq, (await send(carol, 'bob')).body.seq];
    const reader = await stream(alice, String(first));
    await reader.until(() => reader.events.length >= 2, 'the replay');
    expect(reader.events.map((e) => Number(e.id))).toEqual([missed[0], missed[1]]);
    const live = (await send(bob, 'alice')).body.seq;
    await reader.until(() => reader.events.length >= 3, 'the live event');
    expect(Number(reader.events[2]!.id)).toBe(live);
    reader.close();
    const fromZero = await stream(carol, '0');
    await fromZero.until(() => fromZero.events.length >= 3, "all of carol's events");
    const ids = fromZero.events.map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    fromZero.close();
  });

  it('serves every member a group message pokes with one read, each from its own cursor, several streams each', async () => {
    const group = randomUUID();
    expect((await call(url, 'POST', '/groups', { token: alice.token, body: { id: group, members: [bob.username, carol.username] } })).status).toBe(201);
    const before = (await send(alice, carol.username)).body.seq as number;
    // carol resumes from before that direct message; bob has two streams; alice one.
    const [a1, b1, b2, c1] = await Promise.all([stream(alice), stream(bob), stream(bob), stream(carol, String(before - 1))]);
    await c1.until(() => c1.events.length >= 1, "carol's replay");
    const posted = await call(url, 'POST', '/messages', { token: alice.token, body: groupOutgoing(group, [bob.username, carol.username].sort()) });
    expect(posted.status).toBe(201);
    const seq = String(posted.body.seq);
    for (const reader of [a1, b1, b2]) await reader.until(() => reader.events.some((e) => e.id === seq), 'the group event');
    await c1.until(() => c1.events.some((e) => e.id === seq), "carol's group event");
    expect(c1.events.map((e) => Number(e.id))).toEqual([before, posted.body.seq]);
    for (const reader of [a1, b1, b2]) expect(reader.events.map((e) => e.id)).toEqual([seq]);
    expect(JSON.parse(b1.events[0]!.data!)).toMatchObject({ group, recipients: [bob.username, carol.username].sort(), sender: alice.username });
    for (const reader of [a1, b1, b2, c1]) reader.close();
  });

  it('sends heartbeat comments', async () => {
    const reader = await stream(bob);
    await reader.until(() => reader.comments.includes('heartbeat'), 'a heartbeat');
    reader.close();
  });

  it('refuses a bad Last-Event-ID and a missing or bad token', async () => {
    const bad = await call(url, 'GET', '/events', { token: alice.token, headers: { 'last-event-id': 'abc' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/Last-Event-ID/);
    expect((await call(url, 'GET', '/events')).status).toBe(401);
    expect((await call(url, 'GET', '/events', { token: 'junk' })).status).toBe(401);
  });

  it('forgets a stream when its client goes away', async () => {
    for (const r of readers) r.close();
    await until(() => server.openStreams() === 0, 'streams to close', 5_000);
    const some = await Promise.all([stream(alice), stream(bob), stream(carol)]);
    await until(() => server.openStreams() === 3, 'three open streams', 5_000);
    for (const r of some) r.close();
    await until(() => server.openStreams() === 0, 'streams to close again', 5_000);
  });

  it("ends a stream once its session is ended elsewhere (signed out from another device), and its token with it", async () => {
    const dora = await register(url, 'dora');
    const other = await call(url, 'POST', '/login', { body: { username: 'dora', authHash: dora.authHash, device: 'Desktop, Linux' } });
    const live = await stream(dora);
    const { body } = await call(url, 'GET', '/sessions', { token: other.body.token as string });
    const first = (body.sessions as Array<{ id: string; current: boolean }>).find((s) => !s.current)!;
    expect((await call(url, 'DELETE', `/sessions/${first.id}`, { token: other.body.token as string })).status).toBe(204);
    await live.until(() => live.ended, 'the stream ended');
    expect(live.comments).toContain('closed: this session was ended');
    expect((await call(url, 'GET', '/events', { token: dora.token })).status).toBe(401);
    // The other device's stream stays.
    const kept = await stream({ ...dora, token: other.body.token as string });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(kept.ended).toBe(false);
    kept.close();
  });

  it('answers HEAD with the headers only, keeping no stream open', async () => {
    const reply = await call(url, 'HEAD', '/events', { token: alice.token });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(server.openStreams()).toBe(0);
  });
});

describe('shutdown', () => {
  it('ends open streams and closes', async () => {
    const other = await startTestServer();
    const user = await register(other.url, 'dave');
    const reader = new SseReader();
    await reader.open(`${other.url}/events`, { authorization: `Bearer ${user.token}` });
    await other.close();
    await reader.done;
    expect(reader.ended).toBe(true);
  });
});
