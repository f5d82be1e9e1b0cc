// One way to carry a ChatApi call across a boundary (Electron IPC, the page's worker): the caller sends the
// method's name and its arguments; the serving side (serve-call.ts) checks them against the method's schema,
// calls, and answers an envelope. Envelopes never reject: Electron rebuilds a rejected `invoke` as a bare
// Error without its ChatErrorInfo, and a worker cannot post an Error at all. This side bundles no zod.
import type { ChatApi, ChatErrorInfo, ChatEvent } from './chat-api.js';
import { ChatError, isChatErrorInfo } from './errors.js';
import { CHAT_METHODS, type ChatMethod, type ChatReply, type ChatRequest } from './methods.js';

export type Envelope<T = unknown> = { ok: true; value: T } | { ok: false; error: ChatErrorInfo };

export function isEnvelope(value: unknown): value is Envelope {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  if (v.ok === true) return 'value' in v;
  return v.ok === false && isChatErrorInfo(v.error);
}

/**
 * The value of a successful envelope; a ChatError for a failed one. A reply that is not an envelope, or a
 * transport that rejects, means the other side is gone: `lost` says so in words.
 */
export async function openEnvelope<T>(reply: Promise<unknown>, lost: ChatErrorInfo): Promise<T> {
  let envelope: unknown;
  try {
    envelope = await reply;
  } catch {
    throw ChatError.from(lost);
  }
  if (!isEnvelope(envelope)) throw ChatError.from(lost);
  if (!envelope.ok) throw ChatError.from(envelope.error);
  return envelope.value as T;
}

/**
 * A ChatApi whose every method is `call(method, args)`; the adapters and the preload are built with it. The
 * arguments are copied as plain data first: a boundary clones them, and a window's reactive state (a Svelte
 * proxy) cannot be cloned — it would fail there as a lost connection instead of being sent.
 */
export function chatApiOver(
  call: <M extends ChatMethod>(method: M, args: ChatRequest<M>) => Promise<ChatReply<M>>,
  onEvent: (listener: (event: ChatEvent) => void) => () => void,
): ChatApi {
  const api = Object.fromEntries(CHAT_METHODS.map((method) => [method, (...args: unknown[]) => call(method, plainData(args) as never)]));
  return { ...(api as Omit<ChatApi, 'onEvent'>), onEvent };
}

/**
 * A copy as JSON would make it (no proxies, no functions, undefined fields dropped, non-finite numbers null),
 * except that bytes stay bytes: a file's Uint8Array crosses as it is (the boundary's clone copies it once).
 */
export function plainData(value: unknown): unknown {
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' || typeof value === 'boolean' || value === null) return value;
  if (typeof value !== 'object') return undefined;
  const withJson = value as { toJSON?: () => unknown };
  if (typeof withJson.toJSON === 'function') return plainData(withJson.toJSON());
  if (Array.isArray(value)) return value.map((item) => plainData(item) ?? null);
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const copied = plainData(item);
    if (copied !== undefined) out[key] = copied;
  }
  return out;
}
