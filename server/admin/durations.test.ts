// The admin tool's durations: d, h and m (minutes), whole and positive, within a bound; and back again.
import { describe, expect, it } from 'vitest';
import { AdminError } from './admin-errors.js';
import { formatDuration, parseDuration } from './durations.js';

describe('parseDuration', () => {
  it('reads days, hours and minutes', () => {
    expect(parseDuration('365d', 'x')).toBe(365 * 86_400_000);
    expect(parseDuration('12h', 'x')).toBe(12 * 3_600_000);
    expect(parseDuration('90m', 'x')).toBe(90 * 60_000);
    expect(parseDuration('1m', 'x')).toBe(60_000);
  });

  it('refuses anything else, naming the option', () => {
    for (const text of ['', '0d', '01d', '7', 'd', '1.5d', '-1d', '1w', '1y', '1s', '7 d', ' 7d', '7D', '12345678901d']) {
      expect(() => parseDuration(text, '--older-than'), JSON.stringify(text)).toThrow(AdminError);
    }
    expect(() => parseDuration('1w', '--expires')).toThrow('--expires must be a whole number with d (days), h (hours) or m (minutes), e.g. 365d, 12h or 90m; got "1w"');
    expect(() => parseDuration('366d', '--expires', 365 * 86_400_000)).toThrow('--expires must be at most 365d; got 366d');
    expect(parseDuration('8760h', '--expires', 365 * 86_400_000)).toBe(365 * 86_400_000);
  });
});

describe('formatDuration', () => {
  it('writes the largest unit that divides, which parseDuration reads back', () => {
    for (const [ms, text] of [
      [7 * 86_400_000, '7d'],
      [36 * 3_600_000, '36h'],
      [90 * 60_000, '90m'],
      [86_400_000 + 60_000, '1441m'],
    ] as const) {
      expect(formatDuration(ms)).toBe(text);
      expect(parseDuration(text, 'x')).toBe(ms);
    }
  });
});
