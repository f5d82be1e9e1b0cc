// Which database the admin tool works on, and opening it. The same DATABASE_URL as the server, with the
// server's default (a relative sqlite: path is relative to the working directory, as for the server), or
// --database. The tool never creates or migrates a database: a SQLite file that is not there is an error
// (not a new empty database), and one whose schema is behind this version's migrations must first be
// migrated by starting the server of this version, so that the tool cannot upgrade a database under an
// older server that still runs on it.
import { existsSync } from 'node:fs';
import { QueryTypes, Sequelize } from 'sequelize';
import { describeSettings } from '../config.js';
import { openDatabase, type Database } from '../db/database.js';
import { parseDatabaseUrl, type DatabaseTarget } from '../db/database-url.js';
import { migrations } from '../db/migrations/index.js';
import { AdminError } from './admin-errors.js';

const DEFAULT_DATABASE_URL = String(describeSettings().find((s) => s.env === 'DATABASE_URL')!.fallback);

/** --database, else DATABASE_URL, else the server's default; checked, with the path resolved against `cwd`. */
export function resolveDatabase(option: string | undefined, env: NodeJS.ProcessEnv, cwd: string): { url: string; target: DatabaseTarget } {
  const url = option ?? env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  const from = option !== undefined ? '--database' : env.DATABASE_URL !== undefined ? 'DATABASE_URL' : 'the default DATABASE_URL';
  try {
    const target = parseDatabaseUrl(url, cwd);
    // Relative SQLite paths are fixed here so every later step (the server's open, the backup) agrees.
    return { url: target.dialect === 'sqlite' ? `sqlite:${target.storage}` : url, target };
  } catch (error) {
    throw new AdminError(`${from} ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The database for messages: the SQLite file, or the PostgreSQL URL without its password. */
export function describeTarget(target: DatabaseTarget): string {
  if (target.dialect === 'sqlite') return target.storage;
  const url = new URL(target.url);
  url.password = '';
  return url.toString();
}

/** Fails unless the SQLite file exists (opening would create an empty one). */
export function requireExisting(target: DatabaseTarget): void {
  if (target.dialect === 'sqlite' && !existsSync(target.storage)) {
    throw new AdminError(`there is no database at ${target.storage}: set DATABASE_URL as for the server, or pass --database`);
  }
}

async function appliedMigrations(target: DatabaseTarget): Promise<string[]> {
  const sequelize =
    target.dialect === 'sqlite'
      ? new Sequelize({ dialect: 'sqlite', storage: target.storage, logging: false })
      : new Sequelize(target.url, { dialect: 'postgres', logging: false, pool: { max: 1 } });
  try {
    if (!(await sequelize.getQueryInterface().tableExists('schema_migrations'))) return [];
    const rows = await sequelize.query<{ name: string }>('SELECT name FROM schema_migrations', { type: QueryTypes.SELECT });
    return rows.map((row) => row.name);
  } finally {
    await sequelize.close();
  }
}

/** The server's database with every migration of this version applied; an AdminError otherwise. */
export async function openMigratedDatabase(url: string, target: DatabaseTarget): Promise<Database> {
  requireExisting(target);
  let applied: string[];
  try {
    applied = await appliedMigrations(target);
  } catch (error) {
    throw new AdminError(`cannot read the database at ${describeTarget(target)}: ${firstLine(error)}`);
  }
  if (applied.length === 0) {
    throw new AdminError(`${describeTarget(target)} holds no Encrypted Chat database (no migrations applied); start the server on it once first`);
  }
  const pending = migrations.map((m) => m.name).filter((name) => !applied.includes(name));
  if (pending.length > 0) {
    throw new AdminError(
      `the database is older than this version (not yet applied: ${pending.join(', ')}); start the server of this version once, which migrates it, then run this again`,
    );
  }
  // Nothing is pending, so openDatabase's migration step changes nothing.
  return openDatabase(url);
}

/** A driver's error in one line: the rest can quote SQL. */
export function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}
