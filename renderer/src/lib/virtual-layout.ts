// Geometry of a virtual list with rows of varying height: rows not measured yet count at an estimate,
// measured ones at their real height. Only the rows that intersect the viewport (plus a little overscan)
// are put in the DOM.

export interface Range {
  /** First row index in the range. */
  start: number;
  /** One past the last row index. */
  end: number;
}

/** offsets[i] is the top of row i; offsets[n] is the total height. */
export function computeOffsets(
  keys: readonly string[],
  measured: ReadonlyMap<string, number>,
  estimate: (index: number) => number,
): Float64Array {
  const offsets = new Float64Array(keys.length + 1);
  for (let i = 0; i < keys.length; i++) {
    offsets[i + 1] = offsets[i]! + (measured.get(keys[i]!) ?? estimate(i));
  }
  return offsets;
}

/** Index of the row that contains `y` (clamped to the list). */
export function rowAt(offsets: Float64Array, y: number): number {
  const n = offsets.length - 1;
  if (n <= 0) return 0;
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (offsets[mid]! <= y) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Rows that intersect [scrollTop, scrollTop + height). */
export function visibleRange(offsets: Float64Array, scrollTop: number, height: number): Range {
  const n = offsets.length - 1;
  if (n <= 0 || height <= 0) return { start: 0, end: 0 };
  const start = rowAt(offsets, Math.max(0, scrollTop));
  let end = start;
  const bottom = scrollTop + height;
  while (end < n && offsets[end]! < bottom) end++;
  return { start, end: Math.max(end, start + 1) };
}

export function withOverscan(range: Range, overscan: number, count: number): Range {
  return { start: Math.max(0, range.start - overscan), end: Math.min(count, range.end + overscan) };
}
