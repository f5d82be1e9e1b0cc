// 002 adds users.sent_bytes and fills it from the messages already stored; after it the message writer
// keeps it up to date in the same transaction as each insert.
import { Sequelize } from 'sequelize';
import { SequelizeStorage, Umzug } from 'umzug';
import { afterEach, describe, expect, it } from 'vitest';
import { freshDatabaseUrl } from '../../../test/support/database.js';
import { parseDatabaseUrl } from '../database-url.js';
import { openDatabase, type Database } from '../database.js';
import * as initial from './001-initial.js';

const opened: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) await db.close();
});

function connect(url: string): Sequelize {
  const target = parseDatabaseUrl(url);
  const sequelize =
    target.dialect === 'sqlite'
      ? new Sequelize({ dialect: 'sqlite', storage: target.storage, logging: false })
      : new Sequelize(target.url, { dialect: 'postgres', logging: false });
  opened.push(sequelize);
  return sequelize;
}

const user = (username: string) => ({
  username,
  pk: 'cGs=',
  epk: 'ZXBr',
  salt: 'c2FsdA==',
  server: Buffer.alloc(16),
  hash: Buffer.alloc(64),
});

describe('migration 002-sent-bytes', () => {
  it('fills sent_bytes with the stored size of each user’s sent messages', async () => {
    const url = await freshDatabaseUrl();
    const old = connect(url);
    await new Umzug({
      migrations: [{ name: initial.name, up: initial.up, down: initial.down }],
      context: old.getQueryInterface(),
      storage: new SequelizeStorage({ sequelize: old, tableName: 'schema_migrations' }),
      logger: undefined,
    }).up();
    for (const name of ['alice', 'bob', 'carol']) {
      const u = user(name);
      await old.query(
        `INSERT INTO users (username, public_key, encrypted_private_key, kdf_salt, kdf_iterations, server_salt, password_hash, token_generation, created_at)
         VALUES (?, ?, ?, ?, 210000, ?, ?, 0, 1)`,
        { replacements: [u.username, u.pk, u.epk, u.salt, u.server, u.hash] },
      );
    }
    const rows: [number, string, string, string][] = [
      [1, 'alice', 'bob', 'a'.repeat(100)],
      [2, 'alice', 'alice', 'b'.repeat(10)],
      [3, 'bob', 'alice', 'c'.repeat(1)],
    ];
    for (const [seq, sender, recipient, body] of rows) {
      await old.query(
        `INSERT INTO messages (seq, id, sender, recipient, timestamp, session_key, sender_session_key, body, signature)
         VALUES (?, ?, ?, ?, 1, 'kk', 'sss', ?, 'gggg')`,
        { replacements: [seq, `00000000-0000-4000-8000-00000000000${seq}`, sender, recipient, body] },
      );
    }
    await old.close();
    opened.splice(opened.indexOf(old), 1);

    const db: Database = await openDatabase(url);
    opened.push(db);
    const bytes = async () =>
      Object.fromEntries(
        (await db.models.User.findAll({ order: [['username', 'ASC']] })).map((u) => [u.username, u.sentBytes]),
      );
    // 2 + 3 + 4 characters of keys and signature, plus the body.
    expect(await bytes()).toEqual({ alice: 9 + 100 + 9 + 10, bob: 9 + 1, carol: 0 });
  });
});
