// The listener's connection limits over real TCP on loopback: CONNECTIONS_PER_ADDRESS against thousands of
// half-open connections from 127.0.0.1 while a client on 127.0.0.2 is served, and the HTTP timeouts (a
// silent or half-sent request is dropped; a long-lived GET /events stream is not).
import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerConfig } from '../config.js';
import { until } from '../../core/test-fixtures/waiting.js';
import { HTTP_TIMEOUTS, startServer, type HttpTimeouts } from '../server.js';
import { call, outgoing, register, SseReader, TEST_KEY_LOG, testConfig } from '../testing/harness.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(overrides: Partial<ServerConfig> = {}, timeouts?: Partial<HttpTimeouts>) {
  const server = await startServer(await testConfig(overrides), { timeouts, keyLog: TEST_KEY_LOG });
  cleanups.push(() => server.close());
  return server;
}

/** GET /health from a given local address on a fresh connection: the status, or the socket error. */
function healthFrom(url: string, localAddress: string, timeoutMs = 5_000): Promise<number | string> {
  return new Promise((resolve) => {
    const req = http.get(`${url}/health`, { localAddress, agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

describe('CONNECTIONS_PER_ADDRESS', () => {
  it('destroys connections beyond the cap at once, and another address is served meanwhile', async () => {
    const CAP = 256;
    const ATTEMPTS = 3_000;
    const server = await start({ connectionsPerAddress: CAP });
    const { hostname } = new URL(server.url);
    const port = Number(new URL(server.url).port);
    const sockets: net.Socket[] = [];
    cleanups.push(() => {
      for (const s of sockets) s.destroy();
    });
    let closedByServer = 0;
    const started = Date.now();
    // In waves, so the listen backlog is never what refuses them. Some say nothing, some send half a
    // request line, some all but the blank line that ends the headers.
    for (let wave = 0; wave < ATTEMPTS / 250; wave++) {
      await Promise.all(
        Array.from({ length: 250 }, (_, i) => {
          const n = wave * 250 + i;
          const socket = net.connect({ host: hostname, port, localAddress: '127.0.0.1' });
          sockets.push(socket);
          socket.on('error', () => undefined);
          socket.once('close', () => closedByServer++);
          return new Promise<void>((resolve) => {
            socket.once('connect', () => {
              if (n % 3 === 1) socket.write('GET /hea');
              if (n % 3 === 2) socket.write(`GET /health HTTP/1.1\r\nHost: ${hostname}\r\n`);
              resolve();
            });
            socket.once('close', () => resolve());
          });
        }),
      );
    }
    // Everything beyond the cap is closed by the server without waiting for any timeout.
    await until(() => closedByServer >= ATTEMPTS - CAP, `${ATTEMPTS - CAP} connections to be closed`, 10_000);
    const stillOpen = sockets.filter((s) => !s.destroyed).length;
    expect(stillOpen).toBeLessThanOrEqual(CAP);

    const t0 = performance.now();
    const honest = await Promise.all([healthFrom(server.url, '127.0.0.2'), healthFrom(server.url, '127.0.0.2')]);
    console.log(
      `connections: ${ATTEMPTS} from 127.0.0.1 in ${Date.now() - started} ms, ${stillOpen} kept; /health from 127.0.0.2 in ${(performance.now() - t0).toFixed(1)} ms`,
    );
    expect(honest).toEqual([200, 200]);
    // 127.0.0.1 itself is at its cap until it lets go.
    expect(await healthFrom(server.url, '127.0.0.1')).not.toBe(200);
    for (const s of sockets) s.destroy();
    await until(() => sockets.every((s) => s.destroyed), 'the sockets to close', 5_000);
    let again: number | string = 0;
    for (let i = 0; i < 20 && again !== 200; i++) {
      again = await healthFrom(server.url, '127.0.0.1');
      if (again !== 200) await new Promise((r) => setTimeout(r, 50));
    }
    expect(again).toBe(200);
  }, 40_000);

  it('does not count a trusted proxy (TRUST_PROXY), whose connections carry many clients', async () => {
    const server = await start({ connectionsPerAddress: 2, trustProxy: 'loopback' });
    const { hostname } = new URL(server.url);
    const port = Number(new URL(server.url).port);
    const sockets = Array.from({ length: 5 }, () => net.connect({ host: hostname, port }).on('error', () => undefined));
    cleanups.push(() => {
      for (const s of sockets) s.destroy();
    });
    await Promise.all(sockets.map((s) => new Promise((r) => s.once('connect', r))));
    expect(await healthFrom(server.url, '127.0.0.1')).toBe(200);
    expect(sockets.every((s) => !s.destroyed)).toBe(true);
  });
});

describe('HTTP timeouts', () => {
  it('are set deliberately: headers within 20 s, a request within 60 s, keep-alive 5 s, TLS handshake 10 s', () => {
    expect(HTTP_TIMEOUTS).toEqual({
      headersTimeout: 20_000,
      requestTimeout: 60_000,
      keepAliveTimeout: 5_000,
      connectionsCheckingInterval: 2_000,
      handshakeTimeout: 10_000,
    });
  });

  it('drop a silent or half-sent request, but never a long-lived event stream', async () => {
    const server = await start(
      { heartbeatSeconds: 1, sendsPerMinute: 0 },
      { headersTimeout: 800, requestTimeout: 1_000, keepAliveTimeout: 500, connectionsCheckingInterval: 100 },
    );
    const { hostname } = new URL(server.url);
    const port = Number(new URL(server.url).port);
    const alice = await register(server.url, 'alice');
    const reader = new SseReader();
    cleanups.push(() => reader.close());
    await reader.open(`${server.url}/events`, { authorization: `Bearer ${alice.token}` });

    const probe = (data?: string) => {
      const socket = net.connect({ host: hostname, port });
      cleanups.push(() => void socket.destroy());
      let answer = '';
      socket.on('error', () => undefined);
      socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk));
      if (data !== undefined) socket.once('connect', () => socket.write(data));
      return new Promise<string>((resolve) => socket.once('close', () => resolve(answer)));
    };
    const [silent, partial] = await Promise.all([probe(), probe(`GET /health HTTP/1.1\r\nHost: ${hostname}\r\n`)]);
    expect(silent).toMatch(/^HTTP\/1\.1 408 /);
    expect(partial).toMatch(/^HTTP\/1\.1 408 /);

    // Well past requestTimeout the stream still has its heartbeats and its events.
    await new Promise((r) => setTimeout(r, 2_500));
    expect(reader.ended).toBe(false);
    expect(reader.comments.filter((c) => c === 'heartbeat').length).toBeGreaterThanOrEqual(2);
    const sent = await call(server.url, 'POST', '/messages', { token: alice.token, body: outgoing('alice') });
    expect(sent.status).toBe(201);
    await until(() => reader.events.length === 1, 'the event', 5_000);
    expect(reader.events[0]!.id).toBe(String(sent.body.seq));
  }, 20_000);

  it('cut a client that trickles its headers a byte at a time (slowloris) at headersTimeout, however steadily it sends', async () => {
    const server = await start({}, { headersTimeout: 800, requestTimeout: 5_000, connectionsCheckingInterval: 100 });
    const { hostname, port } = new URL(server.url);
    const request = `GET /health HTTP/1.1\r\nHost: ${hostname}\r\nX-Padding: ${'a'.repeat(200)}\r\n\r\n`;
    const socket = net.connect({ host: hostname, port: Number(port) });
    cleanups.push(() => void socket.destroy());
    socket.on('error', () => undefined);
    let answer = '';
    let written = 0;
    socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk));
    const started = performance.now();
    // A byte every 50 ms: the whole request would take over 10 s; each byte resets no timer.
    const drip = setInterval(() => {
      if (written < request.length && !socket.destroyed) socket.write(request[written++]!);
    }, 50);
    cleanups.push(() => clearInterval(drip));
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    clearInterval(drip);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(written).toBeLessThan(request.length / 2);
    expect(performance.now() - started).toBeLessThan(5_000);
  }, 20_000);
});
