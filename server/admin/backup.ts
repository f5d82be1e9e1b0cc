// `backup <file>`: a consistent copy of the database while the server keeps running.
//  - SQLite: the online backup API of the sqlite3 driver (Database#backup), every page in one step, so the
//    copy is one read transaction's snapshot: writers go on meanwhile (WAL), and a message either is in the
//    copy or was committed after it began. The copy is then switched to a self-contained file (no -wal) and
//    checked with PRAGMA quick_check. (VACUUM INTO would do as well; the backup API needs no SQL of its own
//    and copies pages as they are, which is faster on a large database.)
//  - PostgreSQL: pg_dump -Fc, which reads in one repeatable-read snapshot; checked with pg_restore --list.
//    The password goes to pg_dump in PGPASSWORD, never on its command line (which other users can read in
//    the process list).
// The file is created exclusively (mode 0600: it holds password hashes and the token secret): an existing
// file is never overwritten. A backup that fails removes what it wrote.
import { spawn } from 'node:child_process';
import { existsSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { DatabaseTarget } from '../db/database-url.js';
import { AdminError } from './admin-errors.js';
import { requireExisting, describeTarget } from './admin-database.js';
import { defineCommand, type AdminCommand } from './command.js';
import { formatBytes } from './text-output.js';

interface RawBackup {
  completed: boolean;
  step(pages: number, callback: (error: Error | null) => void): void;
  finish(callback?: (error: Error | null) => void): void;
}

interface RawSqlite {
  configure(option: 'busyTimeout', ms: number): void;
  backup(file: string, callback: (error: Error | null) => void): RawBackup;
  all(sql: string, callback: (error: Error | null, rows: Record<string, unknown>[]) => void): void;
  close(callback: (error: Error | null) => void): void;
}

interface Sqlite3 {
  Database: new (file: string, mode: number, callback: (error: Error | null) => void) => RawSqlite;
  OPEN_READWRITE: number;
  BUSY: number;
  LOCKED: number;
}

const sqlite3 = () => createRequire(import.meta.url)('sqlite3') as Sqlite3;

const BUSY_TIMEOUT_MS = 10_000;
/** How often a backup step that met a lock is tried again before giving up. */
const STEP_ATTEMPTS = 100;

export interface BackupResult {
  file: string;
  bytes: number;
}

function openSqlite(file: string): Promise<RawSqlite> {
  const driver = sqlite3();
  return new Promise((resolve, reject) => {
    const db = new driver.Database(file, driver.OPEN_READWRITE, (error) => (error ? reject(error) : resolve(db)));
  });
}

const closeSqlite = (db: RawSqlite) => new Promise<void>((resolve, reject) => db.close((error) => (error ? reject(error) : resolve())));

const allRows = (db: RawSqlite, sql: string) =>
  new Promise<Record<string, unknown>[]>((resolve, reject) => db.all(sql, (error, rows) => (error ? reject(error) : resolve(rows))));

function copyPages(source: RawSqlite, file: string): Promise<void> {
  const driver = sqlite3();
  return new Promise((resolve, reject) => {
    let attempts = 0;
    const backup = source.backup(file, (error) => {
      if (error) reject(error);
    });
    const done = (error?: Error) => backup.finish(() => (error ? reject(error) : resolve()));
    const step = () =>
      backup.step(-1, (error) => {
        const errno = (error as { errno?: number } | null)?.errno;
        if (error && (errno === driver.BUSY || errno === driver.LOCKED) && ++attempts < STEP_ATTEMPTS) setTimeout(step, 50);
        else if (error) done(error);
        else if (backup.completed) done();
        else step();
      });
    step();
  });
}

async function backupSqlite(source: string, file: string): Promise<void> {
  const db = await openSqlite(source);
  try {
    db.configure('busyTimeout', BUSY_TIMEOUT_MS);
    await copyPages(db, file);
  } finally {
    await closeSqlite(db);
  }
  const copy = await openSqlite(file);
  try {
    // The copy keeps the source's WAL mark; one file is what a backup should be. The server turns WAL back on.
    await allRows(copy, 'PRAGMA journal_mode=DELETE');
    const check = await allRows(copy, 'PRAGMA quick_check');
    const verdict = check.map((row) => String(Object.values(row)[0])).join('; ');
    if (verdict !== 'ok') throw new AdminError(`the copy failed its check (PRAGMA quick_check: ${verdict})`);
  } finally {
    await closeSqlite(copy);
  }
}

/** What libpq's tools need to reach `url`: the URL without its password, and the password in PGPASSWORD. */
export function pgConnection(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const parsed = new URL(url);
  const password = decodeURIComponent(parsed.password);
  parsed.password = '';
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (password !== '') env.PGPASSWORD = password;
  return { dbname: parsed.toString(), env };
}

/** Runs a PostgreSQL client program; its stdout goes to `stdout` (a file descriptor) or is dropped. */
export function runPgTool(program: string, args: readonly string[], env: NodeJS.ProcessEnv, stdout?: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { env, stdio: ['ignore', stdout ?? 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      if (stderr.length < 4096) stderr += chunk;
    });
    child.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'ENOENT'
          ? new AdminError(`${program} was not found: install the PostgreSQL client programs of the server's version (Debian: postgresql-client)`)
          : error,
      );
    });
    child.once('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new AdminError(`${program} failed (${signal ?? `exit ${code}`}): ${stderr.trim().split('\n')[0] ?? ''}`));
    });
  });
}

async function backupPostgres(url: string, file: string): Promise<void> {
  const { dbname, env } = pgConnection(url);
  const output = await open(file, 'r+');
  try {
    await runPgTool('pg_dump', ['--format=custom', '--no-password', `--dbname=${dbname}`], env, output.fd);
  } finally {
    await output.close();
  }
  await runPgTool('pg_restore', ['--list', file], env);
}

/** Copies the database to `file` (relative to `cwd`), which must not exist yet. */
export async function backupDatabase(url: string, target: DatabaseTarget, file: string, cwd: string): Promise<BackupResult> {
  requireExisting(target);
  const destination = path.resolve(cwd, file);
  if (target.dialect === 'sqlite' && destination === target.storage) throw new AdminError('the backup file is the database itself');
  // Claims the name: `wx` fails when anything is there, so a backup never replaces a file.
  try {
    await (await open(destination, 'wx', 0o600)).close();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new AdminError(`${destination} exists already; give a new file name (a backup never overwrites one)`);
    throw new AdminError(`cannot create ${destination} (${code ?? 'error'})`);
  }
  try {
    if (target.dialect === 'sqlite') await backupSqlite(target.storage, destination);
    else await backupPostgres(url, destination);
  } catch (error) {
    for (const leftover of [destination, `${destination}-journal`]) if (existsSync(leftover)) rmSync(leftover);
    throw error;
  }
  return { file: destination, bytes: statSync(destination).size };
}

const backup = defineCommand({
  words: ['backup'],
  operands: ['file'],
  options: {},
  optionHelp: {},
  brief: 'a consistent copy of the database, while the server runs',
  details: [
    'Writes a consistent copy of the database to a new file while the server runs: SQLite a database file (the',
    "driver's online backup, checked with PRAGMA quick_check), PostgreSQL a pg_dump custom-format archive.",
    'Prints: backed up <database> to <file>: N bytes',
    'The file must not exist; it is made readable by its owner only. Restore: docs/deploy.md, "Backups".',
    'PostgreSQL needs pg_dump and pg_restore (the server\'s version or newer) on PATH.',
  ],
  async run(context, _values, [file]) {
    const result = await backupDatabase(context.url, context.target, file!, context.cwd);
    context.out(`backed up ${describeTarget(context.target)} to ${result.file}: ${formatBytes(result.bytes)}`);
  },
});

export const backupCommands: AdminCommand[] = [backup];
