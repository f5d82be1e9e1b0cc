// Core side: every failure a person can hit, as a ChatError carrying a plain ChatErrorInfo (code + sentence).
import { ZodError } from 'zod';
import { describeIssues } from '../protocol/schemas.js';
import type { ChatErrorCode, ChatErrorInfo } from './view.js';

export class ChatError extends Error {
  readonly info: ChatErrorInfo;

  constructor(code: ChatErrorCode, message: string, extra: { retryAfterSeconds?: number } = {}) {
    super(message);
    this.name = 'ChatError';
    this.info = { code, message, ...extra };
  }
}

export function isChatErrorInfo(value: unknown): value is ChatErrorInfo {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === 'string' && typeof v.message === 'string';
}

/** Any thrown value as ChatErrorInfo, without stack traces or internals. */
export function toChatErrorInfo(error: unknown): ChatErrorInfo {
  if (error instanceof ChatError) return error.info;
  if (error instanceof ZodError) return { code: 'invalid_input', message: `Invalid input: ${describeIssues(error)}.` };
  if (typeof error === 'object' && error !== null && 'info' in error && isChatErrorInfo((error as { info: unknown }).info)) {
    return (error as { info: ChatErrorInfo }).info;
  }
  const detail = error instanceof Error ? error.message : String(error);
  return { code: 'server_error', message: `Something went wrong: ${detail.slice(0, 200)}` };
}

export function toChatError(error: unknown): ChatError {
  if (error instanceof ChatError) return error;
  const info = toChatErrorInfo(error);
  return new ChatError(info.code, info.message, info.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: info.retryAfterSeconds });
}

export function rateLimitedMessage(seconds: number | undefined): string {
  if (seconds === undefined) return 'Too many attempts. Try again later.';
  return `Too many attempts. Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`;
}

export const wrongPassword = () => new ChatError('wrong_password', 'Wrong username or password.');
export const notSignedIn = () => new ChatError('locked', 'Sign in first.');
