// watchWake: a wake-up and the network's return ask for a reconnection; a network that stays up does not.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { watchWake } from './wake-watch.js';

describe('watchWake', () => {
  afterEach(() => vi.useRealTimers());

  it('reconnects on each wake-up and when the network comes back, not while it stays up', () => {
    vi.useFakeTimers();
    let wake: () => void = () => undefined;
    let online = true;
    const reconnect = vi.fn();
    const stop = watchWake({ onWake: (l) => (wake = l), isOnline: () => online, reconnect, pollMs: 1_000 });
    vi.advanceTimersByTime(5_000);
    expect(reconnect).not.toHaveBeenCalled();
    wake();
    expect(reconnect).toHaveBeenCalledTimes(1);
    online = false;
    vi.advanceTimersByTime(2_000);
    expect(reconnect).toHaveBeenCalledTimes(1);
    online = true;
    vi.advanceTimersByTime(1_000);
    expect(reconnect).toHaveBeenCalledTimes(2);
    stop();
    online = false;
    vi.advanceTimersByTime(1_000);
    online = true;
    vi.advanceTimersByTime(1_000);
    expect(reconnect).toHaveBeenCalledTimes(2);
  });
});
