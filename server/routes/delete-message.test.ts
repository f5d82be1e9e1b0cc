// DELETE /messages/{id} (PROTOCOL.md "Deleting a message") and MESSAGE_QUOTA for group messages: checked
// through the API and in the database rows themselves.
import { randomUUID } from 'node:crypto';
import { QueryTypes, Sequelize } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDatabaseUrl } from '../db/database-url.js';
import { call, groupOutgoing, outgoing, register, startTestServer, type TestUser } from '../testing/harness.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
let url: string;
let sql: Sequelize;
const u: Record<string, TestUser> = {};

beforeAll(async () => {
  server = await startTestServer({ sendsPerMinute: 0 });
  url = server.url;
  for (const name of ['alice', 'bob', 'carol']) u[name] = await register(url, name);
  const target = parseDatabaseUrl(server.config.databaseUrl);
  sql =
    target.dialect === 'sqlite'
      ? new Sequelize({ dialect: 'sqlite', storage: target.storage, logging: false })
      : new Sequelize(target.url, { dialect: 'postgres', logging: false });
});
afterAll(async () => {
  await sql.close();
  await server.close();
});

const send = (who: string, body: object) => call(url, 'POST', '/messages', { token: u[who]!.token, body });
const erase = (who: string, id: string) => call(url, 'DELETE', `/messages/${id}`, { token: u[who]!.token });
const select = <T extends object>(query: string, replacements: unknown[]) => sql.query<T>(query, { replacements, type: QueryTypes.SELECT });
const sentBytes = async (name: string) => Number((await select<{ b: number }>('SELECT sent_bytes AS b FROM users WHERE username = ?', [name]))[0]!.b);

async function group(owner: string, members: string[]): Promise<string> {
  const reply = await call(url, 'POST', '/groups', { token: u[owner]!.token, body: { id: randomUUID(), members } });
  expect(reply.status).toBe(201);
  return reply.body.id as string;
}

describe('DELETE /messages/{id}', () => {
  it('erases a direct message for its sender: 204, fields gone from the row, header plus deletedAt answered, quota given back', async () => {
    const start = await sentBytes('alice');
    const message = outgoing('bob');
    const created = (await send('alice', message)).body;
    expect(await sentBytes('alice')).toBe(start + message.sessionKey.length + message.senderSessionKey.length + message.body.length + message.signature.length);
    expect((await erase('bob', message.id)).status).toBe(404);
    expect((await erase('carol', message.id)).status).toBe(404);
    const before = Date.now();
    const reply = await erase('alice', message.id);
    expect(reply.status).toBe(204);
    expect(reply.text).toBe('');
    expect(reply.headers.get('x-auth-token')).toMatch(/^v2\.alice\./);
    const [row] = await select<Record<string, unknown>>('SELECT session_key, sender_session_key, body, signature, deleted_at FROM messages WHERE id = ?', [message.id]);
    expect(row).toMatchObject({ session_key: null, sender_session_key: null, body: null, signature: null });
    expect(Number(row!.deleted_at)).toBeGreaterThanOrEqual(before - 1000);
    expect(await sentBytes('alice')).toBe(start);
    for (const reader of ['alice', 'bob']) {
      const record = await call(url, 'GET', `/messages/${message.id}`, { token: u[reader]!.token });
      expect(record.status).toBe(200);
      expect(record.body).toEqual({ ...created, deletedAt: new Date(Number(row!.deleted_at)).toISOString() });
      const items = (await call(url, 'GET', `/messages?full=1&after=${created.seq - 1}&limit=1`, { token: u[reader]!.token })).body.messages;
      expect(items).toEqual([record.body]);
      const headers = (await call(url, 'GET', `/messages?after=${created.seq - 1}&limit=1`, { token: u[reader]!.token })).body.messages;
      expect(headers).toEqual([record.body]);
    }
    // Again: still 204, nothing more given back; the erased message can no longer be "retried".
    expect((await erase('alice', message.id)).status).toBe(204);
    expect(await sentBytes('alice')).toBe(start);
    expect((await send('alice', message)).status).toBe(409);
    expect((await erase('alice', randomUUID())).status).toBe(404);
    expect((await call(url, 'DELETE', '/messages/nope', { token: u.alice!.token })).status).toBe(400);
    expect((await call(url, 'DELETE', `/messages/${message.id}?x=1`, { token: u.alice!.token })).status).toBe(400);
    expect((await call(url, 'DELETE', `/messages/${message.id}`)).status).toBe(401);
  });

  it('erases a group message with every wrapped key, and counts those keys against the quota while stored', async () => {
    const id = await group('carol', ['alice', 'bob']);
    const start = await sentBytes('carol');
    const message = groupOutgoing(id, ['alice', 'bob']);
    const created = (await send('carol', message)).body;
    const keyBytes = message.keys.alice!.length + message.keys.bob!.length;
    expect(await sentBytes('carol')).toBe(start + keyBytes + message.senderSessionKey.length + message.body.length + message.signature.length);
    const seq = created.seq as number;
    expect(await select('SELECT username FROM message_keys WHERE seq = ? ORDER BY username', [seq])).toEqual([{ username: 'alice' }, { username: 'bob' }]);
    expect((await erase('alice', message.id)).status).toBe(404);
    expect((await erase('carol', message.id)).status).toBe(204);
    expect(await select('SELECT username FROM message_keys WHERE seq = ?', [seq])).toEqual([]);
    expect(await sentBytes('carol')).toBe(start);
    const record = await call(url, 'GET', `/messages/${message.id}`, { token: u.bob!.token });
    expect(Object.keys(record.body)).toEqual(['id', 'sender', 'group', 'recipients', 'format', 'timestamp', 'seq', 'deletedAt']);
  });

  it('refuses (413 quota_exceeded) a group message whose wrapped keys take its sender past MESSAGE_QUOTA', async () => {
    const small = await startTestServer({ sendsPerMinute: 0, messageQuotaBytes: 4000 });
    try {
      const a = await register(small.url, 'alice');
      for (const name of ['bob', 'carol']) await register(small.url, name);
      const created = await call(small.url, 'POST', '/groups', { token: a.token, body: { id: randomUUID(), members: ['bob', 'carol'] } });
      // 3 × 684 characters of keys (two recipients and the sender's) + 108 + 720 = 2880: fits once, not twice.
      const first = groupOutgoing(created.body.id, ['bob', 'carol']);
      expect((await call(small.url, 'POST', '/messages', { token: a.token, body: first })).status).toBe(201);
      const second = await call(small.url, 'POST', '/messages', { token: a.token, body: groupOutgoing(created.body.id, ['bob', 'carol']) });
      expect(second.status).toBe(413);
      expect(second.body.error.code).toBe('quota_exceeded');
      expect((await call(small.url, 'DELETE', `/messages/${first.id}`, { token: a.token })).status).toBe(204);
      expect((await call(small.url, 'POST', '/messages', { token: a.token, body: groupOutgoing(created.body.id, ['bob', 'carol']) })).status).toBe(201);
    } finally {
      await small.close();
    }
  });
});
