// The serving side of a boundary (the desktop main process, the page's worker, the page's own methods):
// a call is checked against its method's schema before anything runs, and answered with an envelope.
import { argumentSchemas } from './argument-schemas.js';
import type { Envelope } from './envelope.js';
import { carriedErrorInfo, toChatErrorInfo } from './errors.js';
import type { ChatMethod } from './methods.js';
import { describeIssues } from '../protocol/describe-issues.js';

/** Whatever serves calls: an object with (some of) the ChatApi's methods. */
export type CallTarget = Partial<Record<ChatMethod, (...args: never[]) => Promise<unknown>>>;

export interface ServeOptions {
  /** Told of errors that are not ChatErrors (bugs of this app), never of their arguments. */
  onUnexpectedError?: (method: ChatMethod, error: unknown) => void;
}

/** Validates `args` against the method's schema, calls `target`, and answers an envelope. */
export async function serveCall(target: CallTarget, method: unknown, args: unknown, options: ServeOptions = {}): Promise<Envelope> {
  if (typeof method !== 'string' || !Object.hasOwn(argumentSchemas, method) || typeof target[method as ChatMethod] !== 'function') {
    return { ok: false, error: { code: 'invalid_input', message: 'Unknown request.' } };
  }
  const name = method as ChatMethod;
  const parsed = argumentSchemas[name].safeParse(args);
  if (!parsed.success) {
    // The first path element is the argument's position; a person cares about the field inside it.
    return { ok: false, error: { code: 'invalid_input', message: `The request was not valid (${describeIssues(parsed.error, { skipPath: 1 })}).` } };
  }
  try {
    const call = target[name] as (...a: unknown[]) => Promise<unknown>;
    return { ok: true, value: await call.apply(target, parsed.data as unknown[]) };
  } catch (error) {
    if (carriedErrorInfo(error) === null) options.onUnexpectedError?.(name, error);
    return { ok: false, error: toChatErrorInfo(error) };
  }
}
