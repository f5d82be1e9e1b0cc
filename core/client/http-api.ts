// Core side (runs in Node, Electron main and the browser worker): the HTTP client of PROTOCOL.md "HTTP API" over
// axios. Every response is validated with the shared schemas (the server is not trusted); failures become ChatErrors.
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import type { z } from 'zod';
import { describeIssues } from '../protocol/schemas.js';
import { ChatError } from '../api/errors.js';
import { errorFromResponse, errorFromTransport } from './http-errors.js';

/**
 * How requests reach the server. `httpsAgent` goes to axios untouched (Node callers pass an https.Agent that
 * trusts a custom CA). `streamAdapter` picks the axios adapter for the live event stream: 'http' (Node,
 * Electron main: a Node stream) or 'fetch' (a browser page: a ReadableStream). Default: 'http' where Node's
 * `process.versions.node` exists, else 'fetch'.
 */
export interface Transport {
  httpsAgent?: unknown;
  streamAdapter?: 'http' | 'fetch';
  /** Largest JSON answer accepted, in bytes (default MAX_ANSWER_BYTES). */
  maxAnswerBytes?: number;
  /**
   * How an upload's streamed body goes to axios: Node callers pass Readable.fromWeb (the http adapter sends a
   * Node stream as it is read). Without it the sealed blob is gathered into a Blob first (a browser page).
   */
  uploadBody?: (body: ReadableStream<Uint8Array>) => unknown;
  /** An incremental SHA-512 for attachments (Node callers pass node:crypto's); default: core's own. */
  sha512?: () => { update(data: Uint8Array): unknown; digest(): Uint8Array };
}

/** The largest honest JSON answer (a page of 1,000 headers, a message record) is far below this. */
export const MAX_ANSWER_BYTES = 4 * 1024 * 1024;
/** Encodings the HTTP layer decodes (anything else arrives as bytes no JSON parser can read). */
const READABLE_ENCODINGS = new Set(['identity', 'gzip', 'x-gzip', 'deflate', 'br']);

export function streamAdapterFor(transport: Transport | undefined): 'http' | 'fetch' {
  if (transport?.streamAdapter) return transport.streamAdapter;
  const runtime = globalThis as { process?: { versions?: { node?: string } }; window?: unknown };
  return runtime.process?.versions?.node && runtime.window === undefined ? 'http' : 'fetch';
}

export interface RequestOptions {
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** Send the bearer token (throws `locked` when there is none). */
  auth?: boolean;
  /** Extra request headers (e.g. X-Device-Credential). */
  headers?: Record<string, string>;
}

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

const TOKEN_PATTERN = /^[\x21-\x7e]{1,4096}$/;

export class HttpApi {
  readonly serverUrl: string;
  readonly #http: AxiosInstance;
  readonly #transport: Transport;
  #token: string | null = null;

  constructor(serverUrl: string, transport: Transport = {}) {
    this.serverUrl = serverUrl;
    this.#transport = transport;
    this.#http = axios.create({
      baseURL: serverUrl,
      timeout: 30_000,
      maxRedirects: 0,
      // A hostile server must not make the client buffer without end (the largest honest answer is far smaller).
      maxContentLength: transport.maxAnswerBytes ?? MAX_ANSWER_BYTES,
      maxBodyLength: transport.maxAnswerBytes ?? MAX_ANSWER_BYTES,
      // Never route through a proxy taken from the environment: traffic goes only to the chosen server.
      proxy: false,
      validateStatus: () => true,
      ...(transport.httpsAgent === undefined ? {} : { httpsAgent: transport.httpsAgent }),
    });
  }

  get token(): string | null {
    return this.#token;
  }

  set token(token: string | null) {
    this.#token = token;
  }

  #headers(auth: boolean): Record<string, string> {
    if (!auth) return { Accept: 'application/json' };
    if (!this.#token) throw new ChatError('locked', 'Sign in first.');
    return { Accept: 'application/json', Authorization: `Bearer ${this.#token}` };
  }

  /** Keeps the sliding session's fresh token from an authenticated answer. */
  #takeToken(response: AxiosResponse): void {
    const fresh = response.headers['x-auth-token'];
    if (typeof fresh === 'string' && TOKEN_PATTERN.test(fresh)) this.#token = fresh;
  }

  /** Sends one request; returns the answer whatever its status (callers map statuses they expect). */
  async raw(method: Method, path: string, options: RequestOptions = {}): Promise<AxiosResponse> {
    const headers = { ...this.#headers(options.auth ?? false), ...options.headers };
    let response: AxiosResponse;
    try {
      response = await this.#http.request({
        method,
        url: path,
        headers: options.body === undefined ? headers : { ...headers, 'Content-Type': 'application/json' },
        params: options.query ? Object.fromEntries(Object.entries(options.query).filter(([, v]) => v !== undefined)) : undefined,
        data: options.body === undefined ? undefined : JSON.stringify(options.body),
        responseType: 'json',
      });
    } catch (error) {
      throw errorFromTransport(error, this.serverUrl);
    }
    const encoding = response.headers['content-encoding'];
    if (typeof encoding === 'string' && encoding.trim() !== '') {
      const names = encoding.toLowerCase().split(',').map((e) => e.trim());
      const unreadable = names.find((e) => !READABLE_ENCODINGS.has(e));
      if (unreadable !== undefined) {
        const shown = unreadable.replace(/[^\x21-\x7e]/g, '?').slice(0, 40);
        throw new ChatError('protocol_violation', `The server answered in an encoding this app cannot read (${shown}).`);
      }
    }
    if (options.auth && response.status < 400) this.#takeToken(response);
    return response;
  }

  /** A request whose answer must have one of `ok` statuses and match `schema`. */
  async call<S extends z.ZodType>(
    method: Method,
    path: string,
    schema: S,
    options: RequestOptions & { ok?: number[] } = {},
  ): Promise<{ status: number; data: z.infer<S> }> {
    const response = await this.raw(method, path, options);
    const ok = options.ok ?? [200];
    if (!ok.includes(response.status)) {
      if (response.status >= 200 && response.status < 300) {
        throw new ChatError('protocol_violation', `The server gave an unexpected answer (HTTP ${response.status}) to ${method} ${path}.`);
      }
      throw errorFromResponse(response, `${method} ${path}`);
    }
    return { status: response.status, data: parseAnswer(schema, response.data, `${method} ${path}`) };
  }

  /** A request with no answer body (204). */
  async callEmpty(method: Method, path: string, options: RequestOptions = {}): Promise<void> {
    const response = await this.raw(method, path, options);
    if (response.status >= 300) throw errorFromResponse(response, `${method} ${path}`);
  }

  /**
   * Opens GET /events as a byte stream. Node: the http adapter gives a Node stream (async iterable of Buffer);
   * browser: the fetch adapter gives a ReadableStream of Uint8Array. Both come back as one async iterable.
   */
  async openEvents(lastEventId: number, signal: AbortSignal): Promise<AsyncIterable<Uint8Array>> {
    const headers: Record<string, string> = { ...this.#headers(true), Accept: 'text/event-stream' };
    if (lastEventId > 0) headers['Last-Event-ID'] = String(lastEventId);
    let response: AxiosResponse;
    try {
      response = await this.#http.request({
        method: 'GET',
        url: '/events',
        headers,
        responseType: 'stream',
        adapter: streamAdapterFor(this.#transport),
        timeout: 0,
        // A live stream is long; the silence watchdog and the per-event schema bound what it can do.
        maxContentLength: -1,
        signal,
        decompress: false,
      });
    } catch (error) {
      throw errorFromTransport(error, this.serverUrl);
    }
    if (response.status !== 200) {
      await cancelStream(response.data);
      throw errorFromResponse({ ...response, data: null }, 'GET /events');
    }
    this.#takeToken(response);
    return asAsyncIterable(response.data);
  }
}

export function parseAnswer<S extends z.ZodType>(schema: S, data: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    throw new ChatError('protocol_violation', `The server sent an invalid answer to ${what} (${describeIssues(parsed.error)}).`);
  }
  return parsed.data;
}

async function cancelStream(stream: unknown): Promise<void> {
  const s = stream as { destroy?: () => void; cancel?: () => Promise<void> } | null;
  try {
    if (s?.destroy) s.destroy();
    else if (s?.cancel) await s.cancel();
  } catch {
    // the stream is being dropped anyway
  }
}

function asAsyncIterable(stream: unknown): AsyncIterable<Uint8Array> {
  const s = stream as { getReader?: () => ReadableStreamDefaultReader<Uint8Array> } & Partial<AsyncIterable<Uint8Array>>;
  if (typeof s?.getReader === 'function') {
    const reader = s.getReader();
    return {
      async *[Symbol.asyncIterator]() {
        try {
          for (;;) {
            const { done, value } = await reader.read();
            if (done) return;
            yield value;
          }
        } finally {
          reader.releaseLock();
        }
      },
    };
  }
  if (s && typeof s[Symbol.asyncIterator] === 'function') return s as AsyncIterable<Uint8Array>;
  throw new ChatError('protocol_violation', 'The event stream could not be read in this runtime.');
}
