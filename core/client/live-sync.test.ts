// LiveSync on its own, with a fake server: the bound on held events and the reconnection backoff.
import { describe, expect, it } from 'vitest';
import { toChatErrorInfo } from '../api/errors.js';
import { LiveSync, MAX_HELD_EVENTS, type LiveSyncHooks } from './live-sync.js';
import { MAX_SSE_EVENT_CHARS, SseParser } from './sse-parser.js';

const enc = new TextEncoder();
const header = (seq: number) => ({
  id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
  sender: 'bob_1',
  recipient: 'alice_1',
  timestamp: '2026-12-01T10:00:00.000Z',
  seq,
});

function waitAbort(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve())));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function hooks(over: Partial<LiveSyncHooks>): LiveSyncHooks {
  return {
    openEvents: async () => (async function* () {})(),
    cursor: () => 0,
    catchUp: async () => undefined,
    deliver: async () => undefined,
    onState: () => undefined,
    onFatal: () => undefined,
    ...over,
  };
}

describe('LiveSync', () => {
  it('holds at most MAX_HELD_EVENTS during a stalled catch-up, then catches up again instead', async () => {
    let release!: () => void;
    const stalled = new Promise<void>((r) => (release = r));
    let catchUps = 0;
    let delivered = 0;
    const flood = Array.from({ length: 5_000 }, (_, i) => `id: ${i + 1}\nevent: message\ndata: ${JSON.stringify(header(i + 1))}\n\n`).join('');
    const live = new LiveSync(
      hooks({
        openEvents: async (_id, signal) =>
          (async function* () {
            yield enc.encode(flood);
            await waitAbort(signal);
          })(),
        catchUp: async () => {
          catchUps++;
          if (catchUps === 1) await stalled;
        },
        deliver: async () => {
          delivered++;
        },
      }),
      [10],
    );
    live.start();
    await sleep(100);
    release();
    for (let i = 0; i < 50 && catchUps < 2; i++) await sleep(20);
    await sleep(50);
    await live.stop();
    expect(catchUps).toBe(2);
    expect(delivered).toBeLessThanOrEqual(MAX_HELD_EVENTS);
  });

  it('backs off on a stream of garbage instead of reconnecting at the first delay forever', async () => {
    let connections = 0;
    const live = new LiveSync(
      hooks({
        openEvents: async () => {
          connections++;
          return (async function* () {
            yield enc.encode('event: message\ndata: not json at all\n\n');
          })();
        },
      }),
      [10, 100, 1_000],
    );
    live.start();
    await sleep(600);
    await live.stop();
    expect(connections).toBeGreaterThanOrEqual(2);
    expect(connections).toBeLessThanOrEqual(4);
  });

  it('starts the backoff over after a heartbeat on a caught-up stream', async () => {
    let connections = 0;
    const live = new LiveSync(
      hooks({
        openEvents: async () => {
          connections++;
          return (async function* () {
            await sleep(5);
            yield enc.encode(': heartbeat\n');
          })();
        },
      }),
      [10, 1_000],
    );
    live.start();
    await sleep(300);
    await live.stop();
    expect(connections).toBeGreaterThan(5);
  });
});

describe('SseParser bound', () => {
  it('refuses a stream that never sends a newline, as a protocol violation', () => {
    const parser = new SseParser();
    const chunk = 'x'.repeat(64 * 1024);
    let error: unknown = null;
    try {
      for (let sent = 0; sent <= MAX_SSE_EVENT_CHARS + chunk.length; sent += chunk.length) parser.push(chunk);
    } catch (e) {
      error = e;
    }
    expect(error).not.toBeNull();
    expect(toChatErrorInfo(error).code).toBe('protocol_violation');
  });
});

describe('BoundedMap and BoundedSet', () => {
  it('drop the oldest entries past their limit', async () => {
    const { BoundedMap, BoundedSet } = await import('./bounded.js');
    const map = new BoundedMap<number, number>(3);
    const set = new BoundedSet<number>(3);
    for (let i = 0; i < 10; i++) {
      map.set(i, i);
      set.add(i);
    }
    map.set(7, 70); // refreshing moves it last
    map.set(10, 10);
    expect([...map.keys()]).toEqual([9, 7, 10]);
    expect([...set]).toEqual([7, 8, 9]);
  });
});
