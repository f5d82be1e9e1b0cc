// The client core and the terminal client over HTTPS with a self-hosted certificate authority: refused until
// the CA is trusted (--ca-cert), then everything — including the live event stream on Node — works.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatClient } from '../core/client/chat-client.js';
import { toChatErrorInfo } from '../core/api/errors.js';
import { MemoryStore } from '../core/client/store.js';
import type { ChatEvent } from '../core/api/view.js';
import { registerFixture } from '../core/test-fixtures/accounts.js';
import { until } from '../core/test-fixtures/waiting.js';
import { transportWithCa } from '../node/transport.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';

const ROOT = resolve(import.meta.dirname, '..');
let dir: string;
let server: ServerProcess;
let caPem: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ec-tls-'));
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n');
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2', '-subj', '/CN=Test Chat CA',
    '-keyout', 'ca.key', '-out', 'ca.pem');
  openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', 'server.key', '-out', 'server.csr');
  openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-out', 'server.pem',
    '-extfile', 'server.ext');
  caPem = readFileSync(join(dir, 'ca.pem'), 'utf8');
  server = await startServerProcess({ env: { TLS_CERT: join(dir, 'server.pem'), TLS_KEY: join(dir, 'server.key'), USER_DIRECTORY: 'public' } });
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'cli/main.ts'), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

describe('HTTPS with a self-hosted certificate authority', () => {
  it('serves https', () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it('refuses the untrusted certificate with a clear message, and accepts it once the CA is trusted', async () => {
    const refused = await ChatClient.checkServer(server.url).catch((e: unknown) => toChatErrorInfo(e));
    expect(refused).toMatchObject({ code: 'bad_certificate' });
    expect((refused as { message: string }).message).toContain("The server's certificate is not trusted");
    expect((await ChatClient.checkServer(server.url, transportWithCa(caPem))).serverUrl).toBe(server.url);
  });

  it('the terminal client needs --ca-cert (or ENCRYPTED_CHAT_CA_CERT) for it', async () => {
    const without = await cli(['--server', server.url, 'users'], {});
    expect(without.code).toBe(4);
    expect(without.stderr).toContain("certificate is not trusted");
    const withFlag = await cli(['--server', server.url, '--ca-cert', join(dir, 'ca.pem'), 'users'], {});
    expect(withFlag.code).toBe(0);
    const withEnv = await cli(['--server', server.url, 'users'], { ENCRYPTED_CHAT_CA_CERT: join(dir, 'ca.pem') });
    expect(withEnv.code).toBe(0);
  });

  it('receives live events over https on Node (http adapter, custom CA agent)', async () => {
    await Promise.all([registerFixture(server.url, 'alice', 'alice', 'tls password 1', transportWithCa(caPem)), registerFixture(server.url, 'bob', 'bob', 'tls password 1', transportWithCa(caPem))]);
    const options = { serverUrl: server.url, store: new MemoryStore(), transport: transportWithCa(caPem) };
    const alice = new ChatClient(options);
    const bob = new ChatClient({ ...options, store: new MemoryStore() });
    await alice.login({ username: 'alice', password: 'tls password 1' });
    await bob.login({ username: 'bob', password: 'tls password 1' });
    const events: ChatEvent[] = [];
    bob.onEvent((e) => events.push(e));
    await bob.startLive();
    await until(() => events.some((e) => e.type === 'connection' && e.state === 'online'), 'the live connection');
    const sent = await alice.send({ conversation: 'bob', text: 'over TLS', id: alice.newMessageId() });
    await until(() => events.some((e) => e.type === 'message' && e.message.id === sent.id), 'the message event');
    expect((await bob.readMessages([sent.id]))[0]).toMatchObject({ text: 'over TLS', status: 'verified' });
    await bob.close();
    await alice.close();
  });
});
