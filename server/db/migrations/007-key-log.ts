// Protocol v2 key transparency (PROTOCOL.md "Key transparency"): the append-only log of every username's key.
//  - key_log_entries: entry `idx` (from 0, in commit order): username, the base64 SPKI public key or '' for
//    an account's deletion, and the entry's timestamp as the ISO text the entry bytes hash.
//  - key_log_nodes: the Merkle tree as stored nodes (level, idx) → hash: node (l, i) is the root of the
//    perfect subtree over leaves [i·2^l, (i+1)·2^l), level 0 the leaf hashes; so a root or a proof is one
//    batched read of O(log n) nodes (core/keylog/tree-store.ts).
//  - key_log_state: one row, the log's size; appending raises it with UPDATE … RETURNING, which is the lock
//    that hands out consecutive indexes (server/keylog/append.ts).
//  - key_log_heads: the signed tree heads, numbered; every instance serves the newest row, so all agree.
//  - key_log_key: one row, the log's RSA-4096 key pair, made by the first instance that starts
//    (server/keylog/log-key.ts). Deliberately not in server_secrets: replacing the token secret (emptying
//    server_secrets, docs/deploy.md) must not replace the log key, which every client pinned.
// The log is built here for the accounts that exist already, in createdAt order (ties: username), each
// entry's timestamp its account's createdAt, with every node the entries complete.
//
// Accounts deleted before this migration get no entry at all. Their users row keeps only the name (deletion
// erased the key), so their key entry cannot be written, and a deletion entry alone would be what every
// client's monitor (PROTOCOL.md rule 4; core/keylog/client-checks.ts 'deletion_without_key') rightly calls
// an attack. Leaving them out is safe: the name stays taken for good by its row, so the log will never hold
// an entry for it, and GET /users/{u} answers 410 for it without a keyIndex.
import type { QueryInterface, Sequelize, Transaction } from 'sequelize';
import { QueryTypes } from 'sequelize';
import { entryLeafHash } from '../../../core/keylog/entries.js';
import { nodesCompletedBy, type NodeKey } from '../../../core/keylog/tree-store.js';
import type { Hash } from '../../../core/keylog/merkle.js';

export const name = '007-key-log';

const PAGE = 1000;

function tables(postgres: boolean): string[] {
  const name = postgres ? 'VARCHAR(32) COLLATE "C"' : 'VARCHAR(32)';
  const bytes = postgres ? 'BYTEA' : 'BLOB';
  // SQLite: INTEGER PRIMARY KEY is the rowid itself; the nodes are clustered by their key.
  const index = postgres ? 'BIGINT' : 'INTEGER';
  return [
    `CREATE TABLE key_log_entries (
      idx ${index} PRIMARY KEY,
      username ${name} NOT NULL,
      public_key TEXT NOT NULL,
      timestamp VARCHAR(24) NOT NULL
    )`,
    'CREATE INDEX key_log_entries_username ON key_log_entries (username, idx)',
    `CREATE TABLE key_log_nodes (
      level SMALLINT NOT NULL,
      idx BIGINT NOT NULL,
      hash ${bytes} NOT NULL,
      PRIMARY KEY (level, idx)
    )${postgres ? '' : ' WITHOUT ROWID'}`,
    `CREATE TABLE key_log_state (
      id SMALLINT PRIMARY KEY CHECK (id = 1),
      size BIGINT NOT NULL
    )`,
    `CREATE TABLE key_log_heads (
      head_no BIGINT PRIMARY KEY,
      size BIGINT NOT NULL,
      root VARCHAR(88) NOT NULL,
      timestamp VARCHAR(24) NOT NULL,
      signature TEXT NOT NULL
    )`,
    `CREATE TABLE key_log_key (
      id SMALLINT PRIMARY KEY CHECK (id = 1),
      private_key ${bytes} NOT NULL,
      public_key TEXT NOT NULL,
      created_at BIGINT NOT NULL
    )`,
  ];
}

interface UserRow {
  username: string;
  public_key: string;
  created_at: number | string;
}

/** INSERT … VALUES (…), (…) for rows, in statements of at most `per` rows. */
async function insert(sequelize: Sequelize, transaction: Transaction, table: string, columns: string[], rows: unknown[][]): Promise<void> {
  const per = Math.floor(4000 / columns.length);
  for (let start = 0; start < rows.length; start += per) {
    const chunk = rows.slice(start, start + per);
    const values = chunk.map(() => `(${columns.map(() => '?').join(', ')})`).join(', ');
    await sequelize.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values}`, { replacements: chunk.flat(), transaction });
  }
}

/** Appends an entry for every live account, oldest first; returns the log's size. */
async function buildLog(sequelize: Sequelize, transaction: Transaction): Promise<number> {
  // Only ever read as left siblings: the nodes with an even index, each once, so the map stays O(log n).
  const pending = new Map<string, Hash>();
  const key = (n: NodeKey) => `${n.level}/${n.index}`;
  const read = async (keys: readonly NodeKey[]) =>
    keys.map((k) => {
      const hash = pending.get(key(k));
      if (!hash) throw new Error(`007-key-log: node ${key(k)} was not computed`);
      pending.delete(key(k));
      return hash;
    });
  // A temporary index so that each page is a range read, not a scan of every account.
  await sequelize.query('CREATE INDEX users_created_007 ON users (created_at, username)', { transaction });
  let size = 0;
  let after: [number, string] | undefined;
  for (;;) {
    const rows = await sequelize.query<UserRow>(
      `SELECT username, public_key, created_at FROM users
       WHERE deleted_at IS NULL${after ? ' AND (created_at, username) > (?, ?)' : ''}
       ORDER BY created_at, username LIMIT ${PAGE}`,
      { replacements: after ?? [], type: QueryTypes.SELECT, transaction },
    );
    if (rows.length === 0) break;
    const entries: unknown[][] = [];
    const nodes: unknown[][] = [];
    for (const row of rows) {
      const entry = { index: size, username: row.username, publicKey: row.public_key, timestamp: new Date(Number(row.created_at)).toISOString() };
      entries.push([entry.index, entry.username, entry.publicKey, entry.timestamp]);
      for (const node of await nodesCompletedBy(size, await entryLeafHash(entry), read)) {
        nodes.push([node.level, node.index, Buffer.from(node.hash)]);
        if (node.index % 2 === 0) pending.set(key(node), node.hash);
      }
      size++;
    }
    await insert(sequelize, transaction, 'key_log_entries', ['idx', 'username', 'public_key', 'timestamp'], entries);
    await insert(sequelize, transaction, 'key_log_nodes', ['level', 'idx', 'hash'], nodes);
    const last = rows.at(-1)!;
    after = [Number(last.created_at), last.username];
  }
  await sequelize.query('DROP INDEX users_created_007', { transaction });
  return size;
}

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  const { sequelize } = qi;
  const postgres = sequelize.getDialect() === 'postgres';
  await sequelize.transaction(async (transaction) => {
    for (const sql of tables(postgres)) await sequelize.query(sql, { transaction });
    const size = await buildLog(sequelize, transaction);
    await sequelize.query('INSERT INTO key_log_state (id, size) VALUES (1, ?)', { replacements: [size], transaction });
  });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  for (const table of ['key_log_key', 'key_log_heads', 'key_log_state', 'key_log_nodes', 'key_log_entries']) await qi.dropTable(table);
}
