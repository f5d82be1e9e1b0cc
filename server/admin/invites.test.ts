// `invites create | list | revoke` with a server in REGISTRATION=invite: a made code registers exactly one
// account, listings follow each invite's fate without ever showing a code, and a revoked code is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../db/database.js';
import { call, registration, startTestServer } from '../testing/harness.js';
import { admin, adminOk } from './admin-run.fixture.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
let url: string;
let databaseUrl: string;
let db: Database;

beforeAll(async () => {
  server = await startTestServer({ registration: 'invite' });
  url = server.url;
  databaseUrl = server.config.databaseUrl;
  db = await openDatabase(databaseUrl);
});
afterAll(async () => {
  await db.close();
  await server.close();
});

const CREATED = /^([A-Za-z0-9_-]{24})  expires (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)  id ([0-9a-f]{12})$/;
const registerWith = (username: string, invite: string) => call(url, 'POST', '/users', { body: { ...registration(username), invite } });

function parseCreated(line: string): { code: string; expires: number; id: string } {
  const match = CREATED.exec(line);
  if (!match) throw new Error(`not an invite line: ${line}`);
  return { code: match[1]!, expires: Date.parse(match[2]!), id: match[3]! };
}

describe('invites', () => {
  it('create: a code registers one account, once; --count and --expires', async () => {
    const before = Date.now();
    const [line, ...rest] = await adminOk(databaseUrl, ['invites', 'create']);
    expect(rest).toEqual([]);
    const invite = parseCreated(line!);
    // The default: 7 days (to the second the line shows).
    expect(Math.abs(invite.expires - (before + 7 * 86_400_000))).toBeLessThan(5_000);
    expect((await registerWith('inv_one', invite.code)).status).toBe(201);
    const twice = await registerWith('inv_two', invite.code);
    expect(twice.status).toBe(403);
    expect(twice.body.error.code).toBe('forbidden');

    const three = (await adminOk(databaseUrl, ['invites', 'create', '--count', '3', '--expires', '12h'])).map(parseCreated);
    expect(three).toHaveLength(3);
    expect(new Set(three.map((i) => i.code)).size).toBe(3);
    for (const i of three) expect(Math.abs(i.expires - (Date.now() + 12 * 3_600_000))).toBeLessThan(5_000);
    // Only the hash is stored: no column of the database holds a code.
    const stored = JSON.stringify(await db.models.Invite.findAll({ raw: true }));
    for (const i of [invite, ...three]) expect(stored).not.toContain(i.code);
  });

  it('refuses bad --count and --expires values with exit 1 and unknown options with exit 2', async () => {
    for (const argv of [
      ['--count', '0'],
      ['--count', '101'],
      ['--count', 'x'],
      ['--expires', '7'],
      ['--expires', '0d'],
      ['--expires', '366d'],
      ['--expires', '1w'],
    ]) {
      const run = await admin(databaseUrl, ['invites', 'create', ...argv]);
      expect(run.code, argv.join(' ')).toBe(1);
      expect(run.stderr).toMatch(/^encrypted-chat-admin: --(count|expires) must be /);
    }
    expect((await admin(databaseUrl, ['invites', 'create', '--forever'])).code).toBe(2);
    expect((await admin(databaseUrl, ['invites', 'create', 'extra'])).code).toBe(2);
  });

  it('list shows id, times, state and who used it; revoke refuses the code from then on', async () => {
    const fresh = await startTestServer({ registration: 'invite' });
    const at = fresh.config.databaseUrl;
    try {
      expect(await adminOk(at, ['invites', 'list'])).toEqual(['no invites']);
      const [used, revoked, kept] = (await adminOk(at, ['invites', 'create', '--count', '3'])).map(parseCreated);
      const [expiring] = (await adminOk(at, ['invites', 'create', '--expires', '1m'])).map(parseCreated);
      expect((await call(fresh.url, 'POST', '/users', { body: { ...registration('inv_used'), invite: used!.code } })).status).toBe(201);
      expect(await adminOk(at, ['invites', 'revoke', revoked!.id.slice(0, 6)])).toEqual([`revoked invite ${revoked!.id}`]);
      const refused = await call(fresh.url, 'POST', '/users', { body: { ...registration('inv_revoked'), invite: revoked!.code } });
      expect(refused.status).toBe(403);
      // Expired: the row's expiry moved into the past, as a minute's wait would.
      const freshDb = await openDatabase(at);
      try {
        await freshDb.sequelize.query('UPDATE invites SET expires_at = :past WHERE code_hash LIKE :id', { replacements: { past: Date.now() - 1000, id: `${expiring!.id}%` } });
      } finally {
        await freshDb.close();
      }

      const table = await adminOk(at, ['invites', 'list']);
      expect(table[0]).toMatch(/^id +created +expires +state +used by +used at$/);
      const t = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      const rows = table.slice(1).map((line) => line.split(/ {2,}/));
      const byId = new Map(rows.map((row) => [row[0], row]));
      expect(byId.get(used!.id)).toEqual([used!.id, t, t, 'used', 'inv_used', t]);
      expect(byId.get(revoked!.id)).toEqual([revoked!.id, t, t, expect.stringMatching(/^revoked \d{4}-/), '-', '-']);
      expect(byId.get(kept!.id)).toEqual([kept!.id, t, t, 'usable', '-', '-']);
      expect(byId.get(expiring!.id)).toEqual([expiring!.id, t, t, 'expired', '-', '-']);
      expect(rows).toHaveLength(4);
      const everything = table.join('\n') + (await adminOk(at, ['invites', 'list', '--json'])).join('\n');
      for (const i of [used!, revoked!, kept!, expiring!]) expect(everything).not.toContain(i.code);
      const json = JSON.parse((await adminOk(at, ['invites', 'list', '--json'])).join('\n')) as { invites: { id: string; state: string; usedBy: string | null }[] };
      expect(json.invites.map((i) => [i.id, i.state, i.usedBy]).sort()).toEqual(
        [[used!.id, 'used', 'inv_used'], [revoked!.id, 'revoked', null], [kept!.id, 'usable', null], [expiring!.id, 'expired', null]].sort(),
      );

      // The invite that was kept still works.
      expect((await call(fresh.url, 'POST', '/users', { body: { ...registration('inv_kept'), invite: kept!.code } })).status).toBe(201);
    } finally {
      await fresh.close();
    }
  });

  it('revoke names exactly one unused invite', async () => {
    const fresh = await startTestServer({ registration: 'invite' });
    const at = fresh.config.databaseUrl;
    try {
      const made = (await adminOk(at, ['invites', 'create', '--count', '2'])).map(parseCreated);
      // Two stored hashes that share their first digits (random ones would share 4 only rarely).
      const freshDb = await openDatabase(at);
      try {
        for (const tail of ['1', '2']) {
          await freshDb.models.Invite.create({ codeHash: `abcd${tail.repeat(124)}`, createdAt: Date.now(), expiresAt: Date.now() + 60_000, usedAt: null, usedBy: null, revokedAt: null });
        }
      } finally {
        await freshDb.close();
      }
      const ambiguous = await admin(at, ['invites', 'revoke', 'abcd']);
      expect(ambiguous).toMatchObject({ code: 1, stderr: 'encrypted-chat-admin: abcd names more than one invite; give more of its id\n' });
      expect(await adminOk(at, ['invites', 'revoke', 'abcd2'])).toEqual([`revoked invite abcd${'2'.repeat(8)}`]);
      for (const bad of ['abc', 'xyz123', '%%%%', made[0]!.id + 'g']) {
        const run = await admin(at, ['invites', 'revoke', bad]);
        expect(run.code, bad).toBe(1);
        expect(run.stderr).toMatch(/is not an invite id/);
      }
      expect(await admin(at, ['invites', 'revoke', 'ffffffffffffffff0000'])).toMatchObject({ code: 1 });
      const first = made[0]!;
      expect(await adminOk(at, ['invites', 'revoke', first.id.toUpperCase()])).toEqual([`revoked invite ${first.id}`]);
      expect((await admin(at, ['invites', 'revoke', first.id])).stderr).toMatch(/^encrypted-chat-admin: invite [0-9a-f]{12} was revoked already \(/);
      const second = made[1]!;
      expect((await call(fresh.url, 'POST', '/users', { body: { ...registration('inv_second'), invite: second.code } })).status).toBe(201);
      expect((await admin(at, ['invites', 'revoke', second.id])).stderr).toMatch(/^encrypted-chat-admin: invite [0-9a-f]{12} was used already, by inv_second \(/);
      expect((await admin(at, ['invites', 'revoke'])).code).toBe(2);
    } finally {
      await fresh.close();
    }
  });
});
