// Web adapter: the messages between the page and the worker that runs the client core. The core's
// RSA-4096 private-key operations are synchronous on the thread that calls WebCrypto in Chromium, so in the
// page they would freeze scrolling; in a dedicated worker they do not. The worker also keeps the private key
// and token out of the page's JavaScript heap. Calls travel as the method's name and arguments and come back
// as envelopes (core/api/envelope.ts), like the desktop's IPC; each side checks every message it receives
// against that message type's schema. Both ends take any MessagePort-like object, so the protocol is tested
// over a MessageChannel.
import { z } from 'zod';
import type { ChatErrorInfo, ChatEvent } from '../../../../core/api/chat-api.js';
import { isEnvelope, openEnvelope, type Envelope } from '../../../../core/api/envelope.js';
import { toChatErrorInfo } from '../../../../core/api/errors.js';
import { isSessionMethod, isSignInMethod, SESSION_METHODS, type SessionMethod } from '../../../../core/api/methods.js';
import { serveCall } from '../../../../core/api/serve-call.js';
import type { KeyValueStore } from '../../../../core/client/store.js';

/** What the worker needs of the client core (ChatClient has these, name for name). */
export type Session = { [M in SessionMethod]: (...args: never[]) => Promise<unknown> } & {
  onEvent(listener: (event: ChatEvent) => void): () => void;
  startLive(): Promise<void>;
};

const serial = z.number().int().positive();
const text = z.string().max(16 * 1024 * 1024);

const pageToWorkerSchema = z.union([
  z.strictObject({ type: z.literal('init'), serverUrl: z.string().min(1).max(2048) }),
  z.strictObject({ type: z.literal('call'), id: serial, method: z.enum(SESSION_METHODS), args: z.array(z.unknown()).max(8) }),
  z.strictObject({ type: z.literal('store-result'), id: serial, ok: z.literal(true), value: text.nullable() }),
  z.strictObject({ type: z.literal('store-result'), id: serial, ok: z.literal(false), message: z.string().max(1000) }),
]);
export type PageToWorker = z.infer<typeof pageToWorkerSchema>;

const workerToPageSchema = z.union([
  z.strictObject({ type: z.literal('result'), id: serial, envelope: z.custom<Envelope>(isEnvelope) }),
  z.strictObject({ type: z.literal('event'), event: z.custom<ChatEvent>((e) => typeof e === 'object' && e !== null && typeof (e as { type?: unknown }).type === 'string') }),
  z.strictObject({ type: z.literal('store'), id: serial, op: z.literal('get'), key: z.string().max(1024) }),
  z.strictObject({ type: z.literal('store'), id: serial, op: z.literal('set'), key: z.string().max(1024), value: text }),
  z.strictObject({ type: z.literal('store'), id: serial, op: z.literal('delete'), key: z.string().max(1024) }),
]);
export type WorkerToPage = z.infer<typeof workerToPageSchema>;

export interface PortLike<In, Out> {
  postMessage(message: Out): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<In>) => void): void;
}

/** A listener that gets only messages that pass `schema`; anything else is dropped (it cannot be answered). */
function onValid<T>(port: { addEventListener(type: 'message', listener: (event: MessageEvent<unknown>) => void): void }, schema: z.ZodType<T>, handle: (message: T) => void) {
  port.addEventListener('message', (event) => {
    const parsed = schema.safeParse(event.data);
    if (parsed.success) handle(parsed.data);
  });
}

// ---- worker side ----

/**
 * Serves a session over `port`. `open` makes the session once the page says which server to use; its store
 * lives in the page (localStorage is not reachable from a worker) and is reached through the port.
 */
export function serveSession(port: PortLike<PageToWorker, WorkerToPage>, open: (serverUrl: string, store: KeyValueStore) => Session): void {
  let session: Session | null = null;
  let opening: ChatErrorInfo | null = null;
  let storeSerial = 0;
  const storeWaits = new Map<number, { resolve: (value: string | null) => void; reject: (error: Error) => void }>();
  const ask = (request: { op: 'get' | 'delete'; key: string } | { op: 'set'; key: string; value: string }) =>
    new Promise<string | null>((resolve, reject) => {
      const id = ++storeSerial;
      storeWaits.set(id, { resolve, reject });
      port.postMessage({ type: 'store', id, ...request });
    });
  const store: KeyValueStore = {
    get: (key) => ask({ op: 'get', key }),
    set: async (key, value) => void (await ask({ op: 'set', key, value })),
    delete: async (key) => void (await ask({ op: 'delete', key })),
  };

  onValid(port as PortLike<unknown, WorkerToPage>, pageToWorkerSchema, (message) => {
    if (message.type === 'init') {
      if (session || opening) return;
      try {
        session = open(message.serverUrl, store);
        session.onEvent((e) => port.postMessage({ type: 'event', event: e }));
      } catch (error) {
        // Calls will report it; nothing else can.
        opening = toChatErrorInfo(error);
      }
    } else if (message.type === 'store-result') {
      const wait = storeWaits.get(message.id);
      storeWaits.delete(message.id);
      if (message.ok) wait?.resolve(message.value);
      else wait?.reject(new Error(message.message));
    } else {
      void answer(message.id, message.method, message.args);
    }
  });

  async function answer(id: number, method: SessionMethod, args: unknown[]): Promise<void> {
    let envelope: Envelope;
    if (!session) envelope = { ok: false, error: opening ?? { code: 'server_error', message: 'The encryption worker was not started.' } };
    else envelope = await serveCall(session, method, args);
    if (envelope.ok && session && isSignInMethod(method)) {
      // Live delivery failing shows as a connection event; it must not undo a sign-in.
      await session.startLive().catch(() => undefined);
    }
    port.postMessage({ type: 'result', id, envelope });
  }
}

// ---- page side ----

export interface SessionConnection {
  call<T>(method: SessionMethod, args: unknown[]): Promise<T>;
  onEvent(listener: (event: ChatEvent) => void): () => void;
  /** Rejects every call in flight and every later one (the worker died or could not start). */
  fail(info: ChatErrorInfo): void;
}

/** The page's end: calls become promises; store requests are answered from `store`. */
export function connectSession(port: PortLike<WorkerToPage, PageToWorker>, serverUrl: string, store: KeyValueStore, lost: ChatErrorInfo): SessionConnection {
  let serialNumber = 0;
  let broken: ChatErrorInfo | null = null;
  const waits = new Map<number, { resolve: (envelope: Envelope) => void; reject: (error: Error) => void }>();
  const listeners = new Set<(event: ChatEvent) => void>();

  onValid(port as PortLike<unknown, PageToWorker>, workerToPageSchema, (message) => {
    if (message.type === 'result') {
      const wait = waits.get(message.id);
      waits.delete(message.id);
      wait?.resolve(message.envelope);
    } else if (message.type === 'event') {
      for (const listener of [...listeners]) listener(message.event);
    } else {
      void serveStore(message);
    }
  });

  async function serveStore(message: Extract<WorkerToPage, { type: 'store' }>): Promise<void> {
    try {
      let value: string | null = null;
      if (message.op === 'get') value = await store.get(message.key);
      else if (message.op === 'set') await store.set(message.key, message.value);
      else await store.delete(message.key);
      port.postMessage({ type: 'store-result', id: message.id, ok: true, value });
    } catch (error) {
      port.postMessage({ type: 'store-result', id: message.id, ok: false, message: (error instanceof Error ? error.message : String(error)).slice(0, 1000) });
    }
  }

  port.postMessage({ type: 'init', serverUrl });

  return {
    call<T>(method: SessionMethod, args: unknown[]): Promise<T> {
      if (broken) return openEnvelope<T>(Promise.resolve({ ok: false, error: broken }), lost);
      if (!isSessionMethod(method)) return openEnvelope<T>(Promise.resolve({ ok: false, error: { code: 'invalid_input', message: 'Unknown request.' } }), lost);
      const id = ++serialNumber;
      const reply = new Promise<Envelope>((resolve, reject) => {
        waits.set(id, { resolve, reject });
        port.postMessage({ type: 'call', id, method, args });
      });
      return openEnvelope<T>(reply, lost);
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    fail(info) {
      broken = info;
      for (const wait of waits.values()) wait.resolve({ ok: false, error: info });
      waits.clear();
    },
  };
}
