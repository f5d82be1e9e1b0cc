// The terminal client through a real Apache httpd (Debian's apache2) running the shipped site file
// deploy/apache/encrypted-chat.conf in front of the server, with a test certificate authority: register,
// login, send, read and live events; then the refusals a person must get — the same server without the
// CA, and plain http to a machine that is not this one.
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipForMissingTool } from '../support/required-tool.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { alice, aliceRegistration } from './support/alice.js';
import { apacheUnavailable, startApache, type RunningApache } from './support/apache.js';
import { CliWatch, runCli } from './support/cli.js';
import { handshake, httpsRequest } from './support/https-probe.js';
import { makeCertificateFolder, type TestCertificates } from './support/tls.js';

const unavailable = apacheUnavailable();
/** Registrations per client address; the test registers two accounts before it tries to exceed it. */
const REGISTRATION_LIMIT = 6;

function registration(username: string, spoofedAddress: string) {
  return {
    body: {
      username,
      authHash: randomBytes(64).toString('base64'),
      publicKey: alice.publicKey,
      encryptedPrivateKey: alice.encryptedPrivateKey,
      kdfSalt: randomBytes(16).toString('base64'),
      kdfIterations: 210_000,
    },
    headers: { 'x-forwarded-for': spoofedAddress },
  };
}

describe.skipIf(skipForMissingTool(unavailable))(`the terminal client through Apache${unavailable ? ` — skipped: ${unavailable}` : ''}`, () => {
  let dir: string;
  let certs: TestCertificates;
  let server: ServerProcess;
  let apache: RunningApache;
  let ca: string;

  beforeAll(async () => {
    ({ dir, certs, ca } = makeCertificateFolder('chat-apache-'));
    server = await startServerProcess({ env: { TRUST_PROXY: 'loopback', REGISTRATIONS_PER_ADDRESS: String(REGISTRATION_LIMIT) } });
    apache = await startApache({ dir, backendUrl: server.url, certFile: certs.serverCert, keyFile: certs.serverKey });
    // alice from the shared test vectors (no RSA key generation); bob registers through the client below.
    const registered = await httpsRequest('POST', `${apache.httpsUrl}/users`, ca, aliceRegistration);
    if (registered.status !== 201) throw new Error(`registering alice through Apache: ${registered.status} ${registered.body}`);
  }, 60_000);

  afterAll(async () => {
    // Server first: it ends the event streams Apache is still relaying, so Apache stops at once instead
    // of waiting for its proxy threads.
    await server?.stop();
    await apache?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const as = (user: string) => ['--server', apache.httpsUrl, '--user', user, '--ca-cert', certs.caCert, '--data-dir', path.join(dir, `data-${user}`)];

  it('registers, logs in, sends, reads and watches live through Apache with the CA', async () => {
    const bobPassword = 'a long passphrase for bob through apache';
    const register = await runCli(['register', ...as('bob')], bobPassword);
    expect(register.code, register.stderr).toBe(0);
    const login = await runCli(['login', ...as('alice')], alice.password);
    expect(login.code, login.stderr).toBe(0);

    const watch = new CliWatch(as('bob'), bobPassword);
    try {
      await watch.until((w) => w.stderr.includes('Watching for messages as bob'), 'the watch to be online');
      const sent = await runCli(['send', ...as('alice'), 'bob', 'hello through Apache'], alice.password);
      expect(sent.code, sent.stderr).toBe(0);
      await watch.until((w) => w.stdout.includes('alice → bob: hello through Apache'), 'the live message');
    } finally {
      expect(await watch.stop()).toBe(130); // Ctrl-C, as docs/cli.md says
    }

    const read = await runCli(['messages', ...as('bob'), '--json', '--peer', 'alice'], bobPassword);
    expect(read.code, read.stderr).toBe(0);
    expect(JSON.parse(read.stdout)).toEqual([
      expect.objectContaining({ sender: 'alice', recipient: 'bob', text: 'hello through Apache', status: 'verified' }),
    ]);

    // It went through Apache: its access log has the client's requests (a stream is logged only once
    // Apache has noticed its end, so the watch's own line may still be missing here).
    const access = readFileSync(path.join(dir, 'encrypted-chat-access.log'), 'utf8');
    expect(access).toMatch(/"POST \/users HTTP\/1\.1" 201/);
    expect(access).toMatch(/"POST \/messages HTTP\/1\.1" 201/);
  });

  it('refuses the same server when the client does not trust its certificate authority', async () => {
    const result = await runCli(['login', '--server', apache.httpsUrl, '--user', 'alice', '--data-dir', path.join(dir, 'data-noca')], alice.password);
    expect(result.code, result.stderr).toBe(4);
    expect(result.stderr).toMatch(/certificate/i);
    expect(result.stderr).toMatch(/trust/i);
    expect(result.stdout).toBe('');
  });

  it('refuses plain http to an address that is not this computer, before connecting', async () => {
    // 192.0.2.1 is TEST-NET-1: nothing answers there. Refusing up front is the only way to get this message
    // instead of a connection failure.
    const result = await runCli(['login', '--server', 'http://192.0.2.1', '--user', 'alice', '--data-dir', path.join(dir, 'data-http')], alice.password);
    expect(result.code, result.stderr).toBe(4);
    expect(result.stderr).toMatch(/plain http/i);
    expect(result.stderr).not.toMatch(/unreachable|timed out|ECONN|EHOST|ENETUNREACH/i);
  });

  it('speaks TLS 1.2 and 1.3 only, sends HSTS, and only redirects on plain http', async () => {
    const port = Number(new URL(apache.httpsUrl).port);
    await expect(handshake(port, ca, 'TLSv1.1')).rejects.toThrow(/protocol version|unsupported protocol/i);
    await expect(handshake(port, ca, 'TLSv1.2')).resolves.toBe('TLSv1.2');
    await expect(handshake(port, ca, 'TLSv1.3')).resolves.toBe('TLSv1.3');

    const health = await httpsRequest('GET', `${apache.httpsUrl}/health`, ca);
    expect(health.status).toBe(200);
    expect(health.headers['strict-transport-security']).toBe('max-age=63072000; includeSubDomains');

    const plain = await fetch(`${apache.httpUrl}/health`, { redirect: 'manual' });
    expect(plain.status).toBe(301);
    expect(plain.headers.get('location')).toBe('https://localhost/health');
  });

  it('counts registrations per real client address: a client cannot pick its own through Apache', async () => {
    // Control: straight to the server, which trusts X-Forwarded-For from loopback, a made-up address
    // per request would dodge the limit…
    for (let i = 0; i < REGISTRATION_LIMIT + 2; i++) {
      const { body, headers } = registration(`direct_${i}`, `203.0.113.${i + 1}`);
      const reply = await fetch(`${server.url}/users`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(reply.status).toBe(201);
    }
    // …but Apache replaces the header with the real peer address, so the limit holds.
    const statuses: number[] = [];
    for (let i = 0; i < REGISTRATION_LIMIT + 2; i++) {
      const { body, headers } = registration(`proxied_${i}`, `198.51.100.${i + 1}`);
      statuses.push((await httpsRequest('POST', `${apache.httpsUrl}/users`, ca, body, headers)).status);
    }
    expect(statuses).toContain(429);
    expect(statuses.filter((s) => s === 201).length).toBeLessThan(REGISTRATION_LIMIT);
  });
});
