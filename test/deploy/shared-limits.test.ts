// Two server processes over one PostgreSQL database share their rate limits (server/http/shared-limits.ts):
// failed logins, registrations and sends counted on either instance add up to one limit, also when the
// attempts race each other on both at once. Needs TEST_DATABASE_URL (scripts/ci/with-postgres.sh sets it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { b64, call, outgoing, register, registration } from '../../server/testing/harness.js';
import { freshDatabaseUrl, isPostgresUrl } from '../support/database.js';
import { startTwoInstances, type ServerProcess } from '../support/server-process.js';

const skipNote = 'skipped: needs TEST_DATABASE_URL=postgres://… (run through scripts/ci/with-postgres.sh)';
const LOGIN_LIMIT = 4;
const REGISTRATION_LIMIT = 8;
const SEND_LIMIT = 5;

describe.skipIf(!isPostgresUrl(process.env.TEST_DATABASE_URL))(`rate limits shared by two instances over one PostgreSQL database — ${skipNote}`, () => {
  let a: ServerProcess;
  let b: ServerProcess;

  beforeAll(async () => {
    const databaseUrl = await freshDatabaseUrl();
    // TRUST_PROXY=loopback: the tests pick their client addresses with X-Forwarded-For.
    const env = {
      TRUST_PROXY: 'loopback',
      LOGIN_FAILURES_PER_USER: String(LOGIN_LIMIT),
      LOGIN_FAILURES_PER_ADDRESS: '1000',
      REGISTRATIONS_PER_ADDRESS: String(REGISTRATION_LIMIT),
      SENDS_PER_MINUTE: String(SEND_LIMIT),
      LOG_LEVEL: 'warn',
    };
    [a, b] = await startTwoInstances(databaseUrl, env);
  }, 60_000);

  afterAll(async () => {
    await a?.stop();
    await b?.stop();
  });

  const from = (address: string) => ({ 'x-forwarded-for': address });
  const login = (url: string, username: string, authHash: string, address: string) =>
    call(url, 'POST', '/login', { body: { username, authHash }, headers: from(address) });

  it('counts failed logins on both instances against one limit: the attempt after the limit gets 429 on either', async () => {
    const alice = await register(a.url, 'shared_alice');
    for (let i = 0; i < LOGIN_LIMIT; i++) {
      // Alternating instances and addresses: only the shared per-user counter can reach the limit.
      const reply = await login(i % 2 ? b.url : a.url, 'shared_alice', b64(64), `203.0.113.${i + 1}`);
      expect(reply.status).toBe(401);
    }
    for (const url of [a.url, b.url]) {
      const refused = await login(url, 'shared_alice', b64(64), '203.0.113.99');
      expect(refused.status).toBe(429);
      expect(refused.body.error.code).toBe('rate_limited');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    // Without a device credential the right password is locked out too, on both.
    expect((await login(b.url, 'shared_alice', alice.authHash, '198.51.100.1')).status).toBe(429);
  });

  it('lets exactly the limit through when guesses race on both instances at once', async () => {
    await register(b.url, 'race_alice');
    const replies = await Promise.all(
      Array.from({ length: 4 * LOGIN_LIMIT }, (_, i) => login(i % 2 ? b.url : a.url, 'race_alice', b64(64), `192.0.2.${i + 1}`)),
    );
    const statuses = replies.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(LOGIN_LIMIT);
    expect(statuses.filter((s) => s === 429)).toHaveLength(3 * LOGIN_LIMIT);
  });

  it('gives a successful login its hits back on the shared counters', async () => {
    const carol = await register(a.url, 'refund_carol');
    for (let i = 0; i < 3 * LOGIN_LIMIT; i++) {
      expect((await login(i % 2 ? b.url : a.url, 'refund_carol', carol.authHash, '198.51.100.2')).status).toBe(200);
    }
  });

  it('counts registrations from one address on both instances against one limit', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < REGISTRATION_LIMIT + 2; i++) {
      const reply = await call(i % 2 ? b.url : a.url, 'POST', '/users', { body: registration(`reg_shared_${i}`), headers: from('198.51.100.50') });
      statuses.push(reply.status);
    }
    expect(statuses).toEqual([...Array<number>(REGISTRATION_LIMIT).fill(201), 429, 429]);
    // Another address is not affected.
    const other = await call(b.url, 'POST', '/users', { body: registration('reg_shared_other'), headers: from('198.51.100.51') });
    expect(other.status).toBe(201);
  });

  it('counts one user’s sends on both instances against one SENDS_PER_MINUTE', async () => {
    const sender = await register(a.url, 'send_shared_alice', undefined);
    await register(b.url, 'send_shared_bob');
    const statuses: number[] = [];
    for (let i = 0; i < SEND_LIMIT + 2; i++) {
      const reply = await call(i % 2 ? b.url : a.url, 'POST', '/messages', { token: sender.token, body: outgoing('send_shared_bob') });
      statuses.push(reply.status);
    }
    expect(statuses).toEqual([...Array<number>(SEND_LIMIT).fill(201), 429, 429]);
  });
});
