// Two server processes over one PostgreSQL database, as on two machines behind a load balancer: live
// events cross instances (LISTEN/NOTIFY), tokens are valid on both, and paging with `after` neither skips
// nor repeats while both insert at once. Needs TEST_DATABASE_URL (scripts/ci/with-postgres.sh sets it).
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LISTENER_APPLICATION_NAME } from '../../server/events/postgres-bus.js';
import { call, outgoing, register, SseReader, type TestUser } from '../../server/testing/harness.js';
import { freshDatabaseUrl, isPostgresUrl } from '../support/database.js';
import { startTwoInstances, type ServerProcess } from '../support/server-process.js';

const serverUrl = process.env.TEST_DATABASE_URL;
const skipNote = 'skipped: needs TEST_DATABASE_URL=postgres://… (run through scripts/ci/with-postgres.sh)';

const WRITERS_PER_INSTANCE = 3;
const MESSAGES_PER_WRITER = 40;
const PAGE = 7;

describe.skipIf(!isPostgresUrl(serverUrl))(`two server instances over one PostgreSQL database — ${skipNote}`, () => {
  let a: ServerProcess;
  let b: ServerProcess;
  let databaseUrl: string;

  beforeAll(async () => {
    databaseUrl = await freshDatabaseUrl();
    // The second instance also proves that starting over an already migrated database works.
    [a, b] = await startTwoInstances(databaseUrl, { REGISTRATIONS_PER_ADDRESS: '100000', LOG_LEVEL: 'warn' });
  }, 60_000);

  afterAll(async () => {
    await a?.stop();
    await b?.stop();
  });

  it('accepts on B a token issued by A, and a logout through B revokes it on A', async () => {
    const alice = await register(a.url, 'token_alice');
    const onB = await call(b.url, 'GET', '/users/token_alice', { token: alice.token });
    expect(onB.status).toBe(200);
    expect(onB.body.encryptedPrivateKey).toEqual(expect.any(String));
    const fresh = onB.headers.get('x-auth-token');
    expect(fresh).toEqual(expect.any(String));
    // The sliding token B hands out works on A.
    expect((await call(a.url, 'GET', '/messages', { token: fresh! })).status).toBe(200);

    expect((await call(b.url, 'POST', '/logout', { token: alice.token, body: {} })).status).toBe(204);
    expect((await call(a.url, 'GET', '/messages', { token: alice.token })).status).toBe(401);
    expect((await call(a.url, 'GET', '/messages', { token: fresh! })).status).toBe(401);
  });

  it('delivers a message sent through A live on B’s /events, and to the sender’s stream on A', async () => {
    const sender = await register(a.url, 'live_alice');
    const recipient = await register(b.url, 'live_bob');
    const onB = new SseReader();
    const onA = new SseReader();
    await onB.open(`${b.url}/events`, { authorization: `Bearer ${recipient.token}` });
    await onA.open(`${a.url}/events`, { authorization: `Bearer ${sender.token}` });
    try {
      expect(onB.status).toBe(200);
      const id = randomUUID();
      const sent = await call(a.url, 'POST', '/messages', { token: sender.token, body: outgoing('live_bob', id) });
      expect(sent.status).toBe(201);
      const isOurs = (e: { data?: string }) => e.data !== undefined && JSON.parse(e.data).id === id;
      await onB.until(() => onB.events.some(isOurs), 'the message on instance B');
      await onA.until(() => onA.events.some(isOurs), 'the message on the sender’s stream on A');
      const event = onB.events.find(isOurs)!;
      expect(event.event).toBe('message');
      expect(JSON.parse(event.data!)).toEqual(sent.body);
      expect(event.id).toBe(String(sent.body.seq));
    } finally {
      onA.close();
      onB.close();
    }
  });

  it('still delivers across instances after the database drops the instances’ listening connections', async () => {
    const sender = await register(a.url, 'relisten_alice');
    const recipient = await register(b.url, 'relisten_bob');
    const onB = new SseReader();
    await onB.open(`${b.url}/events`, { authorization: `Bearer ${recipient.token}` });
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    try {
      const killed = await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1',
        [LISTENER_APPLICATION_NAME],
      );
      expect(killed.rowCount).toBe(2);
      const id = randomUUID();
      expect((await call(a.url, 'POST', '/messages', { token: sender.token, body: outgoing('relisten_bob', id) })).status).toBe(201);
      await onB.until(() => onB.events.some((e) => e.data !== undefined && JSON.parse(e.data).id === id), 'the message on B after reconnecting');
      // Both instances listen again.
      await expect
        .poll(async () => (await admin.query('SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1', [LISTENER_APPLICATION_NAME])).rowCount)
        .toBe(2);
    } finally {
      onB.close();
      await admin.end();
    }
  });

  it('never skips or repeats a message for a reader paging with `after` while both instances insert', async () => {
    const reader = await register(a.url, 'page_reader');
    const writers: Array<{ user: TestUser; via: string }> = [];
    for (let i = 0; i < WRITERS_PER_INSTANCE; i++) {
      writers.push({ user: await register(a.url, `page_writer_a${i}`), via: a.url });
      writers.push({ user: await register(b.url, `page_writer_b${i}`), via: b.url });
    }
    const sentIds = new Set<string>();
    let writing = true;
    const writes = Promise.all(
      writers.map(async ({ user, via }) => {
        for (let n = 0; n < MESSAGES_PER_WRITER; n++) {
          const reply = await call(via, 'POST', '/messages', { token: user.token, body: outgoing('page_reader') });
          if (reply.status !== 201) throw new Error(`send through ${via}: ${reply.status} ${reply.text}`);
          sentIds.add(reply.body.id as string);
        }
      }),
    ).finally(() => {
      writing = false;
    });
    // A failed send surfaces at `await writes` below, not as an unhandled rejection meanwhile.
    writes.catch(() => undefined);

    // Pages from both instances in turn, as a client behind a load balancer would.
    const seen: Array<{ id: string; seq: number }> = [];
    let cursor = 0;
    let token = reader.token;
    let turn = 0;
    const readPage = async (): Promise<number> => {
      const via = turn++ % 2 === 0 ? a.url : b.url;
      const reply = await call(via, 'GET', `/messages?after=${cursor}&limit=${PAGE}`, { token });
      expect(reply.status).toBe(200);
      token = reply.headers.get('x-auth-token') ?? token;
      const page = reply.body.messages as Array<{ id: string; seq: number }>;
      for (const m of page) {
        seen.push({ id: m.id, seq: m.seq });
        cursor = m.seq;
      }
      return page.length;
    };
    let pagesDuringWrites = 0;
    while (writing) {
      await readPage();
      pagesDuringWrites++;
    }
    await writes;
    while ((await readPage()) > 0);

    expect(pagesDuringWrites).toBeGreaterThan(1);
    const seqs = seen.map((m) => m.seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seen.length).toBe(WRITERS_PER_INSTANCE * 2 * MESSAGES_PER_WRITER);
    expect(new Set(seen.map((m) => m.id))).toEqual(sentIds);
  }, 120_000);
});
