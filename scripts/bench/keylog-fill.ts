// Fills a server's SQLite key log directly (the server stopped): `count` key entries from index 0, every node
// they complete computed with core's tree-store (nodesCompletedBy, as the server's append does), the size row
// set — far faster than a million registrations through the server. Entries carry a real RSA-4096 key.
import { createRequire } from 'node:module';
import { entryLeafHash } from '../../core/keylog/entries.js';
import type { Hash } from '../../core/keylog/merkle.js';
import { nodesCompletedBy, type NodeKey } from '../../core/keylog/tree-store.js';

interface SqliteDatabase {
  exec(sql: string, callback: (error: Error | null) => void): void;
  run(sql: string, params: unknown[], callback: (error: Error | null) => void): void;
  close(callback: (error: Error | null) => void): void;
}
const sqlite3 = createRequire(import.meta.url)('sqlite3') as { Database: new (file: string, callback: (e: Error | null) => void) => SqliteDatabase };

const exec = (db: SqliteDatabase, sql: string) => new Promise<void>((resolve, reject) => db.exec(sql, (e) => (e ? reject(e) : resolve())));
const run = (db: SqliteDatabase, sql: string, params: unknown[]) => new Promise<void>((resolve, reject) => db.run(sql, params, (e) => (e ? reject(e) : resolve())));

const ROWS_PER_STATEMENT = 200;

/** Writes entries 0..count-1 (the log must be empty) and their nodes; `onProgress` gets the entries done. */
export async function fillKeyLog(file: string, count: number, publicKey: string, onProgress: (done: number) => void): Promise<void> {
  const db = await new Promise<SqliteDatabase>((resolve, reject) => {
    const opened: SqliteDatabase = new sqlite3.Database(file, (error) => (error ? reject(error) : resolve(opened)));
  });
  // Only ever read as left siblings: the even-indexed nodes, each once (see migration 007).
  const pending = new Map<string, Hash>();
  const name = (n: NodeKey) => `${n.level}/${n.index}`;
  const read = async (keys: readonly NodeKey[]) =>
    keys.map((k) => {
      const hash = pending.get(name(k))!;
      pending.delete(name(k));
      return hash;
    });
  const t0 = Date.UTC(2026, 0, 1);
  try {
    await exec(db, 'PRAGMA synchronous=OFF');
    const chunk = 50_000;
    for (let done = 0; done < count; done += chunk) {
      const size = Math.min(chunk, count - done);
      const entries: unknown[][] = [];
      const nodes: unknown[][] = [];
      for (let index = done; index < done + size; index++) {
        const entry = { index, username: `kl_${index}`, publicKey, timestamp: new Date(t0 + index * 1000).toISOString() };
        entries.push([index, entry.username, publicKey, entry.timestamp]);
        for (const node of await nodesCompletedBy(index, await entryLeafHash(entry), read)) {
          nodes.push([node.level, node.index, Buffer.from(node.hash)]);
          if (node.index % 2 === 0) pending.set(name(node), node.hash);
        }
      }
      await exec(db, 'BEGIN IMMEDIATE');
      for (let at = 0; at < entries.length; at += ROWS_PER_STATEMENT) {
        const rows = entries.slice(at, at + ROWS_PER_STATEMENT);
        await run(db, `INSERT INTO key_log_entries (idx, username, public_key, timestamp) VALUES ${rows.map(() => '(?, ?, ?, ?)').join(', ')}`, rows.flat());
      }
      for (let at = 0; at < nodes.length; at += ROWS_PER_STATEMENT) {
        const rows = nodes.slice(at, at + ROWS_PER_STATEMENT);
        await run(db, `INSERT INTO key_log_nodes (level, idx, hash) VALUES ${rows.map(() => '(?, ?, ?)').join(', ')}`, rows.flat());
      }
      await run(db, 'UPDATE key_log_state SET size = ? WHERE id = 1', [done + size]);
      await exec(db, 'COMMIT');
      onProgress(done + size);
    }
  } finally {
    await new Promise<void>((resolve) => db.close(() => resolve()));
  }
}
