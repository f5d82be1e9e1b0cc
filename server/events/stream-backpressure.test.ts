// Backpressure on GET /events: a client that never reads must not make the server buffer for it without
// end. The responses here are Writables whose sink never (or always) accepts bytes, so Node's own
// writableLength grows exactly as it does for a socket whose peer keeps its window shut once the kernel's
// buffers are full (which over loopback takes megabytes; see docs/scaling.md). The stored messages are
// replaced by synthetic headers of the real size; everything else is the real EventStreams.
import { Writable } from 'node:stream';
import type { Request, Response } from 'express';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AnyMessageHeader } from '../../core/protocol/schemas-v2.js';
import { until } from '../../core/test-fixtures/waiting.js';
import type { Database } from '../db/database.js';
import { InProcessBus } from './bus.js';
import { EventStreams } from './streams.js';

const stored = vi.hoisted(() => ({ headers: [] as unknown[] }));
vi.mock('../messages/query.js', () => ({
  latestSeq: () => Promise.resolve(0),
  messagesAfter: (_db: unknown, _user: string, cursor: number, limit: number) =>
    Promise.resolve((stored.headers as AnyMessageHeader[]).filter((h) => h.seq > cursor).slice(0, limit)),
  messagesAfterFor: (_db: unknown, users: string[], cursor: number, limit: number) =>
    Promise.resolve(
      users.flatMap((reader) => (stored.headers as AnyMessageHeader[]).filter((h) => h.seq > cursor).map((header) => ({ reader, header }))).slice(0, limit),
    ),
}));
vi.mock('../auth/sessions.js', () => ({ liveSessions: (_db: unknown, ids: string[]) => Promise.resolve(ids.map((id) => ({ id, generation: 0 }))) }));

/** An SSE response over a sink that accepts everything (`reads`) or nothing, ever. */
class FakeResponse extends Writable {
  readonly locals = { username: 'alice', session: { id: `s-${Math.random()}`, generation: 0 } };
  events = 0;
  most = 0;

  constructor(private readonly reads: boolean) {
    super({ highWaterMark: 16 * 1024 });
  }

  writeHead(): this {
    return this;
  }

  override write(chunk: string): boolean {
    const ok = super.write(chunk);
    this.most = Math.max(this.most, this.writableLength);
    return ok;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    if (!this.reads) return; // never calls back: everything after the first chunk waits in Node's buffer
    this.events += chunk.toString().split('event: message').length - 1;
    callback();
  }
}

const request = { headers: {}, method: 'GET', ip: '127.0.0.1', socket: {} } as unknown as Request;

function header(seq: number): AnyMessageHeader {
  // The size of a real event's header (about 150 bytes of JSON); the exact fields do not matter here.
  return { seq, id: crypto.randomUUID(), sender: 'bob', recipient: 'alice', sentAt: 1_796_000_000_000 + seq, format: 1 } as unknown as AnyMessageHeader;
}

const open: EventStreams[] = [];
afterEach(() => {
  for (const streams of open.splice(0)) streams.endAll();
  stored.headers = [];
});

describe('a stream whose client never reads', () => {
  it('is cut once more than its buffer limit waits unsent, while a stream that reads gets every event', async () => {
    const LIMIT = 64 * 1024;
    const bus = new InProcessBus();
    const streams = new EventStreams({} as Database, bus, 60_000, { perUser: 10, perAddress: 50, maxBufferedBytes: LIMIT });
    open.push(streams);
    const stalled = new FakeResponse(false);
    const reading = new FakeResponse(true);
    await streams.handle(request, stalled as unknown as Response);
    await streams.handle(request, reading as unknown as Response);
    expect(streams.count).toBe(2);

    // Batches of 100 committed messages, as the appender announces them, until the stalled stream is cut.
    let seq = 0;
    while (streams.count === 2 && seq < 20_000) {
      for (let i = 0; i < 100; i++) {
        const next = header(++seq);
        stored.headers.push(next);
        bus.publish(next);
      }
      await until(() => reading.events === seq, 'the batch on the reading stream', 5_000);
    }
    await until(() => streams.count === 1, 'the stalled stream to be cut', 5_000);
    expect(stalled.destroyed).toBe(true);
    // Bounded: at most the limit plus the one read's worth of events written before the check.
    const oneRead = 100 * 250;
    expect(stalled.most).toBeGreaterThan(LIMIT);
    expect(stalled.most).toBeLessThanOrEqual(LIMIT + oneRead);
    expect(seq).toBeLessThan(20_000);

    // The reading stream was not touched and has every event.
    expect(reading.events).toBe(seq);
    expect(reading.destroyed).toBe(false);
    expect(streams.count).toBe(1);
  });

  it('is cut at a heartbeat too, when its buffer is over the limit without a new event', async () => {
    const bus = new InProcessBus();
    const streams = new EventStreams({} as Database, bus, 50, { perUser: 10, perAddress: 50, maxBufferedBytes: 1024 });
    open.push(streams);
    const stalled = new FakeResponse(false);
    await streams.handle(request, stalled as unknown as Response);
    // Heartbeats alone (15 bytes every 50 ms) pile up behind the sink that never accepts.
    await until(() => streams.count === 0, 'the stalled stream to be cut by a heartbeat', 10_000);
    expect(stalled.destroyed).toBe(true);
    expect(stalled.most).toBeLessThanOrEqual(1024 + 64);
  });
});
