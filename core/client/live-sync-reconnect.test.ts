// LiveSync's reconnection as the window drives it: short waits while visible, the list's long waits while
// hidden, and a try at once when the page becomes visible, the network returns or the person asks.
import { describe, expect, it, vi } from 'vitest';
import { ChatError } from '../api/errors.js';
import { until } from '../test-fixtures/waiting.js';
import { LiveSync, VISIBLE_RECONNECT_CAP_MS, type LiveSyncHooks } from './live-sync.js';

const enc = new TextEncoder();

function refusingServer() {
  const attempts: number[] = [];
  const states: string[] = [];
  const hooks: LiveSyncHooks = {
    openEvents: async () => {
      attempts.push(Date.now());
      throw new ChatError('server_unreachable', 'Cannot reach the server: connection refused (is the server running?).');
    },
    cursor: () => 0,
    catchUp: async () => undefined,
    deliver: async () => undefined,
    onState: (state) => states.push(state),
    onFatal: () => undefined,
  };
  return { hooks, attempts, states };
}

describe('LiveSync reconnection', () => {
  it('waits no more than the visible cap between attempts while the window is visible', async () => {
    vi.useFakeTimers();
    try {
      const server = refusingServer();
      const live = new LiveSync(server.hooks, [1_000, 10_000, 30_000]);
      live.start();
      await vi.advanceTimersByTimeAsync(12_000);
      const gaps = server.attempts.slice(1).map((t, i) => t - server.attempts[i]!);
      expect(gaps.length).toBeGreaterThanOrEqual(5);
      for (const gap of gaps) expect(gap).toBeLessThanOrEqual(VISIBLE_RECONNECT_CAP_MS * 1.2 + 1);
      await live.stop();
    } finally {
      vi.useRealTimers();
    }
  });

  it('walks the long waits while hidden, and tries at once when the window becomes visible', async () => {
    vi.useFakeTimers();
    try {
      const server = refusingServer();
      const live = new LiveSync(server.hooks, [1_000, 30_000]);
      live.setVisible(false);
      live.start();
      await vi.advanceTimersByTimeAsync(5_000);
      // The first attempt, the one after 1 s, then a wait of about 30 s.
      expect(server.attempts).toHaveLength(2);
      live.setVisible(true);
      await vi.advanceTimersByTimeAsync(10);
      expect(server.attempts).toHaveLength(3);
      await live.stop();
    } finally {
      vi.useRealTimers();
    }
  });

  it('cuts a wait short when asked to reconnect now', async () => {
    vi.useFakeTimers();
    try {
      const server = refusingServer();
      const live = new LiveSync(server.hooks, [60_000]);
      live.setVisible(false);
      live.start();
      await vi.advanceTimersByTimeAsync(100);
      expect(server.attempts).toHaveLength(1);
      expect(server.states.at(-1)).toBe('offline');
      live.reconnectNow();
      await vi.advanceTimersByTimeAsync(10);
      expect(server.attempts).toHaveLength(2);
      await live.stop();
    } finally {
      vi.useRealTimers();
    }
  });

  it('replaces a stream silent past the heartbeat when asked, and keeps a lively one', async () => {
    let opened = 0;
    let now = 1_000_000;
    const spy = vi.spyOn(Date, 'now').mockImplementation(() => now);
    try {
      const live = new LiveSync(
        {
          openEvents: async (_last, signal) => {
            opened++;
            return (async function* () {
              yield enc.encode(': heartbeat\n');
              await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
            })();
          },
          cursor: () => 0,
          catchUp: async () => undefined,
          deliver: async () => undefined,
          onState: () => undefined,
          onFatal: () => undefined,
        },
        [60_000],
      );
      live.start();
      await until(() => opened === 1, 'the first stream');
      await new Promise((r) => setTimeout(r, 20));
      live.reconnectNow();
      await new Promise((r) => setTimeout(r, 50));
      expect(opened).toBe(1);
      // The computer slept for an hour: the stream's last byte is that old.
      now += 3_600_000;
      live.reconnectNow();
      await until(() => opened === 2, 'a new stream at once, without the 60 s wait');
      await live.stop();
    } finally {
      spy.mockRestore();
    }
  });
});
