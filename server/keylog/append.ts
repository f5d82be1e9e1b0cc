// The one way entries enter the key log (PROTOCOL.md "Key transparency"): inside the caller's write
// transaction — the registration's (POST /users) or the account deletion's — so an entry exists exactly when
// what it records committed. Indexes are consecutive with no gap and no repeat, whatever the number of
// instances: the first statement raises the size in key_log_state's single row (UPDATE … RETURNING), which
// on PostgreSQL locks that row until COMMIT or ROLLBACK, so a second appender waits and then reads the size
// the first committed; a rollback takes its increment back with it. On SQLite the write transaction
// (BEGIN IMMEDIATE) already excludes every other writer. The leaf and every node it completes
// (core/keylog/tree-store.ts nodesCompletedBy) are stored in the same transaction, so a committed size always
// has its whole tree.
//
// Lock order on PostgreSQL: a deletion holds the message writers' advisory lock (messages/append.ts) before
// it comes here; a registration holds nothing of theirs and takes nothing after this row lock. No cycle.
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { entryLeafHash } from '../../core/keylog/entries.js';
import { nodesCompletedBy } from '../../core/keylog/tree-store.js';
import type { WriteTransaction } from '../db/write-transaction.js';
import { leftSiblings, readNodes } from './nodes.js';

export interface NewEntry {
  username: string;
  /** base64 SPKI; null for an account's deletion (stored as ''). */
  publicKey: string | null;
  /** ms since the epoch; the entry holds it as ISO 8601 UTC with milliseconds. */
  at: number;
}

/** Appends one entry in `tx`; returns its index. */
export async function appendEntry(tx: WriteTransaction, entry: NewEntry): Promise<number> {
  const [row] = await tx.select<{ size: number | string }>('UPDATE key_log_state SET size = size + 1 WHERE id = 1 RETURNING size', []);
  if (!row) throw new Error('the key log has no state row (migration 007 did not run)');
  const index = Number(row.size) - 1;
  const log = { index, username: entry.username, publicKey: entry.publicKey, timestamp: new Date(entry.at).toISOString() };
  const siblings = leftSiblings(index);
  const known = await readNodes(tx.select.bind(tx), siblings);
  const nodes = await nodesCompletedBy(index, await entryLeafHash(log), async (keys) =>
    keys.map((k) => known[siblings.findIndex((s) => s.level === k.level && s.index === k.index)]!),
  );
  await Promise.all([
    tx.execute('INSERT INTO key_log_entries (idx, username, public_key, timestamp) VALUES (?, ?, ?, ?)', [index, log.username, log.publicKey ?? '', log.timestamp]),
    // At most one node per level: one statement.
    tx.execute(`INSERT INTO key_log_nodes (level, idx, hash) VALUES ${nodes.map(() => '(?, ?, ?)').join(', ')}`, nodes.flatMap((n) => [n.level, n.index, Buffer.from(n.hash)])),
  ]);
  return index;
}

/** A Sequelize transaction (the registration's) seen as a WriteTransaction; each statement is awaited by its caller. */
export function sequelizeWrites(sequelize: Sequelize, transaction: Transaction): WriteTransaction {
  return {
    select: <T>(sql: string, params: unknown[]) => sequelize.query(sql, { replacements: params as never, type: QueryTypes.SELECT, transaction }) as unknown as Promise<T[]>,
    execute: async (sql, params) => {
      await sequelize.query(sql, { replacements: params as never, transaction });
    },
  };
}
