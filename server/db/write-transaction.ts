// Write transactions for the message path, the hottest write of the server. One small interface, two
// implementations:
//  - SQLite: a dedicated connection (sqlite3 directly, serialized mode) that queues statements back to
//    back, so a batch costs three trips to the database thread (BEGIN IMMEDIATE + first read, the writes,
//    COMMIT) instead of one per statement. synchronous=FULL: COMMIT returns once the WAL is on disk.
//  - PostgreSQL: a Sequelize transaction over the pool.
// SQL uses positional `?` parameters; `placeholders(n)` writes the list for an IN (…) or a VALUES row.
import { createRequire } from 'node:module';
import { QueryTypes, type Sequelize } from 'sequelize';

export interface WriteTransaction {
  select<T>(sql: string, params: unknown[]): Promise<T[]>;
  /** Runs a statement; several may be issued before awaiting any, and they run in order. */
  execute(sql: string, params: unknown[]): Promise<void>;
}

export interface TransactionRunner {
  /**
   * Runs `work` in one write transaction, committed when `work` and every statement it issued succeeded,
   * rolled back otherwise. Transactions of one runner run one at a time.
   */
  run<T>(work: (tx: WriteTransaction) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export const placeholders = (count: number): string => Array.from({ length: count }, () => '?').join(', ');

interface RawSqlite {
  configure(option: 'busyTimeout', ms: number): void;
  serialize(): void;
  run(sql: string, params: unknown[], callback: (error: Error | null) => void): void;
  all(sql: string, params: unknown[], callback: (error: Error | null, rows: unknown[]) => void): void;
  close(callback: (error: Error | null) => void): void;
}

const sqlite3 = () =>
  createRequire(import.meta.url)('sqlite3') as { Database: new (file: string, callback: (error: Error | null) => void) => RawSqlite };

export async function openSqliteRunner(file: string, busyTimeoutMs: number): Promise<TransactionRunner> {
  const db = await new Promise<RawSqlite>((resolve, reject) => {
    const opened = new (sqlite3().Database)(file, (error) => (error ? reject(error) : resolve(opened)));
  });
  db.configure('busyTimeout', busyTimeoutMs);
  db.serialize();
  const run = (sql: string, params: unknown[] = []) =>
    new Promise<void>((resolve, reject) => db.run(sql, params, (error) => (error ? reject(error) : resolve())));
  const all = <T>(sql: string, params: unknown[]) =>
    new Promise<T[]>((resolve, reject) => db.all(sql, params, (error, rows) => (error ? reject(error) : resolve(rows as T[]))));
  await run('PRAGMA synchronous=FULL');
  // One transaction at a time on this connection; callers queue here.
  let tail: Promise<unknown> = Promise.resolve();
  return {
    run<T>(work: (tx: WriteTransaction) => Promise<T>): Promise<T> {
      const result = tail.then(async () => {
        // Statements queue behind BEGIN on this serialized connection without waiting for it; a write is
        // only ever sent once BEGIN is known to have succeeded, so nothing runs outside the transaction.
        let begunOk = false;
        const begun = run('BEGIN IMMEDIATE').then(() => {
          begunOk = true;
        });
        const pending: Promise<void>[] = [begun];
        try {
          const value = await work({
            select: async <R>(sql: string, params: unknown[]) => {
              const rows = await all<R>(sql, params);
              await begun;
              return rows;
            },
            execute: (sql, params) => {
              const done = begunOk ? run(sql, params) : begun.then(() => run(sql, params));
              pending.push(done);
              return done;
            },
          });
          // Every statement must have succeeded before COMMIT is even queued: a failed one is never half kept.
          await Promise.all(pending);
          await run('COMMIT');
          return value;
        } catch (error) {
          await Promise.allSettled(pending);
          await run('ROLLBACK').catch(() => undefined);
          throw error;
        }
      });
      tail = result.catch(() => undefined);
      return result;
    },
    async close() {
      await tail;
      await new Promise<void>((resolve) => db.close(() => resolve()));
    },
  };
}

export function sequelizeRunner(sequelize: Sequelize): TransactionRunner {
  // One at a time in this process, like the SQLite runner; other instances are the caller's business
  // (the message path takes an advisory lock first).
  let tail: Promise<unknown> = Promise.resolve();
  return {
    run<T>(work: (tx: WriteTransaction) => Promise<T>): Promise<T> {
      const result = tail.then(() => transactionally(sequelize, work));
      tail = result.catch(() => undefined);
      return result;
    },
    async close() {
      await tail;
    },
  };
}

function transactionally<T>(sequelize: Sequelize, work: (tx: WriteTransaction) => Promise<T>): Promise<T> {
  return sequelize.transaction(async (transaction) => {
    const pending: Promise<void>[] = [];
    const value = await work({
      select: <R>(sql: string, params: unknown[]) =>
        sequelize.query(sql, { replacements: params as never, type: QueryTypes.SELECT, transaction }) as unknown as Promise<R[]>,
      execute: (sql, params) => {
        const done = sequelize.query(sql, { replacements: params as never, transaction }).then(() => undefined);
        pending.push(done);
        return done;
      },
    }).catch(async (error: unknown) => {
      await Promise.allSettled(pending);
      throw error;
    });
    await Promise.all(pending);
    return value;
  });
}

/** Most parameters one statement carries: well below SQLite's 32766 and PostgreSQL's 65535. */
const MAX_PARAMETERS = 8000;

/**
 * Issues the INSERTs for `rows` (each as wide as `columns`), as few statements as the parameter limit
 * allows. Fire and forget: like every execute, they run in order and the transaction fails if one does.
 */
export function insertRows(tx: WriteTransaction, table: string, columns: readonly string[], rows: readonly unknown[][]): void {
  const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / columns.length));
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement);
    const values = chunk.map(() => `(${placeholders(columns.length)})`).join(', ');
    void tx.execute(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values}`, chunk.flat());
  }
}
