// backoff.ts on its own: which delay comes after how many failures, and how far jitter moves it.
import { describe, expect, it } from 'vitest';
import { backoffDelay, reconnectDelay, withJitter } from './backoff.js';

describe('backoffDelay', () => {
  it('walks the list, then repeats the last delay when asked to', () => {
    const delays = [100, 250, 500];
    expect([0, 1, 2, 3, 10].map((n) => backoffDelay(delays, n, 'repeat'))).toEqual([100, 250, 500, 500, 500]);
  });

  it('gives up past the end of the list when asked to', () => {
    const delays = [10, 20];
    expect([0, 1, 2, 5].map((n) => backoffDelay(delays, n, 'give_up'))).toEqual([10, 20, undefined, undefined]);
  });

  it('has no delay to offer from an empty list', () => {
    expect(backoffDelay([], 0, 'repeat')).toBeUndefined();
    expect(backoffDelay([], 0, 'give_up')).toBeUndefined();
  });
});

describe('withJitter', () => {
  it('stays within the spread around the delay', () => {
    expect(withJitter(1_000, 0.2, () => 0)).toBeCloseTo(800);
    expect(withJitter(1_000, 0.2, () => 0.5)).toBeCloseTo(1_000);
    expect(withJitter(1_000, 0.2, () => 0.999_999)).toBeCloseTo(1_200, 2);
    for (let i = 0; i < 100; i++) {
      const ms = withJitter(500, 0.2);
      expect(ms).toBeGreaterThanOrEqual(400);
      expect(ms).toBeLessThan(600);
    }
  });
});

describe('reconnectDelay', () => {
  const delays = [1_000, 2_000, 5_000, 10_000, 30_000];

  it('caps every wait while the window is visible', () => {
    expect([0, 1, 2, 3, 4, 9].map((n) => reconnectDelay(delays, n, true, 2_500))).toEqual([1_000, 2_000, 2_500, 2_500, 2_500, 2_500]);
  });

  it('walks the whole list while it is hidden', () => {
    expect([0, 1, 2, 3, 4, 9].map((n) => reconnectDelay(delays, n, false, 2_500))).toEqual([1_000, 2_000, 5_000, 10_000, 30_000, 30_000]);
  });

  it('has no delay to offer from an empty list', () => {
    expect(reconnectDelay([], 3, true, 2_500)).toBeUndefined();
  });
});
