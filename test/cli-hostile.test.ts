// The real CLI process (cli/main.ts) against hostile fake servers: one that never answers (the command must
// still stop on SIGINT/SIGTERM within a second, with 130/143) and one whose error messages carry terminal
// controls (they must reach the terminal escaped).
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../core/test-fixtures/waiting.js';

const ROOT = resolve(import.meta.dirname, '..');
const servers: Server[] = [];
const sockets = new Set<Socket>();

afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  sockets.clear();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function fakeServer(handle: (res: ServerResponse, url: string) => void): Promise<{ url: string; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    handle(res, req.url ?? '');
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

interface Run {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

function start(serverUrl: string, args: string[]): Run {
  const home = mkdtempSync(join(tmpdir(), 'ec-cli-hostile-'));
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'cli/main.ts'), ...args], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: home,
      XDG_CONFIG_HOME: home,
      ENCRYPTED_CHAT_SERVER: serverUrl,
      ENCRYPTED_CHAT_USER: 'bob',
      ENCRYPTED_CHAT_PASSWORD: 'bob password 1',
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin!.end('');
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((r) =>
    child.on('close', (code, signal) => r({ code, signal, stdout, stderr })),
  );
  return { child, exited };
}

describe('the CLI against a hostile server', () => {
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    it(`watch stops on ${signal} within a second with exit code ${code}, though the server never answers`, async () => {
      const server = await fakeServer(() => undefined); // holds every request open, forever
      const run = start(server.url, ['watch']);
      await until(() => server.requests.length > 0, 'the first request', 30_000);
      const sent = Date.now();
      run.child.kill(signal);
      const result = await Promise.race([run.exited, new Promise<null>((r) => setTimeout(() => r(null), 3_000))]);
      if (result === null) run.child.kill('SIGKILL');
      expect(result).toMatchObject({ code, signal: null });
      expect(Date.now() - sent).toBeLessThan(1_500);
    });
  }

  it('stops on SIGINT while the server keeps a response trickling in', async () => {
    const server = await fakeServer((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const timer = setInterval(() => res.write(' '), 10);
      res.on('close', () => clearInterval(timer));
    });
    const run = start(server.url, ['messages']);
    await until(() => server.requests.length > 0, 'the first request', 30_000);
    await new Promise((r) => setTimeout(r, 200));
    run.child.kill('SIGINT');
    const result = await Promise.race([run.exited, new Promise<null>((r) => setTimeout(() => r(null), 3_000))]);
    if (result === null) run.child.kill('SIGKILL');
    expect(result).toMatchObject({ code: 130, signal: null });
  });

  it("escapes C1 controls and bidi characters in the server's error message before printing it", async () => {
    const evil = 'Nope\u009b2J\u009d0;pwned\u0007 \u202egnp.exe\u200f\u2066';
    const server = await fakeServer((res) => {
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'forbidden', message: evil } }));
    });
    const run = start(server.url, ['users']);
    const result = await run.exited;
    expect(result.code).toBe(1);
    expect(result.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/);
    expect(result.stderr).toContain('Nope\\u009b2J\\u009d0;pwned');
    expect(result.stderr).toContain('\\u202egnp.exe\\u200f\\u2066');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});
