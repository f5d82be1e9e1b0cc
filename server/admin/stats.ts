// `stats`: how big the server is, from the database alone.
import { existsSync, statSync } from 'node:fs';
import { QueryTypes } from 'sequelize';
import type { Database } from '../db/database.js';
import type { DatabaseTarget } from '../db/database-url.js';
import { defineCommand, type AdminCommand } from './command.js';
import { formatBytes } from './text-output.js';

export interface ServerStats {
  users: { active: number; disabled: number; deleted: number };
  /** Message records, those their senders deleted included. */
  messages: number;
  /** Groups that still have members. */
  groups: number;
  attachmentBytes: number;
  databaseBytes: number;
}

async function one(db: Database, sql: string): Promise<number> {
  const [row] = await db.sequelize.query<{ n: number | string | null }>(sql, { type: QueryTypes.SELECT });
  return Number(row?.n ?? 0);
}

/** Stored attachment bytes: the blobs that count (erased ones, whose bytes the sweep is removing, do not). */
async function attachmentBytes(db: Database): Promise<number> {
  return one(db, 'SELECT SUM(size) AS n FROM attachments WHERE deleted_at IS NULL');
}

/** SQLite: the file and its write-ahead log (committed pages not yet copied back); PostgreSQL: the database. */
async function databaseBytes(db: Database, target: DatabaseTarget): Promise<number> {
  if (target.dialect === 'postgres') return one(db, 'SELECT pg_database_size(current_database()) AS n');
  const wal = `${target.storage}-wal`;
  return statSync(target.storage).size + (existsSync(wal) ? statSync(wal).size : 0);
}

export async function serverStats(db: Database, target: DatabaseTarget): Promise<ServerStats> {
  const [row] = await db.sequelize.query<{ active: number | string | null; disabled: number | string | null; deleted: number | string | null }>(
    `SELECT SUM(CASE WHEN deleted_at IS NULL AND disabled_at IS NULL THEN 1 ELSE 0 END) AS active,
       SUM(CASE WHEN deleted_at IS NULL AND disabled_at IS NOT NULL THEN 1 ELSE 0 END) AS disabled,
       SUM(CASE WHEN deleted_at IS NOT NULL THEN 1 ELSE 0 END) AS deleted
     FROM users`,
    { type: QueryTypes.SELECT },
  );
  return {
    users: { active: Number(row?.active ?? 0), disabled: Number(row?.disabled ?? 0), deleted: Number(row?.deleted ?? 0) },
    messages: await one(db, 'SELECT COUNT(*) AS n FROM messages'),
    groups: await one(db, 'SELECT COUNT(*) AS n FROM groups WHERE deleted_at IS NULL'),
    attachmentBytes: await attachmentBytes(db),
    databaseBytes: await databaseBytes(db, target),
  };
}

const stats = defineCommand({
  words: ['stats'],
  operands: [],
  options: { json: { type: 'boolean' } },
  optionHelp: { json: 'one JSON document instead of the lines' },
  brief: 'users, messages, groups, attachment bytes, database size',
  details: [
    'users: A active, B disabled, C deleted',
    'messages: N   (records stored, including those their senders deleted)',
    'groups: N   (groups that still have members)',
    'attachments: N bytes',
    'database: N bytes   (SQLite: the file and its -wal; PostgreSQL: pg_database_size)',
  ],
  async run(context, values) {
    const s = await serverStats(await context.database(), context.target);
    if (values.json === true) {
      context.out(JSON.stringify(s, null, 2));
      return;
    }
    context.out(`users: ${s.users.active} active, ${s.users.disabled} disabled, ${s.users.deleted} deleted`);
    context.out(`messages: ${s.messages}`);
    context.out(`groups: ${s.groups}`);
    context.out(`attachments: ${formatBytes(s.attachmentBytes)}`);
    context.out(`database: ${formatBytes(s.databaseBytes)}`);
  },
});

export const statsCommands: AdminCommand[] = [stats];
