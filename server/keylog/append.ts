// The one way entries enter the key log (PROTOCOL.md "Key transparency"): inside the caller's write
// transaction — the registration's (POST /users) or the account deletion's — so an entry exists exactly when
// what it records committed. Indexes are consecutive with no gap and no repeat, whatever the number of
// instances: the first statement raises the size in key_log_state's single row (UPDATE … RETURNING), which
// on PostgreSQL locks that row until COMMIT or ROLLBACK, so a second appender waits and then reads the size
// the first committed; a rollback takes its increment back with it. On SQLite the write transaction
// (BEGIN IMMEDIATE) already excludes every other writer. The leaf and every node it completes
// (core/keylog/tree-store.ts nodesCompletedBy, computed the same way in right-edge.ts) are stored in the same
// transaction, so a committed size always has its whole tree.
//
// Registrations append one after another, each inside the one write turn (KeyLog.registrationTurn), so every
// trip to the database or the thread pool here delays every registration waiting: an append is the UPDATE,
// then the two INSERTs together — the left siblings come from the edge this process's previous append left
// (right-edge.ts KeptEdge) when that append is the log's newest, from one SELECT otherwise — and the hashes
// are computed in this thread.
//
// Lock order on PostgreSQL: a deletion holds the message writers' advisory lock (messages/append.ts) before
// it comes here; a registration holds nothing of theirs and takes nothing after this row lock. No cycle.
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type { WriteTransaction } from '../db/write-transaction.js';
import type { Hash } from '../../core/keylog/merkle.js';
import { completedNodes, entryLeafHashNow, nextEdge, readEdge, type Edge } from './right-edge.js';

export interface NewEntry {
  username: string;
  /** base64 SPKI; null for an account's deletion (stored as ''). */
  publicKey: string | null;
  /** ms since the epoch; the entry holds it as ISO 8601 UTC with milliseconds. */
  at: number;
}

/** The tree's right edge as the appender may know it already (right-edge.ts KeptEdge), and where the next goes. */
export interface EdgeMemory {
  /** The edge of `size` leaves, if known and ending with `storedLastLeaf`: leaf size − 1 as stored, null when none is. */
  of(size: number, storedLastLeaf: Uint8Array | null): Edge | undefined;
  /** The append's statements succeeded: the edge of `size` leaves, the last of them `lastLeaf`, if `tx` commits. */
  keep(size: number, lastLeaf: Hash, edge: Edge): void;
}

interface SizeRow {
  size: number | string;
  /** leaf size − 2 as stored, i.e. the one before the new entry's */
  previous_leaf: Uint8Array | null;
}

/** Appends one entry in `tx`; returns its index. */
export async function appendEntry(tx: WriteTransaction, entry: NewEntry, memory?: EdgeMemory): Promise<number> {
  // The stored leaf before the new one comes with the size, in the same statement: it is what tells whether a
  // remembered edge is this log's (EdgeMemory.of).
  const [row] = await tx.select<SizeRow>(
    'UPDATE key_log_state SET size = size + 1 WHERE id = 1 RETURNING size, (SELECT hash FROM key_log_nodes WHERE level = 0 AND idx = key_log_state.size - 2) AS previous_leaf',
    [],
  );
  if (!row) throw new Error('the key log has no state row (migration 007 did not run)');
  const index = Number(row.size) - 1;
  const log = { index, username: entry.username, publicKey: entry.publicKey, timestamp: new Date(entry.at).toISOString() };
  const select = tx.select.bind(tx);
  // Without a memory to keep it in, only the nodes this leaf is hashed with: none for an even index.
  const edge = memory ? (memory.of(index, row.previous_leaf) ?? (await readEdge(select, index))) : await readEdge(select, index, 'siblings');
  const leaf = entryLeafHashNow(log);
  const nodes = completedNodes(index, leaf, edge);
  await Promise.all([
    tx.execute('INSERT INTO key_log_entries (idx, username, public_key, timestamp) VALUES (?, ?, ?, ?)', [index, log.username, log.publicKey ?? '', log.timestamp]),
    // At most one node per level: one statement.
    tx.execute(`INSERT INTO key_log_nodes (level, idx, hash) VALUES ${nodes.map(() => '(?, ?, ?)').join(', ')}`, nodes.flatMap((n) => [n.level, n.index, Buffer.from(n.hash)])),
  ]);
  memory?.keep(index + 1, leaf, nextEdge(edge, nodes));
  return index;
}

/** What sequelizeWrites uses of the sqlite3 connection a Sequelize transaction holds on SQLite. */
interface SqliteConnection {
  serialize(queue: () => void): void;
  all(sql: string, params: unknown[], callback: (error: Error | null, rows: unknown[]) => void): void;
}

/**
 * A Sequelize transaction (the registration's) seen as a WriteTransaction; each statement is awaited by its
 * caller. On SQLite the statements go straight to the transaction's own sqlite3 connection, queued in order
 * as Sequelize queues its own: they run in the registration's write turn, and Sequelize's path around each
 * (hooks, a stack trace taken per query, the parameters written into the SQL text) costs this one thread
 * more than the statement costs the database.
 */
export function sequelizeWrites(sequelize: Sequelize, transaction: Transaction): WriteTransaction {
  if (sequelize.getDialect() === 'sqlite') {
    const connection = (transaction as unknown as { connection: SqliteConnection }).connection;
    const all = <T>(sql: string, params: unknown[]) =>
      new Promise<T[]>((resolve, reject) => connection.serialize(() => connection.all(sql, params, (error, rows) => (error ? reject(error) : resolve(rows as T[])))));
    return {
      select: all,
      execute: async (sql, params) => {
        await all(sql, params);
      },
    };
  }
  return {
    select: <T>(sql: string, params: unknown[]) => sequelize.query(sql, { replacements: params as never, type: QueryTypes.SELECT, transaction }) as unknown as Promise<T[]>,
    execute: async (sql, params) => {
      await sequelize.query(sql, { replacements: params as never, transaction });
    },
  };
}
