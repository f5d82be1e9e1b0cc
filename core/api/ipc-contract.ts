// The typed IPC contract between the Electron main process and the window (the preload, the main process's
// dispatch and the window's Electron adapter all import it, so the three cannot drift).
//
// Every channel follows from the method list (methods.ts): one `chat:<method>` channel per method, carrying
// the method's arguments as the request and an envelope (envelope.ts) as the reply. Events flow the other
// way on one channel, `chat:event`.
import type { ChatEvent } from './chat-api.js';
import type { Envelope } from './envelope.js';
import type { ChatMethod, ChatReply, ChatRequest } from './methods.js';

/** The IPC channel of a method, e.g. `chat:login`. */
export type ChatChannel<M extends ChatMethod = ChatMethod> = `chat:${M}`;

export function channelOf<M extends ChatMethod>(method: M): ChatChannel<M> {
  return `chat:${method}`;
}

/** The one channel main uses to push ChatEvents to the window. */
export const EVENT_CHANNEL = 'chat:event';

/**
 * The one object the preload exposes as `window.encryptedChat`: a narrow `invoke` wrapper per method and
 * an event subscription. Nothing else of Electron reaches the window.
 */
export type EncryptedChatBridge = {
  readonly [M in ChatMethod]: (...args: ChatRequest<M>) => Promise<Envelope<ChatReply<M>>>;
} & {
  /** Listens to `chat:event`; returns the function that stops listening. */
  readonly onEvent: (listener: (event: ChatEvent) => void) => () => void;
};

/** The name the bridge has in the window. */
export const BRIDGE_GLOBAL_NAME = 'encryptedChat';
