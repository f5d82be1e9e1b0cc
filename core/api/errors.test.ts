import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { carriedErrorInfo, ChatError, toChatError, toChatErrorInfo, UNEXPECTED_ERROR } from './errors.js';

describe('toChatErrorInfo', () => {
  it('keeps a ChatError as it is, with retryAfterSeconds', () => {
    const error = new ChatError('rate_limited', 'Too many attempts.', { retryAfterSeconds: 30 });
    expect(toChatErrorInfo(error)).toEqual({ code: 'rate_limited', message: 'Too many attempts.', retryAfterSeconds: 30 });
    expect(toChatError(error)).toBe(error);
  });

  it('keeps only the plain fields of an info carried by another object', () => {
    expect(toChatErrorInfo({ info: { code: 'not_found', message: 'No such user.', stack: 'x' } })).toEqual({ code: 'not_found', message: 'No such user.' });
    expect(toChatErrorInfo({ code: 'tampered', message: 'Altered.', path: '/secret' })).toEqual({ code: 'tampered', message: 'Altered.' });
    expect(toChatErrorInfo({ info: { code: 'locked', message: 'x', retryAfterSeconds: Number.NaN } })).toEqual({ code: 'locked', message: 'x' });
  });

  it('does not take an unknown code for one of ours', () => {
    expect(carriedErrorInfo({ info: { code: 'made_up', message: 'x' } })).toBeNull();
    expect(toChatErrorInfo({ info: { code: 'made_up', message: 'x' } })).toEqual(UNEXPECTED_ERROR);
  });

  it('hides the details of a bug behind one sentence', () => {
    const info = toChatErrorInfo(new Error('ENOENT /home/alice/.config/secret-path'));
    expect(info).toEqual(UNEXPECTED_ERROR);
    expect(toChatErrorInfo('boom')).toEqual(UNEXPECTED_ERROR);
    expect(toChatErrorInfo(undefined)).toEqual(UNEXPECTED_ERROR);
  });

  it('words a failed validation as invalid input', () => {
    const result = z.strictObject({ peer: z.string() }).safeParse({ peer: 1 });
    expect(result.success).toBe(false);
    if (!result.success) expect(toChatErrorInfo(result.error)).toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/^Invalid input: peer:/) });
  });

  it('rebuilds a ChatError from an info, as it arrives over a boundary', () => {
    const error = toChatError({ code: 'forbidden', message: 'No.', retryAfterSeconds: 4 });
    expect(error).toBeInstanceOf(ChatError);
    expect(error.message).toBe('No.');
    expect(error.info).toEqual({ code: 'forbidden', message: 'No.', retryAfterSeconds: 4 });
  });
});
