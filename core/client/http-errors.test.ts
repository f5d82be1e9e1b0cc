// http-errors on its own: the sentence and code for each failed answer, and for each way no answer came.
import type { AxiosResponse } from 'axios';
import { describe, expect, it } from 'vitest';
import { ChatError } from '../api/errors.js';
import { errorFromResponse, errorFromTransport, isTransient } from './http-errors.js';

const answer = (status: number, data: unknown = null, headers: Record<string, string> = {}) => ({ status, data, headers }) as AxiosResponse;

describe('http-errors', () => {
  it('maps statuses, reading only a short, clean message from the server', () => {
    expect(errorFromResponse(answer(401), 'x').info.code).toBe('unauthorized');
    expect(errorFromResponse(answer(403, { error: { code: 'forbidden', message: 'no\u0007 way' } }), 'x').info.message).toBe('no  way');
    expect(errorFromResponse(answer(404), 'GET /x').info.message).toBe('Not found (GET /x).');
    expect(errorFromResponse(answer(413, { error: { code: 'quota_exceeded', message: 'full' } }), 'x').info.code).toBe('quota_exceeded');
    expect(errorFromResponse(answer(429, null, { 'retry-after': '7' }), 'x').info).toMatchObject({ code: 'rate_limited', retryAfterSeconds: 7 });
    expect(errorFromResponse(answer(502), 'x').info.code).toBe('server_error');
    expect(errorFromResponse(answer(302), 'x').info.code).toBe('protocol_violation');
  });

  it('tells certificate problems apart from an unreachable server', () => {
    const tls = Object.assign(new Error('self signed'), { cause: { code: 'SELF_SIGNED_CERT_IN_CHAIN' } });
    expect(errorFromTransport(tls, 'https://chat.example').info.code).toBe('bad_certificate');
    expect(errorFromTransport(new Error('?'), 'https://chat.example').info.message).toBe('Cannot reach the server at https://chat.example: no answer.');
  });

  it('mentions a certificate for a browser network error only over https', () => {
    const browserFailure = () => Object.assign(new Error('Network Error'), { isAxiosError: true, code: 'ERR_NETWORK' });
    expect(errorFromTransport(browserFailure(), 'https://chat.example').info.message).toContain('certificate');
    const plain = errorFromTransport(browserFailure(), 'http://127.0.0.1:8080').info;
    expect(plain).toEqual({ code: 'server_unreachable', message: 'Cannot reach the server at http://127.0.0.1:8080: network error.' });
  });

  it('counts only network failures and 5xx as worth retrying', () => {
    expect(isTransient(new ChatError('server_error', 'x'))).toBe(true);
    expect(isTransient(new ChatError('server_unreachable', 'x'))).toBe(true);
    expect(isTransient(new ChatError('invalid_input', 'x'))).toBe(false);
    expect(isTransient(new Error('x'))).toBe(false);
  });
});
