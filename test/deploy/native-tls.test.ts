// The server's own HTTPS (TLS_CERT/TLS_KEY, no Apache): TLS 1.2+ only, on TLS 1.2 only ECDHE with AEAD
// ciphers in the server's order (with an ECDSA and with an RSA certificate), HSTS, and the terminal
// client working with the test certificate authority and refusing without it.
import { readFileSync, rmSync } from 'node:fs';
import { createSecureContext, createServer, type Server } from 'node:tls';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { alice, aliceRegistration } from './support/alice.js';
import { runCli } from './support/cli.js';
import { handshake, handshakeTls12, httpsRequest } from './support/https-probe.js';
import { makeCertificateFolder, type TestCertificates } from './support/tls.js';

/** Whether this OpenSSL knows a suite at all (CCM and ARIA may be compiled out). */
function known(suite: string): boolean {
  try {
    createSecureContext({ ciphers: `${suite}:@SECLEVEL=0` });
    return true;
  } catch {
    return false;
  }
}

// TLS 1.2 suites the server must refuse, one of each kind, for each kind of certificate.
const REFUSED = {
  ecdsa: [
    'ECDHE-ECDSA-AES128-SHA', // CBC, SHA-1
    'ECDHE-ECDSA-AES256-SHA', // CBC, SHA-1
    'ECDHE-ECDSA-AES128-SHA256', // CBC
    'ECDHE-ECDSA-AES256-SHA384', // CBC
    'ECDHE-ECDSA-AES128-CCM', // CCM
    'ECDHE-ECDSA-AES128-CCM8', // CCM, short tag
    'ECDHE-ECDSA-ARIA128-GCM-SHA256', // ARIA
  ].filter(known),
  rsa: [
    'AES128-GCM-SHA256', // static RSA key exchange: no forward secrecy
    'AES256-GCM-SHA384', // static RSA
    'AES128-SHA', // static RSA, CBC, SHA-1
    'AES128-CCM', // static RSA, CCM
    'ECDHE-RSA-AES128-SHA', // CBC, SHA-1
    'ECDHE-RSA-AES128-SHA256', // CBC
    'ECDHE-ARIA128-GCM-SHA256', // ARIA
    'DHE-RSA-AES128-GCM-SHA256', // finite-field DHE: not ECDHE
  ].filter(known),
};
const ALLOWED = {
  ecdsa: ['ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-ECDSA-CHACHA20-POLY1305'],
  rsa: ['ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-RSA-CHACHA20-POLY1305'],
};

async function expectSuites(port: number, ca: string, kind: 'ecdsa' | 'rsa'): Promise<void> {
  for (const suite of REFUSED[kind]) {
    await expect(handshakeTls12(port, ca, suite), suite).rejects.toThrow(/handshake failure|no shared cipher|no ciphers available/i);
  }
  for (const suite of ALLOWED[kind]) {
    await expect(handshakeTls12(port, ca, suite), suite).resolves.toEqual({ protocol: 'TLSv1.2', cipher: suite });
  }
  // The server's order wins: offered ChaCha20 first, AES-128-GCM last, it picks AES-128-GCM.
  const offered = [...ALLOWED[kind]].reverse().join(':');
  await expect(handshakeTls12(port, ca, offered)).resolves.toEqual({ protocol: 'TLSv1.2', cipher: ALLOWED[kind][0] });
}

/** (control) A listener allowing everything negotiates each refused suite with the probe. */
async function expectProbeCanSpeak(certFile: string, keyFile: string, ca: string, kind: 'ecdsa' | 'rsa'): Promise<void> {
  const permissive: Server = createServer(
    { cert: readFileSync(certFile), key: readFileSync(keyFile), ciphers: 'ALL:@SECLEVEL=0', dhparam: 'auto' },
    (socket) => socket.end(),
  );
  await new Promise<void>((resolve) => permissive.listen(0, '127.0.0.1', resolve));
  try {
    const address = permissive.address();
    if (!address || typeof address === 'string') throw new Error('no port');
    for (const suite of REFUSED[kind]) {
      await expect(handshakeTls12(address.port, ca, suite), suite).resolves.toMatchObject({ cipher: suite });
    }
  } finally {
    await new Promise<void>((resolve) => permissive.close(() => resolve()));
  }
}

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

  it('on TLS 1.2 takes only ECDHE-ECDSA with AES-GCM or ChaCha20-Poly1305, in its own order', async () => {
    expect(REFUSED.ecdsa.length).toBeGreaterThanOrEqual(4);
    await expectSuites(Number(new URL(server.url).port), ca, 'ecdsa');
  });

  it('(control) the probe does negotiate each refused ECDSA suite with a listener that allows it', async () => {
    await expectProbeCanSpeak(certs.serverCert, certs.serverKey, ca, 'ecdsa');
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

describe('native TLS with an RSA certificate', () => {
  let dir: string;
  let certs: TestCertificates;
  let ca: string;
  let server: ServerProcess;

  beforeAll(async () => {
    ({ dir, certs, ca } = makeCertificateFolder('chat-native-tls-rsa-', 'rsa'));
    server = await startServerProcess({ env: { TLS_CERT: certs.serverCert, TLS_KEY: certs.serverKey } });
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('on TLS 1.2 takes only ECDHE-RSA with AES-GCM or ChaCha20-Poly1305 (no static RSA, DHE, CBC, CCM, ARIA), in its own order', async () => {
    expect(REFUSED.rsa.length).toBeGreaterThanOrEqual(5);
    await expectSuites(Number(new URL(server.url).port), ca, 'rsa');
  });

  it('still speaks TLS 1.3', async () => {
    await expect(handshake(Number(new URL(server.url).port), ca, 'TLSv1.3')).resolves.toBe('TLSv1.3');
  });

  it('(control) the probe does negotiate each refused RSA suite with a listener that allows it', async () => {
    await expectProbeCanSpeak(certs.serverCert, certs.serverKey, ca, 'rsa');
  });
});
