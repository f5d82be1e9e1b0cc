// The typed IPC contract between the Electron main process and the window (types only: the preload, the
// main process handlers and the window's Electron adapter all import it, so the three cannot drift).
//
// Every channel is derived from the ChatApi interface: one `chat:<method>` channel per method, carrying
// the method's arguments as the request and its resolved value as the reply. Events flow the other way on
// one channel, `chat:event`.
//
// Error transport: Electron rebuilds a rejected `ipcRenderer.invoke` as a bare Error whose message is
// prefixed with the channel name and whose custom properties (our ChatErrorInfo) are stripped. So handlers
// never reject: every reply is an envelope, `{ ok: true, value }` or `{ ok: false, error: ChatErrorInfo }`,
// and the window's adapter turns a failed envelope back into an Error carrying `info`.
import type { ChatApi, ChatErrorInfo, ChatEvent } from './chat-api.js';

/** Every ChatApi method that is a request/reply round trip (all of them but the event subscription). */
export type ChatMethod = Exclude<keyof ChatApi, 'onEvent'>;

/** The IPC channel of a method, e.g. `chat:login`. */
export type ChatChannel<M extends ChatMethod = ChatMethod> = `chat:${M}`;

/** The one channel main uses to push ChatEvents to the window. */
export type ChatEventChannel = 'chat:event';

/** The arguments a method's channel carries, as the tuple `ipcRenderer.invoke` spreads. */
export type ChatRequest<M extends ChatMethod> = Parameters<ChatApi[M]>;

/** What a method's channel answers with when it succeeds. */
export type ChatReply<M extends ChatMethod> = Awaited<ReturnType<ChatApi[M]>>;

export type IpcEnvelope<T> = { ok: true; value: T } | { ok: false; error: ChatErrorInfo };

/** What a main-process handler of a method returns (never rejects). */
export type ChatHandlerResult<M extends ChatMethod> = Promise<IpcEnvelope<ChatReply<M>>>;

/**
 * The one object the preload exposes as `window.encryptedChat`: a narrow `invoke` wrapper per method and
 * an event subscription. Nothing else of Electron reaches the window.
 */
export type EncryptedChatBridge = {
  readonly [M in ChatMethod]: (...args: ChatRequest<M>) => Promise<IpcEnvelope<ChatReply<M>>>;
} & {
  /** Listens to `chat:event`; returns the function that stops listening. */
  readonly onEvent: (listener: (event: ChatEvent) => void) => () => void;
};

/** The name the bridge has in the window. */
export type BridgeGlobalName = 'encryptedChat';
