import { describe, expect, it } from 'vitest';
import { describeError, errorInfo } from './errors.js';

describe('errorInfo', () => {
  it('takes the ChatErrorInfo an API error carries', () => {
    const error = Object.assign(new Error('x'), { info: { code: 'wrong_password', message: 'Wrong username or password.' } });
    expect(errorInfo(error)).toEqual({ code: 'wrong_password', message: 'Wrong username or password.' });
  });

  it("keeps the core's key_changed refusal in its own words", () => {
    const message = "bob's key on the server has changed since you first used it.";
    const error = Object.assign(new Error('x'), { info: { code: 'key_changed', message } });
    expect(errorInfo(error)).toEqual({ code: 'key_changed', message });
  });

  it('turns anything else into a sentence', () => {
    expect(errorInfo(new TypeError('Failed to fetch'))).toEqual({
      code: 'server_error',
      message: 'Something went wrong (Failed to fetch). Please try again.',
    });
    expect(errorInfo({ info: { code: 'nonsense', message: 1 } }).code).toBe('server_error');
  });
});

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
