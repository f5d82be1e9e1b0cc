// Every ChatApi method rejects with a ChatError (core/api/errors.ts, which also turns anything else into
// one); this words it for the place it is shown.
import type { ChatErrorInfo } from '../../../core/api/chat-api.js';

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
