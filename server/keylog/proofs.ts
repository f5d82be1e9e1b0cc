// What the key log's read endpoints answer, from the stored tree: entries, inclusion and consistency proofs
// (O(log n) nodes in one SELECT, core/keylog/tree-store.ts), and the entry holding a user's key.
import { storedConsistencyProof, storedInclusionProof } from '../../core/keylog/tree-store.js';
import type { LogEntry } from '../../core/keylog/entries.js';
import { encodeBase64 } from '../../core/protocol/base64.js';
import { nodeReader, type Select } from './nodes.js';

interface EntryRow {
  idx: number | string;
  username: string;
  public_key: string;
  timestamp: string;
}

/** Entries [start, start + limit) that exist, in index order. */
export async function readEntries(select: Select, start: number, limit: number): Promise<LogEntry[]> {
  const rows = await select<EntryRow>('SELECT idx, username, public_key, timestamp FROM key_log_entries WHERE idx >= ? AND idx < ? ORDER BY idx', [start, start + limit]);
  return rows.map((r) => ({ index: Number(r.idx), username: r.username, publicKey: r.public_key === '' ? null : r.public_key, timestamp: r.timestamp }));
}

/** The index of the entry holding `username`'s key (its first key entry), if the log has one. */
export async function keyIndexOf(select: Select, username: string): Promise<number | undefined> {
  const [row] = await select<{ idx: number | string }>("SELECT idx FROM key_log_entries WHERE username = ? AND public_key <> '' ORDER BY idx LIMIT 1", [username]);
  return row === undefined ? undefined : Number(row.idx);
}

/** RFC 9162 PATH(index, D[size]) as base64; the caller checked index < size ≤ the log's size. */
export async function inclusionProof(select: Select, index: number, size: number): Promise<string[]> {
  return (await storedInclusionProof(index, size, nodeReader(select))).map(encodeBase64);
}

/** RFC 9162 PROOF(from, D[to]) as base64; the caller checked 1 ≤ from < to ≤ the log's size. */
export async function consistencyProof(select: Select, from: number, to: number): Promise<string[]> {
  return (await storedConsistencyProof(from, to, nodeReader(select))).map(encodeBase64);
}
