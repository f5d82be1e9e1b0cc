// The server's own HTTPS (TLS_CERT/TLS_KEY, no Apache): TLS 1.2+ only, HSTS, and the terminal client
// working with the test certificate authority and refusing without it.
import { readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:tls';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { alice, aliceRegistration } from './support/alice.js';
import { runCli } from './support/cli.js';
import { handshake, httpsRequest } from './support/https-probe.js';
import { makeCertificateFolder, type TestCertificates } from './support/tls.js';

describe('native TLS (TLS_CERT and TLS_KEY)', () => {
  let dir: string;
  let certs: TestCertificates;
  let ca: string;
  let server: ServerProcess;

  beforeAll(async () => {
    ({ dir, certs, ca } = makeCertificateFolder('chat-native-tls-'));
    server = await startServerProcess({ env: { TLS_CERT: certs.serverCert, TLS_KEY: certs.serverKey } });
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('listens on https only, with TLS 1.2 and 1.3 and not TLS 1.1', async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const port = Number(new URL(server.url).port);
    await expect(handshake(port, ca, 'TLSv1.1')).rejects.toThrow(/protocol version|unsupported protocol/i);
    await expect(handshake(port, ca, 'TLSv1.2')).resolves.toBe('TLSv1.2');
    await expect(handshake(port, ca, 'TLSv1.3')).resolves.toBe('TLSv1.3');
  });

  it('(control) the probe does speak TLS 1.1 to a listener that allows it', async () => {
    const permissive: Server = createServer({
      cert: readFileSync(certs.serverCert),
      key: readFileSync(certs.serverKey),
      minVersion: 'TLSv1.1',
      ciphers: 'DEFAULT@SECLEVEL=0',
    }, (socket) => socket.end());
    await new Promise<void>((resolve) => permissive.listen(0, '127.0.0.1', resolve));
    try {
      const address = permissive.address();
      if (!address || typeof address === 'string') throw new Error('no port');
      await expect(handshake(address.port, ca, 'TLSv1.1')).resolves.toBe('TLSv1.1');
    } finally {
      await new Promise<void>((resolve) => permissive.close(() => resolve()));
    }
  });

  it('sends HSTS', async () => {
    const health = await httpsRequest('GET', `${server.url}/health`, ca);
    expect(health.status).toBe(200);
    expect(health.headers['strict-transport-security']).toMatch(/^max-age=\d{7,}; includeSubDomains$/);
  });

  it('serves the terminal client that trusts the CA, and refuses one that does not', async () => {
    const registered = await httpsRequest('POST', `${server.url}/users`, ca, aliceRegistration);
    expect(registered.status).toBe(201);
    const as = ['--server', server.url, '--user', 'alice', '--ca-cert', certs.caCert, '--data-dir', path.join(dir, 'data-alice')];

    const login = await runCli(['login', ...as], alice.password);
    expect(login.code, login.stderr).toBe(0);
    const sent = await runCli(['send', ...as, 'alice', 'a note to myself over native TLS'], alice.password);
    expect(sent.code, sent.stderr).toBe(0);
    const read = await runCli(['messages', ...as, '--json'], alice.password);
    expect(read.code, read.stderr).toBe(0);
    expect(JSON.parse(read.stdout)).toEqual([
      expect.objectContaining({ sender: 'alice', recipient: 'alice', text: 'a note to myself over native TLS', status: 'verified' }),
    ]);

    const untrusted = await runCli(['messages', '--server', server.url, '--user', 'alice', '--data-dir', path.join(dir, 'data-noca')], alice.password);
    expect(untrusted.code, untrusted.stderr).toBe(4);
    expect(untrusted.stderr).toMatch(/certificate/i);
    expect(untrusted.stdout).toBe('');
  });
});
