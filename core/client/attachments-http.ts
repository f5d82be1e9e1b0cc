// Core side (runs in Node, Electron main and the browser worker): POST /attachments and GET /attachments/{id}
// (PROTOCOL.md "Attachments") — bytes, not JSON, so they go through an axios instance of their own, with the
// session's token of the HttpApi and no time limit but a watchdog on progress.
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { ChatError } from '../api/errors.js';
import { attachmentUploadResponseSchema, type AttachmentUploadResponse } from '../protocol/schemas-attachments.js';
import { parseAnswer, streamAdapterFor, type HttpApi, type Transport } from './http-api.js';
import { errorFromResponse, errorFromTransport } from './http-errors.js';

const TOKEN_PATTERN = /^[\x21-\x7e]{1,4096}$/;
/** A transfer that moves no byte for this long is given up (the server or the network went away). */
export const STALL_MS = 60_000;
const UPLOAD_ANSWER_BYTES = 64 * 1024;

export const cancelled = () => new ChatError('cancelled', 'The transfer was cancelled.');

export class AttachmentsHttp {
  readonly #api: HttpApi;
  readonly #transport: Transport;
  readonly #http: AxiosInstance;

  constructor(api: HttpApi, transport: Transport) {
    this.#api = api;
    this.#transport = transport;
    this.#http = axios.create({
      baseURL: api.serverUrl,
      timeout: 0,
      maxRedirects: 0,
      proxy: false,
      validateStatus: () => true,
      ...(transport.httpsAgent === undefined ? {} : { httpsAgent: transport.httpsAgent }),
    });
  }

  #auth(): Record<string, string> {
    const token = this.#api.token;
    if (!token) throw new ChatError('locked', 'Sign in first.');
    return { Authorization: `Bearer ${token}` };
  }

  #takeToken(response: AxiosResponse): void {
    const fresh = response.headers['x-auth-token'];
    if (typeof fresh === 'string' && TOKEN_PATTERN.test(fresh)) this.#api.token = fresh;
  }

  /** POST /attachments of a blob of `length` bytes; 413 is `too_large` (or `quota_exceeded`) with a sentence. */
  async upload(blob: ReadableStream<Uint8Array>, length: number, signal: AbortSignal): Promise<AttachmentUploadResponse> {
    const data = this.#transport.uploadBody ? this.#transport.uploadBody(blob) : await gatherBlob(blob, signal);
    let response: AxiosResponse;
    try {
      response = await this.#http.request({
        method: 'POST',
        url: '/attachments',
        headers: { ...this.#auth(), Accept: 'application/json', 'Content-Type': 'application/octet-stream', 'Content-Length': String(length) },
        data,
        responseType: 'json',
        maxBodyLength: -1,
        maxContentLength: UPLOAD_ANSWER_BYTES,
        signal,
      });
    } catch (error) {
      if (signal.aborted) throw signal.reason instanceof ChatError ? signal.reason : cancelled();
      throw errorFromTransport(error, this.#api.serverUrl);
    }
    if (response.status === 413 && errorCode(response.data) !== 'quota_exceeded') {
      throw new ChatError('too_large', 'This file is larger than this server takes.');
    }
    if (response.status !== 201) throw response.status < 300 ? unexpected(response.status) : errorFromResponse(response, 'POST /attachments');
    this.#takeToken(response);
    return parseAnswer(attachmentUploadResponseSchema, response.data, 'POST /attachments');
  }

  /** GET /attachments/{id}: the blob as it arrives, with the length the server announced (if it did). */
  async download(id: string, signal: AbortSignal): Promise<{ length: number | null; body: ReadableStream<Uint8Array> }> {
    let response: AxiosResponse;
    try {
      response = await this.#http.request({
        method: 'GET',
        url: `/attachments/${encodeURIComponent(id)}`,
        headers: { ...this.#auth(), Accept: 'application/octet-stream' },
        responseType: 'stream',
        adapter: streamAdapterFor(this.#transport),
        maxContentLength: -1,
        decompress: false,
        signal,
      });
    } catch (error) {
      if (signal.aborted) throw signal.reason instanceof ChatError ? signal.reason : cancelled();
      throw errorFromTransport(error, this.#api.serverUrl);
    }
    if (response.status !== 200) {
      await dropStream(response.data);
      if (response.status === 404) throw new ChatError('not_found', 'This file is not on the server (any more): its message was deleted, or it expired.');
      throw response.status < 300 ? unexpected(response.status) : errorFromResponse({ ...response, data: null }, 'GET /attachments');
    }
    this.#takeToken(response);
    const announced = Number(response.headers['content-length']);
    return { length: Number.isSafeInteger(announced) && announced >= 0 ? announced : null, body: asReadableStream(response.data) };
  }
}

const unexpected = (status: number) => new ChatError('protocol_violation', `The server gave an unexpected answer (HTTP ${status}) to a file transfer.`);

function errorCode(data: unknown): string | null {
  const error = (data as { error?: { code?: unknown } } | null)?.error;
  return typeof error?.code === 'string' ? error.code : null;
}

/** A page has no streamed uploads over HTTP/1.1: the sealed blob is gathered into a Blob (the browser may keep it on disk). */
async function gatherBlob(blob: ReadableStream<Uint8Array>, signal: AbortSignal): Promise<Blob> {
  const parts: Uint8Array<ArrayBuffer>[] = [];
  const reader = blob.getReader();
  for (;;) {
    if (signal.aborted) {
      await reader.cancel().catch(() => undefined);
      throw signal.reason instanceof ChatError ? signal.reason : cancelled();
    }
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value as Uint8Array<ArrayBuffer>);
  }
  return new Blob(parts, { type: 'application/octet-stream' });
}

async function dropStream(stream: unknown): Promise<void> {
  const s = stream as { destroy?: () => void; cancel?: () => Promise<void> } | null;
  try {
    if (s?.destroy) s.destroy();
    else if (s?.cancel) await s.cancel();
  } catch {
    // dropped anyway
  }
}

/** A Node stream (http adapter) or a ReadableStream (fetch adapter) as a web ReadableStream of bytes. */
function asReadableStream(stream: unknown): ReadableStream<Uint8Array> {
  const s = stream as Partial<ReadableStream<Uint8Array>> & Partial<AsyncIterable<Uint8Array>> & { destroy?: () => void };
  if (typeof s?.getReader === 'function') return s as ReadableStream<Uint8Array>;
  const iterable = s?.[Symbol.asyncIterator];
  if (typeof iterable === 'function') {
    const iterator = iterable.call(s);
    return new ReadableStream<Uint8Array>({
      async pull(controller) {
        const { done, value } = await iterator.next();
        if (done) controller.close();
        else controller.enqueue(value instanceof Uint8Array ? value : new Uint8Array(value as ArrayBuffer));
      },
      async cancel() {
        await iterator.return?.();
        s.destroy?.();
      },
    });
  }
  throw new ChatError('protocol_violation', 'The file could not be read in this runtime.');
}
