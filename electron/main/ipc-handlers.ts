// Main process: the IPC boundary. Every `chat:<method>` call from the window passes three gates here, in
// order, before the session sees it: the sender must be the main window's top frame showing app://chat/,
// the arguments must validate against that method's schema, and the reply is an envelope (never a
// rejection, which Electron would strip of its ChatErrorInfo — see core/api/envelope.ts).
// Electron is used through structural types only, so this runs in tests without it.
import type { ChatApi } from '../../core/api/chat-api.js';
import type { Envelope } from '../../core/api/envelope.js';
import { serveCall } from '../../core/api/serve-call.js';
import { channelOf } from '../../core/api/ipc-contract.js';
import { CHAT_METHODS, type ChatMethod } from '../../core/api/methods.js';
import { isAppUrl } from './app-scheme.js';

/** What serves the window: the whole ChatApi but the event subscription (events go out on chat:event). */
export type ChatService = Omit<ChatApi, 'onEvent'>;

/** The parts of Electron's WebFrameMain that identify a frame. */
export interface FrameLike {
  readonly url: string;
  readonly processId: number;
  readonly routingId: number;
  readonly parent: FrameLike | null;
}

/** The parts of an IpcMainInvokeEvent the gate reads. */
export interface InvokeEventLike {
  readonly senderFrame: FrameLike | null;
}

/**
 * True only for the top frame of the main window, currently showing our own page. A frame that navigated
 * away (impossible by navigation.ts, checked anyway), a subframe, another window or a destroyed frame
 * (senderFrame null) is refused.
 */
export function isTrustedSender(senderFrame: FrameLike | null | undefined, mainFrame: FrameLike | null | undefined): boolean {
  if (!senderFrame || !mainFrame) return false;
  if (senderFrame.parent !== null) return false;
  if (senderFrame.processId !== mainFrame.processId || senderFrame.routingId !== mainFrame.routingId) return false;
  return isAppUrl(senderFrame.url);
}

export interface DispatcherDeps {
  service: ChatService;
  /** The main window's top frame right now; null when there is no window. */
  mainFrame: () => FrameLike | null;
  /** Called with errors that are not ChatErrors (bugs): logged by the caller, without arguments. */
  onUnexpectedError?: (method: ChatMethod, error: unknown) => void;
}

export type Dispatch = (method: ChatMethod, event: InvokeEventLike, args: unknown[]) => Promise<Envelope>;

export function createDispatcher(deps: DispatcherDeps): Dispatch {
  return async (method, event, args) => {
    if (!isTrustedSender(event.senderFrame, deps.mainFrame())) {
      return { ok: false, error: { code: 'forbidden', message: 'This request did not come from the chat window.' } };
    }
    return serveCall(deps.service, method, args, { onUnexpectedError: deps.onUnexpectedError });
  };
}

/** The parts of Electron's ipcMain used to install the handlers. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

/** Installs one handler per ChatApi method; returns the function that removes them. */
export function registerChatHandlers(ipcMain: IpcMainLike, dispatch: Dispatch): () => void {
  for (const method of CHAT_METHODS) {
    ipcMain.handle(channelOf(method), (event, ...args) => dispatch(method, event, args));
  }
  return () => CHAT_METHODS.forEach((m) => ipcMain.removeHandler(channelOf(m)));
}
