// Test support (imported only by the unit tests beside it; pure, runs anywhere): an HttpApi that answers from a
// function instead of the network, and a session on given keys, so each module can be tested on its own.
import type { AxiosResponse } from 'axios';
import type { PrivateKeys, PublicKeys } from '../crypto/rsa.js';
import { deriveAccountStateKey } from '../crypto/account-state.js';
import { fingerprint } from '../crypto/fingerprint.js';
import { utf8 } from '../crypto/webcrypto.js';
import { ConversationIndex } from '../client/conversation-index.js';
import { HttpApi, type Method, type RequestOptions } from '../client/http-api.js';
import { Outbox } from '../client/outbox.js';
import { Pins } from '../client/pins.js';
import { ServerApi } from '../client/server-api.js';
import type { Session } from '../client/session.js';
import { MemoryStore } from '../client/store.js';
import { VerifiedLog } from '../client/verified-log.js';
import { GroupRecords } from '../client/group-records.js';
import { KeyLog } from '../client/key-log.js';
import type { KeyLogApi } from '../client/key-log-api.js';

export interface Answer {
  status: number;
  data?: unknown;
  headers?: Record<string, string>;
}

export interface SeenRequest {
  method: Method;
  path: string;
  options: RequestOptions;
}

export type Route = (request: SeenRequest) => Answer | undefined;

/** Answers each request with the first route that answers it, else 404; keeps what was asked. */
export class FakeHttp extends HttpApi {
  readonly requests: SeenRequest[] = [];
  routes: Route[];

  constructor(...routes: Route[]) {
    super('https://chat.example', {});
    this.routes = routes;
    this.token = 'a-token';
  }

  override async raw(method: Method, path: string, options: RequestOptions = {}): Promise<AxiosResponse> {
    const request = { method, path, options };
    this.requests.push(request);
    const answer = this.routes.map((route) => route(request)).find((a) => a !== undefined) ?? { status: 404 };
    return { status: answer.status, data: answer.data, headers: answer.headers ?? {}, statusText: '', config: {} } as AxiosResponse;
  }
}

/** A route for one method and exact path (query left out). */
export function on(method: Method, path: string, answer: Answer | ((request: SeenRequest) => Answer)): Route {
  return (request) => (request.method === method && request.path === path ? (typeof answer === 'function' ? answer(request) : answer) : undefined);
}

export function fakeApi(...routes: Route[]): { http: FakeHttp; api: ServerApi } {
  const http = new FakeHttp(...routes);
  return { http, api: new ServerApi(http) };
}

/** A session as openSession() builds it, on keys the test brings, with everything local in `store`. */
export async function sessionOn(
  username: string,
  keys: { privateKey: PrivateKeys; publicKey: PublicKeys },
  store = new MemoryStore(),
): Promise<Session> {
  const namespace = `https://chat.example|${username}`;
  return {
    username,
    privateKey: keys.privateKey,
    publicKey: keys.publicKey,
    fingerprint: await fingerprint(keys.publicKey.spki),
    pins: new Pins(store, namespace),
    index: await ConversationIndex.load(store, namespace),
    outbox: new Outbox(store, namespace),
    verified: new VerifiedLog(store, namespace),
    groups: new GroupRecords(store, namespace),
    secret: null,
    sessionId: null,
    // Any fixed bytes do: what matters to a test is that the same account derives the same key.
    accountStateKey: await deriveAccountStateKey(utf8(`private key of ${username}`), username),
  };
}

/** A message header as the server lists it. */
export function headerOf(seq: number, sender: string, recipient: string, id = `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`) {
  return { id, seq, sender, recipient, timestamp: new Date(Date.UTC(2026, 11, 1, 10, 0, seq)).toISOString() };
}

/** A key log for a server that keeps none (v1): every key is "unavailable" to the log, nothing is refused. */
export function noKeyLog(): KeyLog {
  return new KeyLog({
    api: { logKey: async () => null } as unknown as KeyLogApi,
    serverUrl: 'https://chat.example',
    store: new MemoryStore(),
    session: () => ({ username: 'nobody' }) as Session,
    changed: () => undefined,
  });
}
