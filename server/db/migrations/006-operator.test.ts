// 006 on a database made by migrations 001–005 and filled the old way: accounts still sign in (none is
// disabled), an invite made before still registers, /health reports no retention, and the admin tool works
// on the upgraded database. The admin tool refuses the database before the upgrade instead of migrating it.
import { createHash, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { databaseAt, insertUsers } from '../../testing/old-database.js';
import { freshDatabaseUrl } from '../../../test/support/database.js';
import { call, registration, startTestServer } from '../../testing/harness.js';
import { admin, adminOk } from '../../admin/admin-run.fixture.js';
import * as initial from './001-initial.js';
import * as sentBytes from './002-sent-bytes.js';
import * as blocks from './003-blocks.js';
import * as groups from './004-groups.js';
import * as accounts from './005-accounts.js';
import * as operator from './006-operator.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('migration 006-operator on a database of migrations 001–005', () => {
  it('keeps accounts and invites working; the admin tool waits for the upgrade', async () => {
    const url = await freshDatabaseUrl();
    const old = await databaseAt(url, [initial, sentBytes, blocks, groups, accounts]);
    const authHash = randomBytes(64);
    await insertUsers(old, ['alice', 'bob'], authHash, { tokenGeneration: 0, createdAt: 1764000000000 });
    const code = 'an-invite-made-before-006';
    await old.query('INSERT INTO invites (code_hash, created_at, expires_at) VALUES (?, ?, ?)', {
      replacements: [createHash('sha512').update(code, 'utf8').digest('hex'), Date.now(), Date.now() + 86_400_000],
    });
    await old.close();

    const before = await admin(url, ['stats']);
    expect(before.code).toBe(1);
    expect(before.stderr).toBe(
      'encrypted-chat-admin: the database is older than this version (not yet applied: 006-operator, 007-key-log, 008-attachments, 009-rate-limits, 010-account-state); start the server of this version once, which migrates it, then run this again\n',
    );

    const server = await startTestServer({ databaseUrl: url, registration: 'invite' });
    cleanups.push(() => server.close());
    expect((await call(server.url, 'GET', '/health')).body).toMatchObject({ registration: 'invite', retention: null });
    const login = await call(server.url, 'POST', '/login', { body: { username: 'alice', authHash: authHash.toString('base64') } });
    expect(login.status).toBe(200);
    expect((await call(server.url, 'POST', '/users', { body: { ...registration('carol'), invite: code } })).status).toBe(201);

    expect(await adminOk(url, ['stats'])).toContain('users: 3 active, 0 disabled, 0 deleted');
    expect(await adminOk(url, ['users', 'disable', 'bob'])).toEqual(['disabled bob; ended 0 sessions']);
    const bob = await call(server.url, 'POST', '/login', { body: { username: 'bob', authHash: authHash.toString('base64') } });
    expect(bob.status).toBe(403);
    expect((await adminOk(url, ['invites', 'list']))[1]).toMatch(/ used +carol /);
  });

  it('can be undone and redone', async () => {
    const url = await freshDatabaseUrl();
    const db = await databaseAt(url, [initial, sentBytes, blocks, groups, accounts, operator]);
    try {
      const qi = db.getQueryInterface();
      expect(Object.keys(await qi.describeTable('users'))).toContain('disabled_at');
      await operator.down({ context: qi });
      expect(Object.keys(await qi.describeTable('users'))).not.toContain('disabled_at');
      expect(Object.keys(await qi.describeTable('invites'))).not.toContain('revoked_at');
      expect(await qi.tableExists('server_settings')).toBe(false);
      await operator.up({ context: qi });
      expect(Object.keys(await qi.describeTable('invites'))).toContain('revoked_at');
      expect(Object.keys(await qi.describeTable('server_settings')).sort()).toEqual(['name', 'updated_at', 'value']);
    } finally {
      await db.close();
    }
  });
});
