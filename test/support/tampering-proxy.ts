// Test support: a hostile middle between a ChatClient and the real server. It forwards everything and lets a
// test rewrite JSON answers, answer requests itself, hold or cut the live event stream.
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Exchange {
  method: string;
  path: string;
  status: number;
  json: unknown;
}

/** Returns a replacement answer, or undefined to pass the server's answer on. */
export type Rewrite = (exchange: Exchange) => { status: number; json: unknown; headers?: Record<string, string> } | undefined;
/** Answers a request before it reaches the server; undefined to forward it. */
export type Intercept = (method: string, path: string, body: string, headers: IncomingMessage['headers']) => { status: number; json: unknown; headers?: Record<string, string> } | undefined;

export class TamperingProxy {
  readonly #target: URL;
  readonly #server: Server;
  readonly #streams = new Set<ServerResponse>();
  rewrite: Rewrite | null = null;
  intercept: Intercept | null = null;
  /** While set, new /events requests wait for it to resolve before they are forwarded. */
  holdEvents: Promise<void> | null = null;
  eventConnections = 0;
  /** Every request seen, as "METHOD path". */
  readonly requests: string[] = [];
  url = '';

  constructor(target: string) {
    this.#target = new URL(target);
    this.#server = createServer((req, res) => void this.#handle(req, res));
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.cutEvents();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** Drops every open live event stream, as a failing network would. */
  cutEvents(): void {
    for (const res of this.#streams) res.destroy();
    this.#streams.clear();
  }

  /** Writes one SSE event (or any raw text, with `raw`) into every open live stream, as the server would. */
  injectEvent(data: unknown, options: { id?: number; event?: string; raw?: string } = {}): void {
    const text =
      options.raw ??
      `${options.id === undefined ? '' : `id: ${options.id}\n`}event: ${options.event ?? 'message'}\ndata: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
    for (const res of this.#streams) res.write(text);
  }

  /** How many requests matched since the proxy started. */
  count(method: string, pathPrefix: string): number {
    return this.requests.filter((r) => r.startsWith(`${method} ${pathPrefix}`)).length;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const path = req.url ?? '/';
    this.requests.push(`${req.method ?? 'GET'} ${path}`);
    if (this.requests.length > 100_000) this.requests.splice(0, 50_000);
    const own = this.intercept?.(req.method ?? 'GET', path, body.toString('utf8'), req.headers);
    if (own) return send(res, own.status, own.json, own.headers);
    const isEvents = path.startsWith('/events');
    if (isEvents && this.holdEvents) await this.holdEvents;
    const upstream = httpRequest(
      { host: this.#target.hostname, port: this.#target.port, method: req.method, path, headers: { ...req.headers, host: this.#target.host } },
      (answer) => {
        if (isEvents && answer.statusCode === 200) {
          this.eventConnections++;
          this.#streams.add(res);
          res.on('close', () => this.#streams.delete(res));
          res.writeHead(200, answer.headers);
          answer.pipe(res);
          return;
        }
        const parts: Buffer[] = [];
        answer.on('data', (c: Buffer) => parts.push(c));
        answer.on('end', () => {
          const raw = Buffer.concat(parts);
          const text = raw.toString('utf8');
          let json: unknown = undefined;
          try {
            json = text === '' ? undefined : JSON.parse(text);
          } catch {
            json = undefined;
          }
          const replaced = this.rewrite?.({ method: req.method ?? 'GET', path, status: answer.statusCode ?? 0, json });
          if (replaced) {
            const headers: Record<string, string> = { ...replaced.headers };
            for (const name of ['x-auth-token', 'x-device-credential']) {
              const value = answer.headers[name];
              if (typeof value === 'string' && !(name in headers)) headers[name] = value;
            }
            return send(res, replaced.status, replaced.json, headers);
          }
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          res.end(raw);
        });
      },
    );
    upstream.on('error', () => res.destroy());
    upstream.end(body);
  }
}

function send(res: ServerResponse, status: number, json: unknown, headers: Record<string, string> = {}): void {
  const text = json === undefined ? '' : typeof json === 'string' ? json : JSON.stringify(json);
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(text);
}
