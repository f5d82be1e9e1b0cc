import { describe, expect, it } from 'vitest';
import { computeOffsets, rowAt, visibleRange, withOverscan } from './virtual-layout.js';

describe('virtual layout', () => {
  const keys = Array.from({ length: 10_000 }, (_, i) => `k${i}`);

  it('uses measured heights where known and the estimate elsewhere', () => {
    const offsets = computeOffsets(['a', 'b', 'c'], new Map([['b', 100]]), () => 20);
    expect([...offsets]).toEqual([0, 20, 120, 140]);
  });

  it('finds the rows that intersect the viewport among 10,000', () => {
    const offsets = computeOffsets(keys, new Map(), () => 50);
    expect(rowAt(offsets, 0)).toBe(0);
    expect(rowAt(offsets, 49.9)).toBe(0);
    expect(rowAt(offsets, 50)).toBe(1);
    expect(rowAt(offsets, 10_000_000)).toBe(9_999);
    expect(visibleRange(offsets, 250_000, 600)).toEqual({ start: 5000, end: 5012 });
    expect(visibleRange(offsets, 499_400, 600)).toEqual({ start: 9988, end: 10_000 });
  });

  it('renders nothing for an empty list or a viewport without height', () => {
    expect(visibleRange(computeOffsets([], new Map(), () => 50), 0, 600)).toEqual({ start: 0, end: 0 });
    expect(visibleRange(computeOffsets(keys, new Map(), () => 50), 0, 0)).toEqual({ start: 0, end: 0 });
  });

  it('adds overscan within the list bounds', () => {
    expect(withOverscan({ start: 2, end: 10 }, 4, 12)).toEqual({ start: 0, end: 12 });
    expect(withOverscan({ start: 20, end: 30 }, 4, 100)).toEqual({ start: 16, end: 34 });
  });
});
