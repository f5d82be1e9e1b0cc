import { describe, expect, it } from 'vitest';
import { ChatError, toChatErrorInfo } from '../api/errors.js';
import { safeServerUrl } from './transport-safety.js';
import { sendRequestSchema } from '../api/schemas.js';

function codeOf(run: () => unknown): string | null {
  try {
    run();
    return null;
  } catch (error) {
    return toChatErrorInfo(error).code;
  }
}

describe('safeServerUrl', () => {
  it.each(['https://chat.example.org', 'https://chat.example.org:8443/base/', 'http://localhost:8080', 'http://127.0.0.1:3000', 'http://127.9.8.7', 'http://[::1]:8080'])(
    'accepts %s',
    (url) => {
      expect(safeServerUrl(url)).not.toMatch(/\/$/);
    },
  );

  it.each(['http://chat.example.org', 'http://10.0.0.5:8080', 'http://192.168.1.2', 'http://[fe80::1]', 'http://128.0.0.1'])('refuses plain http to %s', (url) => {
    expect(codeOf(() => safeServerUrl(url))).toBe('insecure_transport');
  });

  it.each(['ftp://example.org', 'not a url', 'https://user:pw@example.org', 'https://example.org/?q=1'])('rejects %s as invalid input', (url) => {
    expect(codeOf(() => safeServerUrl(url))).toBe('invalid_input');
  });

  it('normalizes the address', () => {
    expect(safeServerUrl(' https://Chat.Example.org/chat/ ')).toBe('https://chat.example.org/chat');
  });
});

describe('errors', () => {
  it('turns a schema failure into invalid_input naming the field', () => {
    const result = sendRequestSchema.safeParse({ conversation: 'Bob', text: 'hi', id: 'nope' });
    expect(result.success).toBe(false);
    const info = toChatErrorInfo(result.error);
    expect(info.code).toBe('invalid_input');
    expect(info.message).toContain('id');
  });

  it('keeps a ChatError as is and hides other errors behind a sentence', () => {
    expect(toChatErrorInfo(new ChatError('rate_limited', 'Too many attempts. Try again in 42 seconds.', { retryAfterSeconds: 42 }))).toEqual({
      code: 'rate_limited',
      message: 'Too many attempts. Try again in 42 seconds.',
      retryAfterSeconds: 42,
    });
    const info = toChatErrorInfo(new TypeError('boom'));
    expect(info.message).not.toContain('at ');
  });

  it('lowercases and trims a typed username', () => {
    expect(sendRequestSchema.parse({ conversation: ' Bob ', text: 'hi', id: '3f1c2a9e-7b4d-4e2a-9c1f-5d6e7f8a9b0c' }).conversation).toBe('bob');
  });
});
