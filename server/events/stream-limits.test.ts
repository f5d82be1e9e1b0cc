// GET /events under load over real HTTP on 127.0.0.1: the per-user cap (the oldest stream is closed),
// the per-address cap (429 with Retry-After), and the fan-out: one database read per user per committed
// batch however many streams that user holds, while /health keeps answering.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AnyMessageHeader as MessageHeader } from '../../core/protocol/schemas-v2.js';
import { until } from '../../core/test-fixtures/waiting.js';
import { startServer } from '../server.js';
import { call, outgoing, register, SseReader, TEST_KEY_LOG, testConfig, type TestUser } from '../testing/harness.js';
import type { ServerConfig } from '../config.js';
import { InProcessBus, type BusListener, type EventBus } from './bus.js';

// Counts the stream reads per user — alone (messagesAfter) or in a batch of users poked in one tick
// (messagesAfterFor, one read for each of them); the real queries still run.
const reads = vi.hoisted(() => new Map<string, number>());
vi.mock('../messages/query.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../messages/query.js')>();
  return {
    ...original,
    messagesAfter: (...args: Parameters<typeof original.messagesAfter>) => {
      reads.set(args[1], (reads.get(args[1]) ?? 0) + 1);
      return original.messagesAfter(...args);
    },
    messagesAfterFor: (...args: Parameters<typeof original.messagesAfterFor>) => {
      for (const name of args[1]) reads.set(name, (reads.get(name) ?? 0) + 1);
      return original.messagesAfterFor(...args);
    },
  };
});

/** The in-process bus, counting committed batches: the appender announces a batch in one synchronous loop. */
class CountingBus implements EventBus {
  private readonly inner = new InProcessBus();
  batches = 0;
  private inBatch = false;

  publish(header: MessageHeader): void {
    if (!this.inBatch) {
      this.inBatch = true;
      this.batches++;
      setImmediate(() => (this.inBatch = false));
    }
    this.inner.publish(header);
  }

  subscribe(listener: BusListener): () => void {
    return this.inner.subscribe(listener);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(overrides: Partial<ServerConfig>) {
  const bus = new CountingBus();
  const server = await startServer(await testConfig({ sendsPerMinute: 0, ...overrides }), { createBus: async () => bus, keyLog: TEST_KEY_LOG });
  cleanups.push(() => server.close());
  return { server, bus, url: server.url };
}

async function openStream(url: string, user: TestUser): Promise<SseReader> {
  const reader = new SseReader();
  cleanups.push(() => reader.close());
  await reader.open(`${url}/events`, { authorization: `Bearer ${user.token}` });
  return reader;
}

describe('STREAMS_PER_USER', { timeout: 15_000 }, () => {
  it('closes the oldest streams of a user who opens more than the cap, and keeps the others', async () => {
    const { server, url } = await start({});
    const alice = await register(url, 'alice');
    const bob = await register(url, 'bob');
    const bobs = await openStream(url, bob);
    const streams: SseReader[] = [];
    for (let i = 0; i < 12; i++) {
      streams.push(await openStream(url, alice));
      await until(() => streams[i]!.comments.includes('connected'), `stream ${i} to connect`, 10_000);
    }
    await until(() => streams[0]!.ended && streams[1]!.ended, 'the two oldest streams to end', 10_000);
    expect(streams[0]!.comments).toContain('closed: this user opened too many event streams');
    expect(server.openStreams()).toBe(11); // alice's 10 and bob's 1
    expect(streams.slice(2).every((s) => !s.ended && s.status === 200)).toBe(true);
    expect(bobs.ended).toBe(false);

    // The ten left all still deliver.
    const sent = await call(url, 'POST', '/messages', { token: bob.token, body: outgoing('alice') });
    expect(sent.status).toBe(201);
    await until(() => streams.slice(2).every((s) => s.events.length === 1), 'the event on the ten open streams', 10_000);
    expect(streams[0]!.events).toEqual([]);
  });
});

describe('STREAMS_PER_ADDRESS', { timeout: 15_000 }, () => {
  it('answers 429 rate_limited with Retry-After beyond the cap, and takes a stream again once one closes', async () => {
    const { server, url } = await start({ streamsPerAddress: 3 });
    const users = await Promise.all(['ann', 'ben', 'cat', 'dan'].map((name) => register(url, name)));
    const open = [await openStream(url, users[0]!), await openStream(url, users[1]!), await openStream(url, users[2]!)];
    expect(open.map((s) => s.status)).toEqual([200, 200, 200]);
    const refused = await call(url, 'GET', '/events', { token: users[3]!.token });
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('rate_limited');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // The same user is refused too: the address cap is checked before anything is evicted.
    expect((await call(url, 'GET', '/events', { token: users[0]!.token })).status).toBe(429);
    expect(server.openStreams()).toBe(3);
    open[0]!.close();
    await until(() => server.openStreams() === 2, 'the closed stream to be forgotten', 10_000);
    const again = await openStream(url, users[3]!);
    expect(again.status).toBe(200);
  });
});

describe('fan-out', () => {
  it('reads once per user per committed batch for many streams, and /health answers meanwhile', async () => {
    const STREAMS = 40;
    const MESSAGES = 200;
    // 80 streams and 200 concurrent sends from one address: more connections than CONNECTIONS_PER_ADDRESS allows.
    const { bus, url } = await start({ streamsPerUser: 100, streamsPerAddress: 1_000, connectionsPerAddress: 0 });
    const alice = await register(url, 'alice');
    const bob = await register(url, 'bob');
    const carol = await register(url, 'carol');
    const streams = { alice: [] as SseReader[], bob: [] as SseReader[] };
    for (let i = 0; i < STREAMS; i++) {
      streams.alice.push(await openStream(url, alice));
      streams.bob.push(await openStream(url, bob));
    }
    const all = [...streams.alice, ...streams.bob];
    await until(() => all.every((s) => s.comments.includes('connected')), 'every stream to connect', 10_000);
    await new Promise((r) => setTimeout(r, 50));
    reads.clear();
    const batchesBefore = bus.batches;

    const healthTimes: number[] = [];
    let delivering = true;
    const health = (async () => {
      const statuses: number[] = [];
      while (delivering) {
        const t0 = performance.now();
        statuses.push((await call(url, 'GET', '/health')).status);
        healthTimes.push(performance.now() - t0);
      }
      return statuses;
    })();
    const sends = await Promise.all(
      Array.from({ length: MESSAGES }, (_, i) => call(url, 'POST', '/messages', { token: carol.token, body: outgoing(i % 2 ? 'alice' : 'bob') })),
    );
    expect(sends.every((r) => r.status === 201)).toBe(true);
    // In seq order, which is not necessarily the order the requests were made in.
    const seqs = (odd: boolean) => sends.filter((_, i) => Boolean(i % 2) === odd).map((r) => r.body.seq as number).sort((x, y) => x - y).map(String);
    const expected = { alice: seqs(true), bob: seqs(false) };
    await until(() => all.every((s) => s.events.length >= MESSAGES / 2), 'every event on every stream', 30_000);
    delivering = false;
    const statuses = await health;

    for (const name of ['alice', 'bob'] as const) {
      for (const s of streams[name]) expect(s.events.map((e) => e.id)).toEqual(expected[name]);
    }
    const batches = bus.batches - batchesBefore;
    const aliceReads = reads.get('alice') ?? 0;
    const bobReads = reads.get('bob') ?? 0;
    console.log(
      `fan-out: ${MESSAGES} messages in ${batches} batches to ${all.length} streams; reads alice ${aliceReads}, bob ${bobReads}; ` +
        `/health answered ${statuses.length} times, slowest ${Math.max(...healthTimes).toFixed(1)} ms`,
    );
    expect(batches).toBeGreaterThan(0);
    // One read per user per batch at most (a batch committed during a read is covered by one more read).
    expect(aliceReads).toBeGreaterThan(0);
    expect(aliceReads).toBeLessThanOrEqual(batches);
    expect(bobReads).toBeLessThanOrEqual(batches);
    expect(reads.get('carol') ?? 0).toBe(0);
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 200)).toBe(true);
  }, 60_000);
});
