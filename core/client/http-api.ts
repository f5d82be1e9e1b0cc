// Core side: the HTTP client of PROTOCOL.md "HTTP API" over axios. Every response is validated with the shared
// schemas (the server is not trusted); every failure becomes a ChatError a person can read.
import axios, { type AxiosInstance, type AxiosResponse, isAxiosError } from 'axios';
import type { z } from 'zod';
import { describeIssues, errorBodySchema } from '../protocol/schemas.js';
import { ChatError, rateLimitedMessage } from '../api/errors.js';

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

const TLS_ERROR_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'EPROTO',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

const NETWORK_ERROR_DESCRIPTIONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused (is the server running?)',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'the host name could not be looked up',
  ETIMEDOUT: 'the connection timed out',
  ECONNABORTED: 'the request timed out',
  ECONNRESET: 'the connection was reset',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  EPIPE: 'the connection was closed',
  ERR_NETWORK: 'network error',
};

/** What an error answer of the server says, shortened and stripped of control characters (it is untrusted). */
function serverMessage(data: unknown): string | null {
  const parsed = errorBodySchema.safeParse(data);
  if (!parsed.success) return null;
  return parsed.data.error.message.replace(/[\u0000-\u001f\u007f]/g, ' ').slice(0, 200);
}

function serverCode(data: unknown): string | null {
  const parsed = errorBodySchema.safeParse(data);
  return parsed.success ? parsed.data.error.code : null;
}

function retryAfterSeconds(response: AxiosResponse): number | undefined {
  const raw = response.headers['retry-after'];
  if (typeof raw !== 'string') return undefined;
  if (/^\d{1,6}$/.test(raw.trim())) return Number(raw.trim());
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

/** The ChatError for a non-2xx answer. */
export function errorFromResponse(response: AxiosResponse, what: string): ChatError {
  const said = serverMessage(response.data);
  const status = response.status;
  switch (status) {
    case 400:
      return new ChatError('invalid_input', `The server refused the request${said ? `: ${said}` : '.'}`);
    case 401:
      return new ChatError('unauthorized', 'Your session has ended. Sign in again.');
    case 403:
      return new ChatError('forbidden', said ?? 'The server does not allow this.');
    case 404:
      return new ChatError('not_found', said ?? `Not found (${what}).`);
    case 409:
      return new ChatError('invalid_input', said ?? 'This conflicts with what the server already holds.');
    case 413:
      if (serverCode(response.data) === 'quota_exceeded') {
        return new ChatError('quota_exceeded', 'Your storage on this server is full. Delete something, or ask the server\'s operator for more room.');
      }
      return new ChatError('invalid_input', 'This is too large for the server.');
    case 429: {
      const seconds = retryAfterSeconds(response);
      return new ChatError('rate_limited', rateLimitedMessage(seconds), seconds === undefined ? {} : { retryAfterSeconds: seconds });
    }
    default:
      if (status >= 500) return new ChatError('server_error', `The server had a problem (HTTP ${status}). Try again later.`);
      return new ChatError('protocol_violation', `The server gave an unexpected answer (HTTP ${status}) to ${what}.`);
  }
}

/** The ChatError for a request that got no answer (network, TLS). */
export function errorFromTransport(error: unknown, serverUrl: string): ChatError {
  if (error instanceof ChatError) return error;
  const code = isAxiosError(error) ? (error.code ?? '') : '';
  const text = error instanceof Error ? error.message : '';
  if (/maxContentLength|maxBodyLength|too large/i.test(text) || code === 'ERR_FR_MAX_BODY_LENGTH_EXCEEDED') {
    return new ChatError('protocol_violation', "The server's answer was too large.");
  }
  const cause = (error as { cause?: { code?: string } })?.cause?.code ?? '';
  const tls = [code, cause].find((c) => TLS_ERROR_CODES.has(c) || c.startsWith('ERR_TLS') || c.startsWith('ERR_SSL'));
  if (tls) {
    return new ChatError(
      'bad_certificate',
      `The server's certificate is not trusted (${tls}). If ${serverUrl} is your own server, add the certificate of its authority (a PEM file) to trust it.`,
    );
  }
  const described = NETWORK_ERROR_DESCRIPTIONS[code] ?? NETWORK_ERROR_DESCRIPTIONS[cause];
  const browserHint = code === 'ERR_NETWORK' ? ' (or its certificate is not trusted)' : '';
  return new ChatError('server_unreachable', `Cannot reach the server at ${serverUrl}${browserHint}: ${described ?? (code || 'no answer')}.`);
}

export function isTransient(error: unknown): boolean {
  return error instanceof ChatError && (error.info.code === 'server_unreachable' || error.info.code === 'server_error');
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
