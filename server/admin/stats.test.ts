// `stats` on a server filled through its API: the counts match what was done, the size is the database's.
import { statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDatabaseUrl } from '../db/database-url.js';
import { openDatabase } from '../db/database.js';
import { call, groupOutgoing, outgoing, register, startTestServer } from '../testing/harness.js';
import { adminOk } from './admin-run.fixture.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
let url: string;
let databaseUrl: string;

beforeAll(async () => {
  server = await startTestServer();
  url = server.url;
  databaseUrl = server.config.databaseUrl;
});
afterAll(() => server.close());

interface Stats {
  users: { active: number; disabled: number; deleted: number };
  messages: number;
  groups: number;
  attachmentBytes: number;
  databaseBytes: number;
}

const statsOf = async (at: string) => JSON.parse((await adminOk(at, ['stats', '--json'])).join('\n')) as Stats;

describe('stats', () => {
  it('counts users by state, messages, groups, attachments, and the database size', async () => {
    expect(await statsOf(databaseUrl)).toMatchObject({ users: { active: 0, disabled: 0, deleted: 0 }, messages: 0, groups: 0, attachmentBytes: 0 });
    const [amy, bo] = [await register(url, 'st_amy'), await register(url, 'st_bo')];
    await register(url, 'st_cy');
    await register(url, 'st_di');
    await register(url, 'st_ed');
    for (let i = 0; i < 5; i++) expect((await call(url, 'POST', '/messages', { token: amy.token, body: outgoing('st_bo') })).status).toBe(201);
    const erased = outgoing('st_amy');
    expect((await call(url, 'POST', '/messages', { token: bo.token, body: erased })).status).toBe(201);
    expect((await call(url, 'DELETE', `/messages/${erased.id}`, { token: bo.token })).status).toBe(204);
    const group = await call(url, 'POST', '/groups', { token: amy.token, body: { id: '5d2e8f3a-9b4c-4d6e-8f7a-1b2c3d4e5f6a', members: ['st_bo'] } });
    expect(group.status).toBe(201);
    expect((await call(url, 'POST', '/messages', { token: amy.token, body: groupOutgoing(group.body.id, ['st_bo']) })).status).toBe(201);
    const left = await call(url, 'POST', '/groups', { token: bo.token, body: { id: '6e3f9a4b-0c5d-4e7f-9a8b-2c3d4e5f6a7b', members: ['st_amy'] } });
    expect(left.status).toBe(201);
    await adminOk(databaseUrl, ['users', 'delete', 'st_cy']);
    await adminOk(databaseUrl, ['users', 'disable', 'st_di']);
    await adminOk(databaseUrl, ['users', 'disable', 'st_ed']);
    await adminOk(databaseUrl, ['users', 'delete', 'st_ed']);

    const before = await statsOf(databaseUrl);
    expect(before).toMatchObject({ users: { active: 2, disabled: 1, deleted: 2 }, messages: 7, groups: 2, attachmentBytes: 0 });
    // A group whose last member left no longer counts.
    expect((await call(url, 'POST', `/groups/${left.body.id}/members`, { token: bo.token, body: { remove: ['st_bo'] } })).status).toBe(200);
    expect((await call(url, 'POST', `/groups/${left.body.id}/members`, { token: amy.token, body: { remove: ['st_amy'] } })).status).toBe(200);
    expect((await statsOf(databaseUrl)).groups).toBe(1);

    const target = parseDatabaseUrl(databaseUrl);
    if (target.dialect === 'sqlite') {
      expect(before.databaseBytes).toBeGreaterThanOrEqual(statSync(target.storage).size);
    } else {
      expect(before.databaseBytes).toBeGreaterThan(1_000_000);
    }

    const lines = await adminOk(databaseUrl, ['stats']);
    expect(lines).toEqual([
      'users: 2 active, 1 disabled, 2 deleted',
      'messages: 7',
      'groups: 1',
      'attachments: 0 bytes',
      expect.stringMatching(/^database: \d+ bytes \(\d+\.\d (KiB|MiB|GiB)\)$/),
    ]);
  });

  it('sums the sizes of the attachments that count (not the erased ones)', async () => {
    const other = await startTestServer();
    const at = other.config.databaseUrl;
    const db = await openDatabase(at);
    try {
      await db.sequelize.query(
        `INSERT INTO attachments (id, uploader, size, digest, created_at, deleted_at) VALUES
         ('a', 'u', 1000, 'x', 0, NULL), ('b', 'u', 2500000, 'x', 0, NULL), ('c', 'u', 7777, 'x', 0, 5)`,
      );
      expect((await statsOf(at)).attachmentBytes).toBe(2_501_000);
      expect(await adminOk(at, ['stats'])).toContain('attachments: 2501000 bytes (2.4 MiB)');
    } finally {
      await db.close();
      await other.close();
    }
  });
});
