// Low-level TLS and HTTPS probes, for what the terminal client cannot show: which protocol versions a
// listener accepts and which headers it sends.
import { request } from 'node:https';
import { connect, type SecureVersion } from 'node:tls';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * Resolves with the negotiated protocol, or rejects with the handshake error. The probe itself is
 * willing to speak old versions (OpenSSL 3 refuses TLS 1.0/1.1 below security level 0), so a refusal
 * is the listener's.
 */
export function handshake(port: number, ca: string, version: SecureVersion): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca, minVersion: version, maxVersion: version,
      ciphers: 'DEFAULT@SECLEVEL=0' });
    socket.once('secureConnect', () => {
      const protocol = socket.getProtocol() ?? 'unknown';
      socket.destroy();
      resolve(protocol);
    });
    socket.once('error', reject);
  });
}

export interface Negotiated {
  protocol: string;
  cipher: string;
}

/**
 * A TLS 1.2 handshake offering only `ciphers` (OpenSSL names, in the client's order of preference):
 * resolves with what was negotiated, or rejects with the handshake error. The probe allows every suite
 * its OpenSSL knows (security level 0), so a refusal is the listener's.
 */
export function handshakeTls12(port: number, ca: string, ciphers: string): Promise<Negotiated> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2',
      ciphers: `${ciphers}:@SECLEVEL=0` });
    socket.setTimeout(5_000, () => socket.destroy(new Error('handshake timed out')));
    socket.once('secureConnect', () => {
      const negotiated = { protocol: socket.getProtocol() ?? 'unknown', cipher: socket.getCipher().name };
      socket.destroy();
      resolve(negotiated);
    });
    socket.once('error', reject);
  });
}

export interface HttpsReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One HTTPS request trusting `ca`; `json` is sent as an application/json body. */
export function httpsRequest(method: string, url: string, ca: string, json?: unknown, extraHeaders: Record<string, string> = {}): Promise<HttpsReply> {
  return new Promise((resolve, reject) => {
    const payload = json === undefined ? undefined : JSON.stringify(json);
    const headers = payload === undefined ? { ...extraHeaders } : { ...extraHeaders, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) };
    const req = request(url, { ca, method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.once('error', reject);
    req.end(payload);
  });
}
