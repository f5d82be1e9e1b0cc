// Test support for the attachment tests: uploads and downloads over real HTTP, and a body sent slowly in chunks.
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';

export const sha512 = (bytes: Uint8Array) => createHash('sha512').update(bytes).digest('base64');

export async function upload(url: string, token: string, bytes: Uint8Array, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}/attachments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream', ...headers },
    body: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as BodyInit,
  });
  return { status: response.status, headers: response.headers, body: (await response.json().catch(() => undefined)) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests inspect JSON
}

export async function download(url: string, token: string, id: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}/attachments/${id}`, { headers: { authorization: `Bearer ${token}`, ...headers } });
  return { status: response.status, headers: response.headers, bytes: new Uint8Array(await response.arrayBuffer()) };
}

export interface ChunkedUpload {
  /** Bytes the client managed to write before the answer came (or the end). */
  written(): number;
  answer: Promise<{ status: number; body: string }>;
  stop(): void;
}

/**
 * POST /attachments with Transfer-Encoding: chunked (no Content-Length), `chunk` bytes every `everyMs`, up to
 * `total` bytes; stops writing as soon as an answer arrives.
 */
export function chunkedUpload(url: string, token: string, total: number, chunk = 64 * 1024, everyMs = 0): ChunkedUpload {
  const { hostname, port } = new URL(url);
  let written = 0;
  let answered = false;
  let stopped = false;
  const req = http.request({ host: hostname, port, method: 'POST', path: '/attachments', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' } });
  const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.on('response', (res) => {
      answered = true;
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
  });
  const piece = randomBytes(chunk);
  const pump = () => {
    while (!answered && !stopped && written < total) {
      const n = Math.min(chunk, total - written);
      written += n;
      const more = req.write(piece.subarray(0, n));
      if (everyMs > 0) return void setTimeout(pump, everyMs);
      if (!more) return void req.once('drain', pump);
    }
    if (written >= total && !answered && !stopped) req.end();
  };
  pump();
  return { written: () => written, answer, stop: () => ((stopped = true), req.destroy()) };
}
