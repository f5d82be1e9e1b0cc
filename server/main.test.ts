// The entry as a process: one stdout line when ready, one stderr line and exit 1 on a bad setting,
// exit 0 after SIGTERM with in-flight requests answered, HTTPS with TLS_CERT/TLS_KEY.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freshDatabaseUrl } from '../test/support/database.js';
import { describeSettings } from './config.js';
import { outgoing, registration } from './testing/harness.js';

function runMain(env: Record<string, string>, args: string[] = []) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts', ...args], {
    cwd: path.resolve(import.meta.dirname, '..'),
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      const match = /^Encrypted Chat server listening on (\S+)\n/.exec(stdout);
      if (match) resolve(match[1]!);
    });
    void exit.then(() => reject(new Error(`exited early: ${stderr}`)));
  });
  // Tests of failed starts never wait for `ready`; its rejection is expected there.
  ready.catch(() => undefined);
  return { child, exit, ready, out: () => stdout, err: () => stderr };
}

describe('server/main.ts', () => {
  it('--help and -h print every setting (variable, flag, default, meaning) and exit 0 without starting', async () => {
    for (const args of [['--help'], ['-h'], ['--port', '1', '--help']]) {
      // A bad setting in the environment does not matter to --help, and nothing is started or opened.
      const run = runMain({ DATABASE_URL: 'mysql://nope', TOKEN_TTL: 'forever' }, args);
      expect(await run.exit, args.join(' ')).toBe(0);
      expect(run.err()).toBe('');
      const out = run.out();
      expect(out).toMatch(/^Usage: /);
      expect(out).not.toMatch(/listening/);
      expect(out).toMatch(/-h, --help/);
      for (const { env, flag } of describeSettings()) {
        const line = new RegExp(`^  ${env}, ${flag} <value>   \\(default: [^)]+\\)\\n      \\S.*$`, 'm');
        expect(out, env).toMatch(line);
        expect(out, env).not.toMatch(new RegExp(`^  ${env}, .*\\n      \\(not described yet\\)`, 'm'));
      }
    }
    const out = runMain({}, ['--help']);
    await out.exit;
    expect(out.out()).toMatch(/STREAMS_PER_USER, --streams-per-user <value> {3}\(default: 10\)/);
    expect(out.out()).toMatch(/TOKEN_TTL, --token-ttl <value> {3}\(default: 1h\)/);
    expect(out.out()).toMatch(/CONNECTIONS_PER_ADDRESS, --connections-per-address <value> {3}\(default: 256\)/);
  });

  it('stops a bad setting with exit 1 and one line naming it', async () => {
    const run = runMain({ DATABASE_URL: await freshDatabaseUrl() }, ['--token-ttl', 'forever']);
    expect(await run.exit).toBe(1);
    expect(run.out()).toBe('');
    expect(run.err()).toMatch(/^Encrypted Chat server: bad setting: TOKEN_TTL \(--token-ttl\) .*"forever"\n$/);
  });

  it('says in one line why it cannot start', async () => {
    const badUrl = runMain({ DATABASE_URL: 'mysql://nope' });
    expect(await badUrl.exit).toBe(1);
    expect(badUrl.err()).toMatch(/^Encrypted Chat server: bad setting: DATABASE_URL .*must start with sqlite: or postgres:\/\/.*\n$/);
    const missingCert = runMain({ DATABASE_URL: await freshDatabaseUrl(), TLS_CERT: '/nonexistent/cert.pem', TLS_KEY: '/nonexistent/key.pem' });
    expect(await missingCert.exit).toBe(1);
    expect(missingCert.err()).toMatch(/^Encrypted Chat server could not start: TLS_CERT: cannot read .*\/nonexistent\/cert\.pem.*\n$/);
  });

  it('prints exactly one line, then on SIGTERM answers in-flight requests and exits 0', async () => {
    const run = runMain({ DATABASE_URL: await freshDatabaseUrl() });
    const url = await run.ready;
    expect(run.out()).toBe(`Encrypted Chat server listening on ${url}\n`);
    const reg = await fetch(`${url}/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(registration('alice')) });
    const { token } = (await reg.json()) as { token: string };
    let firstAnswer: () => void = () => undefined;
    const answered = new Promise<void>((resolve) => (firstAnswer = resolve));
    const sends = Array.from({ length: 30 }, () =>
      fetch(`${url}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(outgoing('alice')),
      }).then(
        (r) => {
          firstAnswer();
          return r.status;
        },
        (error: unknown) => `refused: ${String((error as Error).cause ?? error)}`,
      ),
    );
    // Terminate while the others are still being handled.
    await answered;
    run.child.kill('SIGTERM');
    const statuses = await Promise.all(sends);
    expect(await run.exit).toBe(0);
    // Each request was either answered properly or never taken in (refused, or its idle connection
    // closed before the request was read); none got an error answer.
    for (const status of statuses) expect(String(status)).toMatch(/^(201|refused: .*(ECONNREFUSED|ECONNRESET|other side closed).*)$/);
    expect(statuses).toContain(201);
  });

  it('serves HTTPS with TLS 1.2+ and HSTS when given a certificate', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'chat-tls-'));
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    const run = runMain({ DATABASE_URL: await freshDatabaseUrl(), TLS_CERT: cert, TLS_KEY: key });
    const url = await run.ready;
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const https = await import('node:https');
    const answer = await new Promise<{ status?: number; hsts?: string; protocol?: string }>((resolve, reject) => {
      const req = https.get(`${url}/health`, { ca: execFileSync('cat', [cert]) }, (res) => {
        res.resume();
        resolve({ status: res.statusCode, hsts: res.headers['strict-transport-security'], protocol: (res.socket as import('node:tls').TLSSocket).getProtocol() ?? undefined });
      });
      req.on('error', reject);
    });
    expect(answer.status).toBe(200);
    expect(answer.hsts).toMatch(/max-age=\d+/);
    expect(['TLSv1.2', 'TLSv1.3']).toContain(answer.protocol);
    const old = await new Promise<string>((resolve) => {
      const req = https.get(`${url}/health`, { rejectUnauthorized: false, maxVersion: 'TLSv1.1', minVersion: 'TLSv1' }, () => resolve('connected'));
      req.on('error', () => resolve('refused'));
    });
    expect(old).toBe('refused');
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
  });
});
