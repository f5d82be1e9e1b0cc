// Request logs: one line per request with method, route pattern, status and time, and never a token, an
// auth hash, a query string or any message field.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from './logging.js';
import { startServer, type RunningServer } from './server.js';
import { call, outgoing, registration, TEST_KEY_LOG, testConfig } from './testing/harness.js';

const lines: string[] = [];
let server: RunningServer;

beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  server = await startServer(await testConfig({ logLevel: 'info' }), { logger: createLogger('info', sink), keyLog: TEST_KEY_LOG });
});
afterAll(() => server.close());

describe('request logging', () => {
  it('logs method, route pattern, status and time, and nothing secret', async () => {
    const url = server.url;
    const alice = registration('alice');
    const token = (await call(url, 'POST', '/users', { body: alice })).body.token as string;
    await call(url, 'POST', '/users', { body: registration('bob') });
    const message = outgoing('bob');
    const sent = await call(url, 'POST', '/messages', { token, body: message });
    const fresh = sent.headers.get('x-auth-token')!;
    await call(url, 'GET', `/messages/${message.id}`, { token });
    await call(url, 'GET', '/messages?peer=bob&since=2026-01-01T00:00:00Z', { token });
    await call(url, 'POST', '/login', { body: { username: 'alice', authHash: alice.authHash } });
    await call(url, 'GET', '/nowhere', { token: 'forged-token-value' });

    const logged = lines.join('\n');
    for (const secret of [token, fresh, alice.authHash, alice.encryptedPrivateKey, alice.kdfSalt, message.body, message.signature, message.sessionKey, message.senderSessionKey, message.id, 'forged-token-value', 'since=', '2026-01-01']) {
      expect(logged).not.toContain(secret);
    }
    const requests = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'request');
    expect(requests).toHaveLength(7);
    for (const entry of requests) {
      expect(Object.keys(entry).sort()).toEqual(['level', 'method', 'ms', 'msg', 'route', 'status', 'time']);
      expect(typeof entry.ms).toBe('number');
    }
    expect(requests.map((r) => `${r.method} ${r.route} ${r.status}`)).toEqual([
      'POST /users 201',
      'POST /users 201',
      'POST /messages 201',
      'GET /messages/:id 200',
      'GET /messages 200',
      'POST /login 200',
      'GET (none) 401',
    ]);
  });
});
