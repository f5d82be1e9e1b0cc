// Test support for server tests: an in-process server on 127.0.0.1 port 0 over a fresh database, a tiny
// HTTP client, and protocol-valid request bodies made of fixed keys and arbitrary bytes.
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { freshDatabaseUrl } from '../../test/support/database.js';
import { loadConfig, type ServerConfig } from '../config.js';
import type { KeyLogOptions } from '../keylog/key-log.js';
import { startServer, type RunningServer, type StartOptions } from '../server.js';

interface KeyFixtures {
  valid: Record<'alice' | 'bob' | 'carol', string>;
  invalid: Record<'rsa2048' | 'rsa4096e3' | 'rsaPss4096' | 'ecP256' | 'ed25519', string>;
}

export const KEYS = JSON.parse(readFileSync(new URL('../test-fixtures/public-keys.json', import.meta.url), 'utf8')) as KeyFixtures;

/** The fixed key log key of test servers (server/test-fixtures/log-key.json): base64 PKCS#8 and SPKI. */
export const TEST_LOG_KEY = JSON.parse(readFileSync(new URL('../test-fixtures/log-key.json', import.meta.url), 'utf8')) as { privateKeyPkcs8: string; publicKey: string };

/** Key log options for test servers: the fixed key, so a fresh database needs no RSA-4096 generation. */
export const TEST_KEY_LOG: KeyLogOptions = { seedKey: Buffer.from(TEST_LOG_KEY.privateKeyPkcs8, 'base64') };

export async function testConfig(overrides: Partial<ServerConfig> = {}): Promise<ServerConfig> {
  return {
    ...loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }),
    databaseUrl: await freshDatabaseUrl(),
    // High enough that only the rate-limit tests ever meet them.
    registrationsPerAddress: 100_000,
    loginFailuresPerAddress: 100_000,
    loginFailuresPerUser: 100_000,
    webRoot: 'server/test-fixtures/no-web-build',
    ...overrides,
  };
}

export async function startTestServer(overrides: Partial<ServerConfig> = {}, options: StartOptions = {}): Promise<RunningServer & { config: ServerConfig }> {
  const config = await testConfig(overrides);
  return { ...(await startServer(config, { ...options, keyLog: { ...TEST_KEY_LOG, ...options.keyLog } })), config };
}

export interface Reply {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests inspect arbitrary JSON
  text: string;
}

export interface RequestOptions {
  token?: string;
  body?: unknown;
  /** Sent as is instead of JSON.stringify(body). */
  raw?: string;
  headers?: Record<string, string>;
}

export async function call(baseUrl: string, method: string, path: string, options: RequestOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.raw !== undefined) body = options.raw;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
  const response = await fetch(baseUrl + path, { method, headers, body });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}

export const b64 = (bytes: number): string => randomBytes(bytes).toString('base64');

export function registration(username: string, publicKey: string = KEYS.valid.alice, authHash = b64(64)) {
  return {
    username,
    authHash,
    publicKey,
    encryptedPrivateKey: b64(2400),
    kdfSalt: b64(16),
    kdfIterations: 210_000,
  };
}

export function outgoing(recipient: string, id: string = randomUUID()) {
  return {
    id,
    recipient,
    sessionKey: b64(512),
    senderSessionKey: b64(512),
    body: b64(60),
    signature: b64(540),
  };
}

/** A protocol-valid group message (format 2) with a made-up wrapped key for each of `recipients`. */
export function groupOutgoing(group: string, recipients: readonly string[], id: string = randomUUID()) {
  return {
    id,
    format: 2,
    group,
    keys: Object.fromEntries(recipients.map((name) => [name, b64(512)])) as Record<string, string>,
    senderSessionKey: b64(512),
    body: b64(80),
    signature: b64(540),
  };
}

export interface TestUser {
  username: string;
  authHash: string;
  token: string;
}

/** Registers a user and returns its token. */
export async function register(baseUrl: string, username: string, publicKey?: string): Promise<TestUser> {
  const body = registration(username, publicKey);
  const reply = await call(baseUrl, 'POST', '/users', { body });
  if (reply.status !== 201) throw new Error(`registering ${username}: ${reply.status} ${reply.text}`);
  return { username, authHash: body.authHash, token: reply.body.token as string };
}

/** Reads a text/event-stream response into a list of events and comments, until stopped. */
export class SseReader {
  readonly events: { id?: string; event?: string; data?: string }[] = [];
  readonly comments: string[] = [];
  private buffer = '';
  private readonly controller = new AbortController();
  private waiters: (() => void)[] = [];
  status = 0;
  headers: Headers | undefined;
  done: Promise<void> = Promise.resolve();

  async open(url: string, headers: Record<string, string>): Promise<void> {
    const response = await fetch(url, { headers, signal: this.controller.signal });
    this.status = response.status;
    this.headers = response.headers;
    if (!response.body) return;
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    this.done = (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          this.feed(value);
        }
      } catch {
        // aborted
      }
      this.ended = true;
      this.notify();
    })();
  }

  ended = false;

  private feed(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) !== -1) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const event: { id?: string; event?: string; data?: string } = {};
      let isEvent = false;
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
        else {
          const colon = line.indexOf(':');
          const field = line.slice(0, colon);
          const value = line.slice(colon + 1).replace(/^ /, '');
          if (field === 'id' || field === 'event' || field === 'data') {
            event[field] = value;
            isEvent = true;
          }
        }
      }
      if (isEvent) this.events.push(event);
    }
    this.notify();
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Waits until `test` holds; gives up (throws) when the stream ends first or after `limitMs`. */
  async until(test: () => boolean, what: string, limitMs = 10_000): Promise<void> {
    const deadline = Date.now() + limitMs;
    while (!test()) {
      if (this.ended) throw new Error(`stream ended while waiting for ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`gave up waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.controller.abort();
  }
}
