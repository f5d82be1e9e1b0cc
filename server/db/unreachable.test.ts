// A database that cannot be reached is 503 `unavailable` (come back in a moment); one that answered with an
// error stays 500 `internal`. The errors are the real ones Sequelize and pg raise.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { DatabaseError, Sequelize } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorHandler } from '../http/errors.js';
import { call } from '../testing/harness.js';
import { isDatabaseUnreachable } from './unreachable.js';

/** The error Sequelize raises for a PostgreSQL server that refuses connections (nothing listens on port 1). */
async function refusedConnection(): Promise<unknown> {
  const sequelize = new Sequelize('postgres://nobody:nothing@127.0.0.1:1/none', { dialect: 'postgres', logging: false, pool: { max: 1, acquire: 5_000 } });
  try {
    await sequelize.query('SELECT 1');
  } catch (error) {
    return error;
  } finally {
    await sequelize.close();
  }
  throw new Error('expected the connection to be refused');
}

/** What pg and Sequelize say for a query whose connection the server ended (PostgreSQL's SQLSTATE 57P01). */
function adminShutdown(): unknown {
  const parent = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
  return new DatabaseError(parent as never);
}

describe('isDatabaseUnreachable', () => {
  it('is true for a refused connection, a shutdown, a start-up and a connection broken mid-query', async () => {
    expect(isDatabaseUnreachable(await refusedConnection())).toBe(true);
    expect(isDatabaseUnreachable(adminShutdown())).toBe(true);
    expect(isDatabaseUnreachable(Object.assign(new Error('the database system is starting up'), { code: '57P03' }))).toBe(true);
    expect(isDatabaseUnreachable(new DatabaseError(new Error('Connection terminated unexpectedly') as never))).toBe(true);
  });

  it('is false for errors the database answered, and for anything else', () => {
    const syntax = new DatabaseError(Object.assign(new Error('syntax error at or near "SELEC"'), { code: '42601' }) as never);
    expect(isDatabaseUnreachable(syntax)).toBe(false);
    expect(isDatabaseUnreachable(new Error('SQLITE_IOERR: disk I/O error'))).toBe(false);
    expect(isDatabaseUnreachable(undefined)).toBe(false);
    expect(isDatabaseUnreachable('ECONNREFUSED')).toBe(false);
  });
});

describe('the error handler', () => {
  let server: http.Server;
  let url: string;
  const logged: unknown[] = [];
  let failure: unknown;

  beforeAll(async () => {
    failure = await refusedConnection();
    const app = express();
    app.get('/unreachable', () => {
      throw failure;
    });
    app.get('/shutdown', () => {
      throw adminShutdown();
    });
    app.get('/broken', () => {
      throw new DatabaseError(Object.assign(new Error('relation "x" does not exist'), { code: '42P01' }) as never);
    });
    app.use(errorHandler((error) => logged.push(error)));
    server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('answers 503 unavailable, in words, when the database is away, and still logs it', async () => {
    for (const path of ['/unreachable', '/shutdown']) {
      const reply = await call(url, 'GET', path);
      expect(reply.status).toBe(503);
      expect(reply.body).toEqual({ error: { code: 'unavailable', message: 'the database is not answering; try again in a few seconds' } });
    }
    expect(logged).toHaveLength(2);
  });

  it('keeps 500 internal for an error the database answered', async () => {
    const reply = await call(url, 'GET', '/broken');
    expect(reply.status).toBe(500);
    expect(reply.body).toEqual({ error: { code: 'internal', message: 'the server could not complete the request' } });
  });
});
