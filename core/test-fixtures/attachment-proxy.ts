// Test support: a byte-exact proxy in front of the real server for the attachment tests. It forwards every
// request as it is, and lets a test alter what POST /attachments answers or what GET /attachments/{id} sends.
// Against a server without attachment routes yet it plays them itself (an in-memory store, the protocol's
// answers) and passes POST /messages on without its `attachments`, so the client can be tested either way.
import { createHash, randomUUID } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export class AttachmentProxy {
  readonly #target: URL;
  readonly #server: Server;
  /** Plays POST/GET /attachments itself (a server without them). */
  readonly fake: boolean;
  readonly #blobs = new Map<string, Buffer>();
  /** Rewrites a blob on its way to a downloader. */
  tamperDownload: ((blob: Buffer) => Buffer) | null = null;
  /** Rewrites the upload answer's JSON. */
  tamperUpload: ((answer: { id: string; size: number; digest: string }) => unknown) | null = null;
  /** The largest blob the fake takes (413 too_large above). */
  fakeLimit = Number.POSITIVE_INFINITY;
  /** Blobs uploaded through the proxy (their sizes), in order. */
  readonly uploads: number[] = [];
  url = '';

  constructor(target: string, fake: boolean) {
    this.#target = new URL(target);
    this.fake = fake;
    this.#server = createServer((req, res) => void this.#handle(req, res).catch(() => res.destroy()));
  }

  /** Whether the server at `url` has POST /attachments (401 without a token) rather than 404. */
  static async serverHasAttachments(url: string): Promise<boolean> {
    const response = await fetch(`${url}/attachments`, { method: 'POST', headers: { 'Content-Type': 'application/octet-stream' }, body: new Uint8Array(0) });
    await response.arrayBuffer();
    return response.status !== 404;
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = req.url ?? '/';
    const isUpload = req.method === 'POST' && path === '/attachments';
    const download = req.method === 'GET' ? /^\/attachments\/([^/?]+)$/.exec(path) : null;
    if (this.fake && isUpload) return this.#fakeUpload(req, res);
    if (this.fake && download) return this.#fakeDownload(download[1]!, res);
    const body = await collect(req);
    let forwarded = body;
    if (this.fake && req.method === 'POST' && path === '/messages') {
      const json = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
      delete json.attachments;
      forwarded = Buffer.from(JSON.stringify(json));
    }
    if (isUpload) this.uploads.push(body.length);
    const answer = await this.#forward(req, forwarded);
    let bytes = answer.body;
    if (download && answer.status === 200 && this.tamperDownload) bytes = this.tamperDownload(bytes);
    if (isUpload && answer.status === 201 && this.tamperUpload) bytes = Buffer.from(JSON.stringify(this.tamperUpload(JSON.parse(bytes.toString('utf8')) as never)));
    const headers: Record<string, string | string[] | undefined> = { ...answer.headers, 'content-length': String(bytes.length) };
    delete headers['transfer-encoding'];
    res.writeHead(answer.status, headers);
    res.end(bytes);
  }

  async #fakeUpload(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!req.headers.authorization) return json(res, 401, { error: { code: 'unauthorized', message: 'no token' } });
    const declared = Number(req.headers['content-length']);
    if (declared > this.fakeLimit) {
      req.resume();
      return json(res, 413, { error: { code: 'too_large', message: 'The attachment is too large.' } });
    }
    const blob = await collect(req);
    this.uploads.push(blob.length);
    const id = randomUUID();
    this.#blobs.set(id, blob);
    const answer = { id, size: blob.length, digest: createHash('sha512').update(blob).digest('base64') };
    json(res, 201, this.tamperUpload ? this.tamperUpload(answer) : answer);
  }

  #fakeDownload(id: string, res: ServerResponse): void {
    const blob = this.#blobs.get(id);
    if (!blob) return json(res, 404, { error: { code: 'not_found', message: 'no such attachment' } });
    const bytes = this.tamperDownload ? this.tamperDownload(blob) : blob;
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(bytes.length) });
    res.end(bytes);
  }

  #forward(req: IncomingMessage, body: Buffer): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const headers = { ...req.headers, host: this.#target.host, 'content-length': String(body.length) };
      const out = httpRequest({ host: this.#target.hostname, port: this.#target.port, method: req.method, path: req.url, headers }, (answer) => {
        void collect(answer).then((bytes) => resolve({ status: answer.statusCode ?? 502, headers: answer.headers, body: bytes }), reject);
      });
      out.on('error', reject);
      out.end(body);
    });
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const bytes = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(bytes.length) });
  res.end(bytes);
}

async function collect(stream: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}
