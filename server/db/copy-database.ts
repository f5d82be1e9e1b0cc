// Copies every row of one Encrypted Chat database into another, empty one — typically a SQLite file into
// PostgreSQL when one machine is no longer enough (docs/scaling.md). Both ends are brought to the latest
// schema by the normal migrations first, so the copy is column for column. Rows keep their values,
// including seq, password hashes, sessions and the token secret: accounts log in as before and
// tokens issued by the old server stay valid on the new one. The operator's marks (disabled accounts,
// revoked invites) and settings (the retention) move with them. So does the key log (entries, tree nodes,
// size, signed heads and the log key): clients that pinned the log key and kept a head see the same log,
// and the sealed account states (read positions) keep their versions. Attachments move as records (sizes,
// digests, who may read them); their blob files stay in ATTACHMENT_DIR.
//
// The source must not change during the copy (stop the server first); the target is written in one
// transaction, so a failed copy leaves it empty.
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { openDatabase, type Database } from './database.js';

export interface CopyReport {
  users: number;
  messages: number;
  mailbox: number;
  serverSecrets: number;
  blocks: number;
  groups: number;
  groupMembers: number;
  messageKeys: number;
  sessions: number;
  recoveryCodes: number;
  invites: number;
  serverSettings: number;
  keyLogEntries: number;
  keyLogNodes: number;
  keyLogState: number;
  keyLogHeads: number;
  keyLogKey: number;
  accountStates: number;
  attachments: number;
  messageAttachments: number;
}

export class CopyError extends Error {}

interface TableCopy {
  table: string;
  key: keyof CopyReport;
  /** Primary-key columns, in order; rows are read in keyset pages along them. */
  primaryKey: string[];
}

const TABLES: TableCopy[] = [
  { table: 'users', key: 'users', primaryKey: ['username'] },
  { table: 'messages', key: 'messages', primaryKey: ['seq'] },
  { table: 'mailbox', key: 'mailbox', primaryKey: ['username', 'seq'] },
  { table: 'server_secrets', key: 'serverSecrets', primaryKey: ['name'] },
  { table: 'blocks', key: 'blocks', primaryKey: ['blocker', 'blocked'] },
  { table: 'groups', key: 'groups', primaryKey: ['id'] },
  { table: 'group_members', key: 'groupMembers', primaryKey: ['group_id', 'username'] },
  { table: 'message_keys', key: 'messageKeys', primaryKey: ['seq', 'username'] },
  { table: 'sessions', key: 'sessions', primaryKey: ['id'] },
  { table: 'recovery_codes', key: 'recoveryCodes', primaryKey: ['username'] },
  { table: 'invites', key: 'invites', primaryKey: ['code_hash'] },
  { table: 'server_settings', key: 'serverSettings', primaryKey: ['name'] },
  { table: 'key_log_entries', key: 'keyLogEntries', primaryKey: ['idx'] },
  { table: 'key_log_nodes', key: 'keyLogNodes', primaryKey: ['level', 'idx'] },
  { table: 'key_log_state', key: 'keyLogState', primaryKey: ['id'] },
  { table: 'key_log_heads', key: 'keyLogHeads', primaryKey: ['head_no'] },
  { table: 'key_log_key', key: 'keyLogKey', primaryKey: ['id'] },
  { table: 'account_state', key: 'accountStates', primaryKey: ['username'] },
  // The blobs' records and which message names which; the blobs themselves are files in ATTACHMENT_DIR,
  // which the operator copies (or points the new server at) as docs/scaling.md says.
  { table: 'attachments', key: 'attachments', primaryKey: ['id'] },
  { table: 'message_attachments', key: 'messageAttachments', primaryKey: ['seq', 'position'] },
];

/**
 * What a server started once on the target makes by itself, and the source's rows replace: the token secret,
 * and an empty key log's size row, log key and heads of size 0 (key_log_entries must be empty, as any table).
 */
const REPLACED: ReadonlySet<string> = new Set(['server_secrets', 'key_log_state', 'key_log_heads', 'key_log_key']);

const BATCH = 500;

type Row = Record<string, unknown>;

async function count(sequelize: Sequelize, table: string, transaction?: Transaction): Promise<number> {
  const rows = await sequelize.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${table}`, { type: QueryTypes.SELECT, transaction });
  return Number(rows[0]!.n);
}

/** `(a, b) > (:a, :b)` spelled out, which both SQLite and PostgreSQL plan as an index range. */
function afterClause(columns: string[]): string {
  const terms = columns.map((column, i) => {
    const equal = columns.slice(0, i).map((c) => `${c} = :${c}`);
    return [...equal, `${column} > :${column}`].join(' AND ');
  });
  return terms.map((t) => `(${t})`).join(' OR ');
}

async function copyTable(source: Database, target: Database, spec: TableCopy, transaction: Transaction): Promise<number> {
  const order = spec.primaryKey.join(', ');
  let last: Row | undefined;
  let copied = 0;
  for (;;) {
    const where = last ? `WHERE ${afterClause(spec.primaryKey)}` : '';
    const replacements: Row = { limit: BATCH };
    for (const column of spec.primaryKey) if (last) replacements[column] = last[column];
    const rows = await source.sequelize.query<Row>(`SELECT * FROM ${spec.table} ${where} ORDER BY ${order} LIMIT :limit`, {
      type: QueryTypes.SELECT,
      replacements,
    });
    if (rows.length === 0) return copied;
    await target.sequelize.getQueryInterface().bulkInsert(spec.table, rows, { transaction });
    copied += rows.length;
    last = rows.at(-1);
  }
}

export async function copyDatabase(fromUrl: string, toUrl: string): Promise<CopyReport> {
  const source = await openDatabase(fromUrl);
  let target: Database | undefined;
  try {
    target = await openDatabase(toUrl);
    for (const { table } of TABLES.filter((t) => !REPLACED.has(t.table))) {
      if ((await count(target.sequelize, table)) > 0) {
        throw new CopyError(`the target database already has ${table}; copy only into an empty database`);
      }
    }
    const into = target;
    const report = await into.sequelize.transaction(async (transaction) => {
      // A server started once on the target made its own token secret (and an empty key log's key and
      // heads); the source's replace them.
      for (const table of REPLACED) await into.sequelize.query(`DELETE FROM ${table}`, { transaction });
      const copied: Partial<CopyReport> = {};
      for (const spec of TABLES) copied[spec.key] = await copyTable(source, into, spec, transaction);
      for (const spec of TABLES) {
        const expected = await count(source.sequelize, spec.table);
        const found = await count(into.sequelize, spec.table, transaction);
        if (found !== expected || copied[spec.key] !== expected) {
          throw new CopyError(`${spec.table}: the source has ${expected} rows but ${found} arrived; nothing was copied`);
        }
      }
      return copied as CopyReport;
    });
    // Fresh planner statistics: without them PostgreSQL plans the first queries on a million copied rows
    // as if the tables were empty (whole-mailbox sorts), until autovacuum gets round to it.
    if (into.dialect === 'postgres') await into.sequelize.query('ANALYZE');
    return report;
  } finally {
    await target?.close().catch(() => undefined);
    await source.close().catch(() => undefined);
  }
}
