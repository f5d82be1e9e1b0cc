// Web adapter: the messages between the page and the worker that runs the client core. The core's
// RSA-4096 private-key operations are synchronous on the thread that calls WebCrypto in Chromium, so in the
// page they would freeze scrolling; in a dedicated worker they do not. The worker also keeps the private key
// and token out of the page's JavaScript heap. Both ends take any MessagePort-like object, so the protocol
// is tested over a MessageChannel.
import type { ChatErrorInfo, ChatEvent } from '../chat-api.js';
import type { KeyValueStore } from '../../../../core/client/store.js';

/** The ChatApi methods the worker serves: the session part (settings and links stay in the page). */
export const SESSION_METHODS = [
  'currentAccount',
  'register',
  'login',
  'logout',
  'changePassword',
  'searchUsers',
  'contacts',
  'contactDetails',
  'trustContactKey',
  'disownEarlierKeys',
  'blockContact',
  'unblockContact',
  'conversation',
  'readMessages',
  'send',
  'markRead',
] as const;
export type SessionMethod = (typeof SESSION_METHODS)[number];

/** What the worker needs of the client core (ChatClient has these, name for name). */
export type Session = { [M in SessionMethod]: (...args: never[]) => Promise<unknown> } & {
  onEvent(listener: (event: ChatEvent) => void): () => void;
  startLive(): Promise<void>;
};

export type PageToWorker =
  | { type: 'init'; serverUrl: string }
  | { type: 'call'; id: number; method: SessionMethod; args: unknown[] }
  | { type: 'store-result'; id: number; ok: true; value: string | null }
  | { type: 'store-result'; id: number; ok: false; message: string };

export type WorkerToPage =
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; error: ChatErrorInfo }
  | { type: 'event'; event: ChatEvent }
  | { type: 'store'; id: number; op: 'get'; key: string }
  | { type: 'store'; id: number; op: 'set'; key: string; value: string }
  | { type: 'store'; id: number; op: 'delete'; key: string };

export interface PortLike<In, Out> {
  postMessage(message: Out): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<In>) => void): void;
}

function isSessionMethod(value: unknown): value is SessionMethod {
  return typeof value === 'string' && (SESSION_METHODS as readonly string[]).includes(value);
}

// ---- worker side ----

/**
 * Serves a session over `port`. `open` makes the session once the page says which server to use; its store
 * lives in the page (localStorage is not reachable from a worker) and is reached through the port.
 */
export function serveSession(
  port: PortLike<PageToWorker, WorkerToPage>,
  open: (serverUrl: string, store: KeyValueStore) => Session,
  toErrorInfo: (error: unknown) => ChatErrorInfo,
): void {
  let session: Session | null = null;
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

  port.addEventListener('message', (event) => {
    const message = event.data;
    if (message.type === 'init') {
      if (session) return;
      try {
        session = open(message.serverUrl, store);
        session.onEvent((e) => port.postMessage({ type: 'event', event: e }));
      } catch (error) {
        // Calls will report it; nothing else can.
        const info = toErrorInfo(error);
        session = failingSession(info);
      }
    } else if (message.type === 'store-result') {
      const wait = storeWaits.get(message.id);
      storeWaits.delete(message.id);
      if (message.ok) wait?.resolve(message.value);
      else wait?.reject(new Error(message.message));
    } else if (message.type === 'call') {
      void answer(message.id, message.method, message.args);
    }
  });

  async function answer(id: number, method: unknown, args: unknown): Promise<void> {
    try {
      if (!session) throw new Error('the encryption worker was not initialised');
      if (!isSessionMethod(method) || !Array.isArray(args)) throw new Error('not a session method');
      const value = await (session[method] as (...a: unknown[]) => Promise<unknown>)(...args);
      if (method === 'login' || method === 'register') {
        // Live delivery failing shows as a connection event; it must not undo a sign-in.
        await session.startLive().catch(() => undefined);
      }
      port.postMessage({ type: 'result', id, ok: true, value });
    } catch (error) {
      port.postMessage({ type: 'result', id, ok: false, error: toErrorInfo(error) });
    }
  }
}

function failingSession(info: ChatErrorInfo): Session {
  const fail = async () => {
    throw Object.assign(new Error(info.message), { info });
  };
  return Object.assign(Object.fromEntries(SESSION_METHODS.map((m) => [m, fail])) as unknown as Session, {
    onEvent: () => () => undefined,
    startLive: fail,
  });
}

// ---- page side ----

export interface SessionConnection {
  call<T>(method: SessionMethod, args: unknown[]): Promise<T>;
  onEvent(listener: (event: ChatEvent) => void): () => void;
  /** Rejects every call in flight and every later one (the worker died or could not start). */
  fail(info: ChatErrorInfo): void;
}

/** The page's end: calls become promises; store requests are answered from `store`. */
export function connectSession(port: PortLike<WorkerToPage, PageToWorker>, serverUrl: string, store: KeyValueStore): SessionConnection {
  let serial = 0;
  let broken: ChatErrorInfo | null = null;
  const waits = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  const listeners = new Set<(event: ChatEvent) => void>();
  const asError = (info: ChatErrorInfo) => Object.assign(new Error(info.message), { info });

  port.addEventListener('message', (event) => {
    const message = event.data;
    if (message.type === 'result') {
      const wait = waits.get(message.id);
      waits.delete(message.id);
      if (message.ok) wait?.resolve(message.value);
      else wait?.reject(asError(message.error));
    } else if (message.type === 'event') {
      for (const listener of [...listeners]) listener(message.event);
    } else if (message.type === 'store') {
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
      port.postMessage({ type: 'store-result', id: message.id, ok: false, message: error instanceof Error ? error.message : String(error) });
    }
  }

  port.postMessage({ type: 'init', serverUrl });

  return {
    call<T>(method: SessionMethod, args: unknown[]): Promise<T> {
      if (broken) return Promise.reject(asError(broken));
      const id = ++serial;
      return new Promise<T>((resolve, reject) => {
        waits.set(id, { resolve: resolve as (value: unknown) => void, reject });
        port.postMessage({ type: 'call', id, method, args });
      });
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    fail(info) {
      broken = info;
      for (const wait of waits.values()) wait.reject(asError(info));
      waits.clear();
    },
  };
}
