// The one error that crosses every boundary: a ChatError carrying a plain ChatErrorInfo (code + sentence for
// a person). Whatever is thrown anywhere becomes one through toChatErrorInfo, and nothing else: the CLI
// prints it, the IPC and worker envelopes carry it, the window shows it.
import type { z } from 'zod';
import { describeIssues } from '../protocol/describe-issues.js';
import type { ChatErrorCode, ChatErrorInfo } from './view.js';

// A record, not a list, so that a code added to ChatErrorCode fails to compile until it is listed here.
const KNOWN_CODES: Record<ChatErrorCode, true> = {
  wrong_password: true,
  username_taken: true,
  weak_password: true,
  invalid_input: true,
  not_found: true,
  unauthorized: true,
  forbidden: true,
  rate_limited: true,
  server_unreachable: true,
  bad_certificate: true,
  insecure_transport: true,
  server_error: true,
  protocol_violation: true,
  tampered: true,
  key_changed: true,
  locked: true,
  keychain_unavailable: true,
  quota_exceeded: true,
  gone: true,
  held: true,
  cancelled: true,
  file_failed: true,
  too_large: true,
};

/** The sentence for a bug of this app: no internal detail (paths, stack, a secret in a message) goes out. */
export const UNEXPECTED_ERROR: ChatErrorInfo = {
  code: 'server_error',
  message: 'Something went wrong inside the app. Try again; restart it if this keeps happening.',
};

export class ChatError extends Error {
  readonly info: ChatErrorInfo;

  constructor(code: ChatErrorCode, message: string, extra: { retryAfterSeconds?: number } = {}) {
    super(message);
    this.name = 'ChatError';
    this.info = { code, message, ...extra };
  }

  static from(info: ChatErrorInfo): ChatError {
    return new ChatError(info.code, info.message, info.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: info.retryAfterSeconds });
  }
}

export function isChatErrorInfo(value: unknown): value is ChatErrorInfo {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === 'string' && Object.hasOwn(KNOWN_CODES, v.code) && typeof v.message === 'string';
}

/** Only the fields of a ChatErrorInfo, so nothing else that rode on an error object crosses a boundary. */
function pick(info: ChatErrorInfo): ChatErrorInfo {
  const out: ChatErrorInfo = { code: info.code, message: info.message };
  if (typeof info.retryAfterSeconds === 'number' && Number.isFinite(info.retryAfterSeconds)) out.retryAfterSeconds = info.retryAfterSeconds;
  return out;
}

/** The ChatErrorInfo an error carries (as `info`, or being one), or null when it is not one of ours. */
export function carriedErrorInfo(error: unknown): ChatErrorInfo | null {
  if (error instanceof ChatError) return pick(error.info);
  if (typeof error === 'object' && error !== null && 'info' in error && isChatErrorInfo((error as { info: unknown }).info)) {
    return pick((error as { info: ChatErrorInfo }).info);
  }
  if (isChatErrorInfo(error)) return pick(error);
  return null;
}

/** Any thrown value as ChatErrorInfo; a bug (not a ChatError) becomes UNEXPECTED_ERROR. */
export function toChatErrorInfo(error: unknown): ChatErrorInfo {
  const carried = carriedErrorInfo(error);
  if (carried) return carried;
  if (isZodError(error)) return { code: 'invalid_input', message: `Invalid input: ${describeIssues(error)}.` };
  return UNEXPECTED_ERROR;
}

// By shape, not by class: the window reports errors without bundling zod.
function isZodError(error: unknown): error is z.ZodError {
  return error instanceof Error && error.name === 'ZodError' && Array.isArray((error as { issues?: unknown }).issues);
}

export function toChatError(error: unknown): ChatError {
  return error instanceof ChatError ? error : ChatError.from(toChatErrorInfo(error));
}

export function rateLimitedMessage(seconds: number | undefined): string {
  if (seconds === undefined) return 'Too many attempts. Try again later.';
  return `Too many attempts. Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`;
}

export const wrongPassword = () => new ChatError('wrong_password', 'Wrong username or password.');
export const notSignedIn = () => new ChatError('locked', 'Sign in first.');
