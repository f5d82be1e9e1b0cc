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
  const plain = (args: unknown[]) => JSON.parse(JSON.stringify(args)) as never;
  const api = Object.fromEntries(CHAT_METHODS.map((method) => [method, (...args: unknown[]) => call(method, plain(args))]));
  return { ...(api as Omit<ChatApi, 'onEvent'>), onEvent };
}
