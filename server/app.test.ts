// What a failing database looks like from outside: /health says 503, any other route a bare 500 in the
// protocol's error shape, with no stack trace or internals; the log gets the error's kind and message only.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app.js';
import { startSession, type SessionHolder } from './auth/sessions.js';
import { loadTokenSecret, TokenSigner } from './auth/tokens.js';
import { openDatabase, type Database } from './db/database.js';
import { InProcessBus } from './events/bus.js';
import { createLogger } from './logging.js';
import { call, outgoing, testConfig } from './testing/harness.js';

let db: Database;
let server: http.Server;
let url: string;
let signer: TokenSigner;
let failing = false;
const logLines: string[] = [];

let session: SessionHolder;

beforeAll(async () => {
  const config = await testConfig({ logLevel: 'info' });
  db = await openDatabase(config.databaseUrl);
  signer = new TokenSigner(await loadTokenSecret(db.sequelize), 3_600_000);
  await db.models.User.create({
    username: 'alice',
    publicKey: 'x',
    encryptedPrivateKey: 'x',
    kdfSalt: 'x',
    kdfIterations: 210_000,
    serverSalt: Buffer.alloc(16),
    passwordHash: Buffer.alloc(64),
    tokenGeneration: 0,
    createdAt: 0,
  });
  session = await startSession(db, 'alice', undefined);
  // A database that breaks on demand, after the token check has passed.
  const query = db.sequelize.query.bind(db.sequelize) as (...args: unknown[]) => Promise<unknown>;
  (db.sequelize as unknown as { query: unknown }).query = (sql: unknown, ...rest: unknown[]) =>
    failing && typeof sql === 'string' && !sql.includes('FROM sessions WHERE id')
      ? Promise.reject(new Error('SQLITE_IOERR: disk I/O error'))
      : query(sql, ...rest);
  const failingDb: Database = {
    ...db,
    ping: () => (failing ? Promise.reject(new Error('down')) : db.ping()),
    writes: { run: (work) => (failing ? Promise.reject(new Error('SQLITE_FULL: database or disk is full')) : db.writes.run(work)), close: () => db.writes.close() },
  };
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString('utf8'));
      done();
    },
  });
  const { app } = createApp({ config, db: failingDb, signer, bus: new InProcessBus(), logger: createLogger('info', sink), version: 'test' });
  server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  await db?.close();
});

describe('a failing database', () => {
  it('turns /health into 503 and other routes into a bare 500', async () => {
    const token = signer.issue('alice', session.id, 0);
    expect((await call(url, 'GET', '/health')).status).toBe(200);
    failing = true;
    try {
      const health = await call(url, 'GET', '/health');
      expect(health.status).toBe(503);
      expect(health.body).toEqual({ error: { code: 'unavailable', message: 'the database is not answering' } });
      for (const [method, path, body] of [
        ['GET', '/messages', undefined],
        ['POST', '/messages', outgoing('alice')],
        ['GET', '/users', undefined],
      ] as const) {
        const reply = await call(url, method, path, { token, body });
        expect(reply.status, `${method} ${path}`).toBe(500);
        expect(reply.body).toEqual({ error: { code: 'internal', message: 'the server could not complete the request' } });
      }
    } finally {
      failing = false;
    }
    const logged = logLines.join('');
    expect(logged).toContain('request failed');
    expect(logged).toContain('SQLITE_IOERR: disk I/O error');
    expect(logged).not.toMatch(/"stack"|\bat .*:\d+:\d+/);
    expect(logged).not.toContain(token);
  });
});
