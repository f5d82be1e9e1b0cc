// The key log's stored tree nodes (table key_log_nodes, migration 007): one batched SELECT for any set of
// nodes, as core/keylog/tree-store.ts's NodeReader wants, through a transaction or the read pool alike.
import { QueryTypes } from 'sequelize';
import type { Hash } from '../../core/keylog/merkle.js';
import type { NodeKey, NodeReader } from '../../core/keylog/tree-store.js';
import type { Database } from '../db/database.js';

/** A SELECT with positional `?` parameters: WriteTransaction.select, or the pool (readFrom). */
export type Select = <T>(sql: string, params: unknown[]) => Promise<T[]>;

export const readFrom =
  (db: Database): Select =>
  <T>(sql: string, params: unknown[]) =>
    db.sequelize.query(sql, { replacements: params as never, type: QueryTypes.SELECT }) as unknown as Promise<T[]>;

interface NodeRow {
  level: number | string;
  idx: number | string;
  hash: Buffer | Uint8Array;
}

const nodeName = (level: number, index: number) => `${level}/${index}`;

/**
 * Reads `keys` in one statement, in the order asked. The terms are equalities on the primary key joined by
 * OR, which both SQLite (multi-index OR) and PostgreSQL (BitmapOr) answer with one index probe per node.
 */
export async function readNodes(select: Select, keys: readonly NodeKey[]): Promise<Hash[]> {
  if (keys.length === 0) return [];
  const where = keys.map(() => '(level = ? AND idx = ?)').join(' OR ');
  const rows = await select<NodeRow>(`SELECT level, idx, hash FROM key_log_nodes WHERE ${where}`, keys.flatMap((k) => [k.level, k.index]));
  const byName = new Map(rows.map((r) => [nodeName(Number(r.level), Number(r.idx)), r.hash]));
  return keys.map((k) => {
    const hash = byName.get(nodeName(k.level, k.index));
    if (!hash) throw new Error(`the key log's node ${nodeName(k.level, k.index)} is missing`);
    return new Uint8Array(hash) as Hash;
  });
}

export const nodeReader =
  (select: Select): NodeReader =>
  (keys) =>
    readNodes(select, keys);
