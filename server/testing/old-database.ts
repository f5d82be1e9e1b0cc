// Test support for migration tests: a database brought up to an earlier migration, and users written into it
// as that schema stored them, to check what a later migration keeps.
import { createHash, randomBytes } from 'node:crypto';
import { Sequelize, type QueryInterface } from 'sequelize';
import { SequelizeStorage, Umzug } from 'umzug';
import { parseDatabaseUrl } from '../db/database-url.js';
import { KEYS } from './harness.js';

export interface Migration {
  name: string;
  up: (options: { context: QueryInterface }) => Promise<unknown>;
  down: (options: { context: QueryInterface }) => Promise<unknown>;
}

export const b64 = (n: number) => randomBytes(n).toString('base64');

export function connect(url: string): Sequelize {
  const target = parseDatabaseUrl(url);
  return target.dialect === 'sqlite'
    ? new Sequelize({ dialect: 'sqlite', storage: target.storage, logging: false })
    : new Sequelize(target.url, { dialect: 'postgres', logging: false });
}

/** A connection to `url` with exactly these migrations applied. */
export async function databaseAt(url: string, migrations: readonly Migration[]): Promise<Sequelize> {
  const db = connect(url);
  await new Umzug({
    migrations: migrations.map((m) => ({ name: m.name, up: m.up, down: m.down })),
    context: db.getQueryInterface(),
    storage: new SequelizeStorage({ sequelize: db, tableName: 'schema_migrations' }),
    logger: undefined,
  }).up();
  return db;
}

/** Users as the schema of migrations 001–003 stores them, all with the password whose hash is `authHash`. */
export async function insertUsers(db: Sequelize, usernames: readonly string[], authHash: Buffer, fields: { tokenGeneration: number; createdAt: number }): Promise<void> {
  for (const username of usernames) {
    const salt = randomBytes(16);
    await db.query(
      `INSERT INTO users (username, public_key, encrypted_private_key, kdf_salt, kdf_iterations, server_salt, password_hash, token_generation, created_at, sent_bytes)
       VALUES (?, ?, ?, ?, 210000, ?, ?, ?, ?, 0)`,
      { replacements: [username, KEYS.valid.alice, b64(2400), b64(16), salt, createHash('sha512').update(salt).update(authHash).digest(), fields.tokenGeneration, fields.createdAt] },
    );
  }
}
