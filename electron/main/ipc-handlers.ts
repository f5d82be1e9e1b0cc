// Main process: the IPC boundary. Every `chat:<method>` call from the window passes three gates here, in
// order, before the session sees it: the sender must be the main window's top frame showing app://chat/,
// the arguments must validate against that method's schema, and the reply is an envelope (never a
// rejection, which Electron would strip of its ChatErrorInfo — see ipc-contract.ts).
// Electron is used through structural types only, so this runs in tests without it.
import type { z } from 'zod';
import { isChatErrorInfo } from '../../core/client/errors.js';
import type { ChatApi, ChatErrorInfo } from '../../renderer/src/api/chat-api.js';
import type { ChatChannel, ChatMethod, ChatReply, ChatRequest, IpcEnvelope } from '../../renderer/src/api/ipc-contract.js';
import { isAppUrl } from './app-scheme.js';

/** What serves the window: the whole ChatApi but the event subscription (events go out on chat:event). */
export type ChatService = Omit<ChatApi, 'onEvent'>;

/** One schema per method, validating the argument tuple exactly as `ipcRenderer.invoke` spreads it. */
export type ArgumentSchemas = { readonly [M in ChatMethod]: z.ZodType<ChatRequest<M>> };

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

/**
 * The plain-data error the window gets. Errors of the core carry a ChatErrorInfo (as `info`, or as their
 * own `code`/`message`); anything else is a bug in this app, answered with a generic sentence so no
 * internal detail (paths, stack, a secret in a message) crosses to the window.
 */
export function toErrorInfo(error: unknown): ChatErrorInfo {
  if (typeof error === 'object' && error !== null) {
    const info = (error as { info?: unknown }).info;
    if (isChatErrorInfo(info)) return pickInfo(info);
    if (isChatErrorInfo(error)) return pickInfo(error);
  }
  return { code: 'server_error', message: 'Something went wrong inside the app. Try again; restart it if this keeps happening.' };
}

function pickInfo(info: ChatErrorInfo): ChatErrorInfo {
  const out: ChatErrorInfo = { code: info.code, message: info.message };
  if (typeof info.retryAfterSeconds === 'number' && Number.isFinite(info.retryAfterSeconds)) out.retryAfterSeconds = info.retryAfterSeconds;
  return out;
}

/** "peer: must be 3 to 32 characters…" for the first problems of a failed validation. */
export function describeIssues(error: z.ZodError): string {
  const parts = error.issues.slice(0, 3).map((issue) => {
    // The first path element is the argument's position; people care about the field inside it.
    const field = issue.path.slice(1).join('.');
    return field ? `${field}: ${issue.message}` : issue.message;
  });
  return `The request was not valid (${parts.join('; ')}).`;
}

export interface DispatcherDeps {
  service: ChatService;
  schemas: ArgumentSchemas;
  /** The main window's top frame right now; null when there is no window. */
  mainFrame: () => FrameLike | null;
  /** Called with errors that are not ChatErrors (bugs): logged by the caller, without arguments. */
  onUnexpectedError?: (method: ChatMethod, error: unknown) => void;
}

export type Dispatch = <M extends ChatMethod>(method: M, event: InvokeEventLike, args: unknown[]) => Promise<IpcEnvelope<ChatReply<M>>>;

export function createDispatcher(deps: DispatcherDeps): Dispatch {
  return async <M extends ChatMethod>(method: M, event: InvokeEventLike, args: unknown[]): Promise<IpcEnvelope<ChatReply<M>>> => {
    if (!isTrustedSender(event.senderFrame, deps.mainFrame())) {
      return { ok: false, error: { code: 'forbidden', message: 'This request did not come from the chat window.' } };
    }
    const schema = deps.schemas[method] as z.ZodType<ChatRequest<M>> | undefined;
    if (!schema) {
      return { ok: false, error: { code: 'invalid_input', message: 'Unknown request.' } };
    }
    const parsed = schema.safeParse(args);
    if (!parsed.success) {
      return { ok: false, error: { code: 'invalid_input', message: describeIssues(parsed.error) } };
    }
    try {
      const call = deps.service[method] as (...a: ChatRequest<M>) => Promise<ChatReply<M>>;
      const value = await call.apply(deps.service, parsed.data);
      return { ok: true, value };
    } catch (error) {
      const info = toErrorInfo(error);
      if (!isChatErrorInfo((error as { info?: unknown })?.info) && !isChatErrorInfo(error)) deps.onUnexpectedError?.(method, error);
      return { ok: false, error: info };
    }
  };
}

/** The parts of Electron's ipcMain used to install the handlers. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export function channelOf<M extends ChatMethod>(method: M): ChatChannel<M> {
  return `chat:${method}`;
}

/** Installs one handler per method of `schemas`; returns the function that removes them. */
export function registerChatHandlers(ipcMain: IpcMainLike, schemas: ArgumentSchemas, dispatch: Dispatch): () => void {
  const methods = Object.keys(schemas) as ChatMethod[];
  for (const method of methods) {
    ipcMain.handle(channelOf(method), (event, ...args) => dispatch(method, event, args));
  }
  return () => methods.forEach((m) => ipcMain.removeHandler(channelOf(m)));
}
