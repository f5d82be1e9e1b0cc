// Every ChatApi method rejects with an Error whose `info` is a ChatErrorInfo; this turns whatever arrived
// into words for a person, so no screen ever shows "[object Object]" or a stack.
import type { ChatErrorCode, ChatErrorInfo } from '../api/chat-api.js';

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
};
const CODES: ReadonlySet<string> = new Set(Object.keys(KNOWN_CODES));

function isInfo(value: unknown): value is ChatErrorInfo {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === 'string' && CODES.has(v.code) && typeof v.message === 'string';
}

export function errorInfo(error: unknown): ChatErrorInfo {
  if (typeof error === 'object' && error !== null && 'info' in error && isInfo((error as { info: unknown }).info)) {
    return (error as { info: ChatErrorInfo }).info;
  }
  if (isInfo(error)) return error;
  const detail = error instanceof Error && error.message ? ` (${error.message})` : '';
  return { code: 'server_error', message: `Something went wrong${detail}. Please try again.` };
}

/** The sentence shown in place, with the wait spelled out when the server asked for one. */
export function describeError(info: ChatErrorInfo, secondsLeft?: number): string {
  if (info.code !== 'rate_limited') return info.message;
  const wait = secondsLeft ?? info.retryAfterSeconds;
  if (wait === undefined || wait <= 0) return info.message;
  const unit = wait === 1 ? 'second' : 'seconds';
  // The message may already name the wait as it was when the error happened; show the live count instead.
  const base = info.message.replace(/\s*(You can )?try again in \d+ seconds?\.?\s*$/i, '').replace(/\s+$/, '');
  return `${base} Try again in ${wait} ${unit}.`;
}
