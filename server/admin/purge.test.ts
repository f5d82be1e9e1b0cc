// `purge --older-than`: on messages sent through the server (some made old by moving their timestamps back in
// the database), only the old ones go, with their mailbox rows and keys; their senders get the quota back;
// seq keeps increasing when even the newest was old; GET /health reports the retention.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../db/database.js';
import { call, groupOutgoing, outgoing, register, startTestServer, type TestUser } from '../testing/harness.js';
import { admin, adminOk } from './admin-run.fixture.js';
import { purgeMessages } from './purge.js';

const DAY = 86_400_000;

let server: Awaited<ReturnType<typeof startTestServer>>;
let url: string;
let databaseUrl: string;
let db: Database;

beforeAll(async () => {
  server = await startTestServer({ sendsPerMinute: 0 });
  url = server.url;
  databaseUrl = server.config.databaseUrl;
  db = await openDatabase(databaseUrl);
});
afterAll(async () => {
  await db.close();
  await server.close();
});

type Direct = ReturnType<typeof outgoing>;
type Group = ReturnType<typeof groupOutgoing>;

async function send(from: TestUser, body: Direct | Group): Promise<number> {
  const reply = await call(url, 'POST', '/messages', { token: from.token, body });
  expect(reply.status).toBe(201);
  return reply.body.seq as number;
}

const sizeOf = (m: Direct | Group) =>
  m.senderSessionKey.length + m.body.length + m.signature.length + ('sessionKey' in m ? m.sessionKey.length : Object.values(m.keys).reduce((n, k) => n + k.length, 0));

/** Moves the messages' timestamps `days` into the past, as if they had been sent then. */
async function age(ids: string[], days: number): Promise<void> {
  await db.sequelize.query('UPDATE messages SET timestamp = :at WHERE id IN (:ids)', { replacements: { at: Date.now() - days * DAY, ids } });
}

const sentBytes = async (username: string) => (await db.models.User.findByPk(username))!.sentBytes;
const ids = async (user: TestUser) => ((await call(url, 'GET', '/messages?limit=500', { token: user.token })).body.messages as { id: string }[]).map((m) => m.id);

describe('purge', () => {
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  beforeAll(async () => {
    [alice, bob, carol] = [await register(url, 'pg_alice'), await register(url, 'pg_bob'), await register(url, 'pg_carol')];
  });

  it('deletes only the records older than the retention, with their mailbox rows and keys, and gives the quota back', async () => {
    expect((await call(url, 'GET', '/health')).body.retention).toBeNull();
    const group = await call(url, 'POST', '/groups', { token: alice.token, body: { id: '7f4a0b5c-1d6e-4f8a-9b0c-3d4e5f6a7b8c', members: ['pg_bob', 'pg_carol'] } });
    expect(group.status).toBe(201);
    const old = [outgoing('pg_bob'), outgoing('pg_bob'), outgoing('pg_carol')];
    const oldGroup = groupOutgoing(group.body.id, ['pg_bob', 'pg_carol']);
    const oldErased = outgoing('pg_alice');
    for (const m of old) await send(alice, m);
    await send(alice, oldGroup);
    await send(bob, oldErased);
    expect((await call(url, 'DELETE', `/messages/${oldErased.id}`, { token: bob.token })).status).toBe(204);
    // Just inside the retention, and new ones.
    const recent = outgoing('pg_bob');
    await send(alice, recent);
    const fresh = [outgoing('pg_alice'), groupOutgoing(group.body.id, ['pg_bob', 'pg_carol'])];
    await send(bob, fresh[0]!);
    await send(alice, fresh[1]!);
    await age([...old.map((m) => m.id), oldGroup.id, oldErased.id], 400);
    await age([recent.id], 364);

    const aliceBytes = await sentBytes('pg_alice');
    const bobBytes = await sentBytes('pg_bob');
    const lines = await adminOk(databaseUrl, ['purge', '--older-than', '365d']);
    // 3 direct messages (2 mailbox rows each), the group message (3) and the erased one (2).
    expect(lines).toEqual([
      expect.stringMatching(/^purged 5 messages sent before \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ: 11 mailbox rows, 2 group message keys, 0 attachments$/),
      'retention recorded: 365d (GET /health reports it)',
    ]);
    const cutoff = Date.parse(/before (\S+):/.exec(lines[0]!)![1]!);
    expect(Math.abs(cutoff - (Date.now() - 365 * DAY))).toBeLessThan(10_000);

    expect(await sentBytes('pg_alice')).toBe(aliceBytes - old.reduce((n, m) => n + sizeOf(m), 0) - sizeOf(oldGroup));
    // Bob's erased message gave its bytes back when it was erased, not again now.
    expect(await sentBytes('pg_bob')).toBe(bobBytes);
    const left = [recent.id, fresh[0]!.id, fresh[1]!.id];
    expect(await ids(alice)).toEqual(left);
    expect((await ids(bob)).sort()).toEqual([...left].sort());
    expect(await ids(carol)).toEqual([fresh[1]!.id]);
    for (const m of [...old, oldGroup]) expect((await call(url, 'GET', `/messages/${m.id}`, { token: alice.token })).status).toBe(404);
    const [rows] = await db.sequelize.query('SELECT COUNT(*) AS n FROM messages');
    expect(Number((rows as { n: number | string }[])[0]!.n)).toBe(3);
    const [keys] = await db.sequelize.query('SELECT COUNT(*) AS n FROM message_keys');
    expect(Number((keys as { n: number | string }[])[0]!.n)).toBe(2);

    const health = await call(url, 'GET', '/health');
    expect(health.body.retention).toEqual({ days: 365, purgedAt: expect.any(Number) });
    expect(Math.abs(health.body.retention.purgedAt - Date.now())).toBeLessThan(10_000);
    // A shorter retention takes the message that was just inside the first one, and is what /health shows now.
    expect((await adminOk(databaseUrl, ['purge', '--older-than', '12h']))[0]).toMatch(/^purged 1 message sent before .*: 2 mailbox rows, /);
    expect(await ids(alice)).toEqual(left.slice(1));
    expect((await call(url, 'GET', '/health')).body.retention.days).toBe(0.5);
  });

  it('empties the newest record instead of deleting it, so seq keeps increasing', async () => {
    const last = outgoing('pg_carol');
    const top = await send(alice, last);
    const [rows] = await db.sequelize.query('SELECT id FROM messages');
    await age((rows as { id: string }[]).map((r) => r.id), 30);

    const lines = await adminOk(databaseUrl, ['purge', '--older-than', '7d']);
    expect(lines[0]).toMatch(/^purged 3 messages sent before .*: 7 mailbox rows, 2 group message keys, 0 attachments$/);
    expect(lines[1]).toBe('the newest message was older too: it is emptied and kept, so that message numbers (seq) keep increasing');
    for (const user of [alice, bob, carol]) expect(await ids(user)).toEqual([]);
    expect((await call(url, 'GET', `/messages/${last.id}`, { token: carol.token })).status).toBe(404);
    const kept = await db.models.Message.findAll();
    expect(kept.map((m) => [m.seq, m.body, m.deletedAt === null])).toEqual([[top, null, false]]);
    expect(await sentBytes('pg_alice')).toBe(0);

    // Again: the placeholder is not counted twice.
    expect(await adminOk(databaseUrl, ['purge', '--older-than', '7d'])).toEqual([
      expect.stringMatching(/^purged 0 messages /),
      'the newest message was older too: it is emptied and kept, so that message numbers (seq) keep increasing',
      'retention recorded: 7d (GET /health reports it)',
    ]);
    const next = outgoing('pg_bob');
    expect(await send(alice, next)).toBe(top + 1);
    expect(await ids(bob)).toEqual([next.id]);
    // With a newer message there, the placeholder goes like any old record.
    expect((await adminOk(databaseUrl, ['purge', '--older-than', '7d']))[0]).toMatch(/^purged 1 message sent before .*: 0 mailbox rows, 0 group message keys, 0 attachments$/);
    expect((await db.models.Message.findAll()).map((m) => m.id)).toEqual([next.id]);
  });

  it('works through many records in batches', async () => {
    const other = await startTestServer({ sendsPerMinute: 0 });
    const otherDb = await openDatabase(other.config.databaseUrl);
    try {
      const [x, y] = [await register(other.url, 'pg_x'), await register(other.url, 'pg_y')];
      const sent: string[] = [];
      for (let i = 0; i < 11; i++) {
        const m = outgoing(i % 2 === 0 ? 'pg_y' : 'pg_x');
        expect((await call(other.url, 'POST', '/messages', { token: i % 2 === 0 ? x.token : y.token, body: m })).status).toBe(201);
        sent.push(m.id);
      }
      await otherDb.sequelize.query('UPDATE messages SET timestamp = :at WHERE id IN (:ids)', { replacements: { at: Date.now() - 2 * DAY, ids: sent.slice(0, 9) } });
      const report = await purgeMessages(otherDb, DAY, { batchSize: 2 });
      expect(report).toMatchObject({ messages: 9, mailboxRows: 18, messageKeys: 0, attachments: 0, keptNewest: false });
      expect((await otherDb.models.Message.findAll({ order: [['seq', 'ASC']] })).map((m) => m.id)).toEqual(sent.slice(9));
      expect((await otherDb.models.Mailbox.count())).toBe(4);
    } finally {
      await otherDb.close();
      await other.close();
    }
  });

  it('needs --older-than as a duration', async () => {
    expect(await admin(databaseUrl, ['purge'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/^encrypted-chat-admin: purge needs --older-than\n/) });
    for (const bad of ['365', '1y', '0d', '-5d', '1.5d', 'd']) {
      const run = await admin(databaseUrl, ['purge', `--older-than=${bad}`]);
      expect(run.code, bad).toBe(1);
      expect(run.stderr).toMatch(/^encrypted-chat-admin: --older-than must be a whole number with d \(days\), h \(hours\) or m \(minutes\)/);
    }
    expect((await admin(databaseUrl, ['purge', '--older-than', '90m', 'now'])).code).toBe(2);
  });
});
