import { describe, expect, it } from 'vitest';
import { describeError } from './errors.js';

describe('describeError', () => {
  it('spells out the wait of a rate limit, replacing a stale count', () => {
    const info = { code: 'rate_limited' as const, message: 'Too many attempts. Try again in 30 seconds.', retryAfterSeconds: 30 };
    expect(describeError(info)).toBe('Too many attempts. Try again in 30 seconds.');
    expect(describeError(info, 1)).toBe('Too many attempts. Try again in 1 second.');
    expect(describeError(info, 0)).toBe('Too many attempts. Try again in 30 seconds.');
  });

  it('passes other messages through', () => {
    expect(describeError({ code: 'username_taken', message: 'That username is taken.' })).toBe('That username is taken.');
  });
});
