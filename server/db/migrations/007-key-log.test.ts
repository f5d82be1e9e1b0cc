// 007 on a database made by migrations 001–006 and filled the old way: every live account gets its key entry,
// oldest first (ties by username, across the migration's pages), a deleted account none; the log's root is the
// brute-force root of those entries and the first head signs it; keyIndex names each account's entry, sign-in
// still works, and a registration after the upgrade takes the next index.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { importPublicKey } from '../../../core/crypto/rsa.js';
import { verifyTreeHead } from '../../../core/keylog/entries.js';
import { freshDatabaseUrl } from '../../../test/support/database.js';
import { databaseAt, insertUsers } from '../../testing/old-database.js';
import { call, KEYS, register, startTestServer, TEST_LOG_KEY } from '../../testing/harness.js';
import { allEntries, leavesOf, rootText, waitForHead } from '../../testing/key-log.js';
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

const T0 = 1_764_000_000_000;

describe('migration 007-key-log on a database of migrations 001–006', () => {
  it('logs the existing accounts oldest first, leaves the deleted one out, and carries on from there', async () => {
    const url = await freshDatabaseUrl();
    const old = await databaseAt(url, [initial, sentBytes, blocks, groups, accounts, operator]);
    const authHash = randomBytes(64);
    await insertUsers(old, ['zoe'], authHash, { tokenGeneration: 0, createdAt: T0 });
    await insertUsers(old, ['bob', 'amy'], authHash, { tokenGeneration: 0, createdAt: T0 + 5 });
    await insertUsers(old, ['gone_user'], authHash, { tokenGeneration: 0, createdAt: T0 + 7 });
    await insertUsers(old, ['carl'], authHash, { tokenGeneration: 0, createdAt: T0 + 9 });
    // Deleted before the upgrade: 005's deletion left the name and erased the key.
    await old.query(`UPDATE users SET public_key = '', encrypted_private_key = '', deleted_at = ? WHERE username = 'gone_user'`, { replacements: [T0 + 8] });
    await old.query(`UPDATE users SET public_key = ? WHERE username = 'carl'`, { replacements: [KEYS.valid.carol] });
    // Enough accounts for several of the migration's pages (1,000 each), created in runs of 7 at the same ms.
    const many = Array.from({ length: 2_345 }, (_, i) => ({ username: `many_${String(2_344 - i).padStart(4, '0')}`, createdAt: T0 + 100 + Math.floor(i / 7) }));
    await old.transaction(async (transaction) => {
      for (let start = 0; start < many.length; start += 200) {
        const chunk = many.slice(start, start + 200);
        await old.query(
          `INSERT INTO users (username, public_key, encrypted_private_key, kdf_salt, kdf_iterations, server_salt, password_hash, token_generation, created_at, sent_bytes)
           VALUES ${chunk.map(() => "(?, ?, 'x', 'x', 210000, ?, ?, 0, ?, 0)").join(', ')}`,
          { replacements: chunk.flatMap((u) => [u.username, KEYS.valid.bob, Buffer.alloc(16), Buffer.alloc(64), u.createdAt]), transaction },
        );
      }
    });
    await old.close();

    const server = await startTestServer({ databaseUrl: url, userDirectory: 'public' });
    cleanups.push(() => server.close());
    const entries = await allEntries(server.url);
    const expected = [
      { username: 'zoe', publicKey: KEYS.valid.alice, timestamp: new Date(T0).toISOString() },
      { username: 'amy', publicKey: KEYS.valid.alice, timestamp: new Date(T0 + 5).toISOString() },
      { username: 'bob', publicKey: KEYS.valid.alice, timestamp: new Date(T0 + 5).toISOString() },
      { username: 'carl', publicKey: KEYS.valid.carol, timestamp: new Date(T0 + 9).toISOString() },
      ...[...many]
        .sort((a, b) => a.createdAt - b.createdAt || (a.username < b.username ? -1 : 1))
        .map((u) => ({ username: u.username, publicKey: KEYS.valid.bob, timestamp: new Date(u.createdAt).toISOString() })),
    ].map((e, index) => ({ index, ...e }));
    expect(entries).toEqual(expected);
    expect(entries.some((e) => e.username === 'gone_user')).toBe(false);

    const head = await waitForHead(server.url, expected.length);
    expect(head.size).toBe(expected.length);
    expect(head.root).toBe(await rootText(await leavesOf(entries)));
    expect(await verifyTreeHead(head, await importPublicKey(TEST_LOG_KEY.publicKey))).toBe(true);

    expect((await call(server.url, 'GET', '/users/bob')).body.keyIndex).toBe(2);
    expect((await call(server.url, 'GET', '/users/carl')).body.keyIndex).toBe(3);
    expect((await call(server.url, 'GET', '/users/gone_user')).status).toBe(410);
    const login = await call(server.url, 'POST', '/login', { body: { username: 'amy', authHash: authHash.toString('base64') } });
    expect(login.status).toBe(200);

    await register(server.url, 'newcomer', KEYS.valid.carol);
    expect((await call(server.url, 'GET', '/users/newcomer')).body.keyIndex).toBe(expected.length);
    const after = await waitForHead(server.url, expected.length + 1);
    expect(after.root).toBe(await rootText(await leavesOf(await allEntries(server.url))));
  });

  it('makes an empty log on an empty database', async () => {
    const server = await startTestServer({ userDirectory: 'public' });
    cleanups.push(() => server.close());
    expect((await call(server.url, 'GET', '/keylog/entries')).body).toEqual({ entries: [] });
    expect((await waitForHead(server.url, 0)).size).toBe(0);
  });
});
