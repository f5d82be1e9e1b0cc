import { describe, expect, it } from 'vitest';
import { dayKey, dayLabel, timeLabel } from './time.js';

describe('day labels', () => {
  const now = new Date(2026, 10, 25, 15, 0);

  it('names today and yesterday, then weekdays, then dates', () => {
    expect(dayLabel(new Date(2026, 10, 25, 0, 5).toISOString(), now)).toBe('Today');
    expect(dayLabel(new Date(2026, 10, 24, 23, 55).toISOString(), now)).toBe('Yesterday');
    expect(dayLabel(new Date(2026, 10, 21, 12, 0).toISOString(), now)).toMatch(/Saturday|samedi|Samstag|\p{L}+/u);
    expect(dayLabel(new Date(2026, 0, 2, 12, 0).toISOString(), now)).toMatch(/2026/);
  });

  it('keys a time by its local calendar day', () => {
    expect(dayKey(new Date(2026, 10, 25, 23, 59).toISOString())).toBe('2026-11-25');
  });
});

describe('times of day', () => {
  it('shows hours without a leading zero in a 12-hour locale', () => {
    const morning = new Date(2026, 10, 25, 9, 5).toISOString();
    expect(timeLabel(morning, 'en-US')).toMatch(/^9:05\s?AM$/);
    expect(timeLabel(new Date(2026, 10, 25, 21, 40).toISOString(), 'en-US')).toMatch(/^9:40\s?PM$/);
  });

  it('keeps the 24-hour form of locales that write one', () => {
    expect(timeLabel(new Date(2026, 10, 25, 21, 40).toISOString(), 'de-DE')).toBe('21:40');
  });
});
