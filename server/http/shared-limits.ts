// Server side: where rate-limit windows are counted. One process (SQLite) counts in memory; over PostgreSQL
// every instance counts in the rate_limits table (migration 009), so N instances behind a balancer enforce
// one limit, not N. Each hit is one atomic upsert (INSERT ... ON CONFLICT ... DO UPDATE ... RETURNING) that
// also restarts a window that has ended; times are the database's clock, so instances need not agree on
// theirs. Windows that have ended are deleted now and then by whichever instance counts a hit.
//
// Why not @acpr/rate-limit-postgresql (the express-rate-limit store for PostgreSQL): it pins its own pg
// (8.11.3) and pg-pool, so it opens a second pool beside Sequelize's and ignores DATABASE_URL's handling
// here; it migrates its own schema with postgres-migrations (last released 2021) outside our migrations;
// and the login guard needs several counters checked, hit and refunded together, which express-rate-limit's
// one-key Store does not express. See docs/scaling.md.
import { QueryTypes } from 'sequelize';
import type { ClientRateLimitInfo, Options, Store } from 'express-rate-limit';
import type { Database } from '../db/database.js';
import { WindowCounter } from './window-counter.js';

/** One counter to take a hit on: a named bucket, a key in it, and the bucket's limit and window. */
export interface LimitEntry {
  bucket: string;
  key: string;
  limit: number;
  windowMs: number;
}

/** A counted hit: the window's count after it, and when the window ends. */
export interface Hit {
  count: number;
  /** Milliseconds until the window ends. */
  remainingMs: number;
  /** What `refund` needs to find the same window again. */
  readonly window: unknown;
}

export interface LimitStore {
  /** For each entry, milliseconds until it may be tried again; 0 when it may now. */
  blockedFor(entries: readonly LimitEntry[]): Promise<number[]>;
  /** Counts one hit on each entry, atomically per entry. */
  hit(entries: readonly LimitEntry[]): Promise<Hit[]>;
  /** Takes the hits back, each unless its window has ended meanwhile. */
  refund(entries: readonly LimitEntry[], hits: readonly Hit[]): Promise<void>;
  /** The express-rate-limit store for one bucket, or undefined for its default in-memory store. */
  expressStore(bucket: string): Store | undefined;
}

/** In-memory windows: one WindowCounter per bucket. */
export class MemoryLimitStore implements LimitStore {
  private readonly counters = new Map<string, WindowCounter>();

  blockedFor(entries: readonly LimitEntry[]): Promise<number[]> {
    const now = Date.now();
    return Promise.resolve(entries.map((e) => this.counter(e).blockedFor(e.key, now)));
  }

  hit(entries: readonly LimitEntry[]): Promise<Hit[]> {
    const now = Date.now();
    return Promise.resolve(
      entries.map((e) => {
        const window = this.counter(e).hit(e.key, now);
        return { count: window.count, remainingMs: window.resetAt - now, window };
      }),
    );
  }

  refund(entries: readonly LimitEntry[], hits: readonly Hit[]): Promise<void> {
    entries.forEach((e, i) => this.counter(e).refund(hits[i]!.window as Parameters<WindowCounter['refund']>[0]));
    return Promise.resolve();
  }

  expressStore(): undefined {
    return undefined;
  }

  private counter(entry: LimitEntry): WindowCounter {
    let counter = this.counters.get(entry.bucket);
    if (!counter) {
      counter = new WindowCounter(entry.limit, entry.windowMs);
      this.counters.set(entry.bucket, counter);
    }
    return counter;
  }
}

/** How often ended windows are deleted (by whichever instance counts a hit after that long). */
const SWEEP_EVERY_MS = 60_000;
/** Longest key stored (the column is VARCHAR(255)); longer keys are cut, as usernames are at 64 already. */
const MAX_KEY = 255;
const NOW_MS = `(EXTRACT(EPOCH FROM now()) * 1000)::bigint`;

interface Row {
  bucket: string;
  key: string;
  hits: number | string;
  reset_at: number | string;
  now_ms: number | string;
}

/** Windows in the rate_limits table, shared by every instance over the same PostgreSQL database. */
export class PostgresLimitStore implements LimitStore {
  private lastSweep = 0;

  constructor(private readonly db: Database) {}

  async blockedFor(entries: readonly LimitEntry[]): Promise<number[]> {
    const { values, bind } = this.values(entries, (e) => [e.bucket, cut(e.key)]);
    const rows = await this.db.sequelize.query<Row>(
      `SELECT r.bucket, r.key, r.hits, r.reset_at, ${NOW_MS} AS now_ms FROM rate_limits r
       WHERE (r.bucket, r.key) IN (${values}) AND r.reset_at > ${NOW_MS}`,
      { bind, type: QueryTypes.SELECT },
    );
    return entries.map((e) => {
      const row = rows.find((r) => r.bucket === e.bucket && r.key === cut(e.key));
      return row && Number(row.hits) >= e.limit ? Number(row.reset_at) - Number(row.now_ms) : 0;
    });
  }

  async hit(entries: readonly LimitEntry[]): Promise<Hit[]> {
    this.sweepNowAndThen();
    const { values, bind } = this.values(entries, (e) => [e.bucket, cut(e.key), e.windowMs]);
    // In DO UPDATE every r.* is the row as it was, so both CASEs see the old window.
    const rows = await this.db.sequelize.query<Row>(
      `INSERT INTO rate_limits AS r (bucket, key, hits, reset_at)
       SELECT v.bucket, v.key, 1, ${NOW_MS} + v.window_ms FROM (VALUES ${values}) AS v(bucket, key, window_ms)
       ON CONFLICT (bucket, key) DO UPDATE SET
         hits = CASE WHEN r.reset_at <= ${NOW_MS} THEN 1 ELSE r.hits + 1 END,
         reset_at = CASE WHEN r.reset_at <= ${NOW_MS} THEN EXCLUDED.reset_at ELSE r.reset_at END
       RETURNING r.bucket, r.key, r.hits, r.reset_at, ${NOW_MS} AS now_ms`,
      { bind, type: QueryTypes.SELECT },
    );
    return entries.map((e) => {
      const row = rows.find((r) => r.bucket === e.bucket && r.key === cut(e.key))!;
      const resetAt = Number(row.reset_at);
      return { count: Number(row.hits), remainingMs: resetAt - Number(row.now_ms), window: resetAt };
    });
  }

  async refund(entries: readonly LimitEntry[], hits: readonly Hit[]): Promise<void> {
    if (entries.length === 0) return;
    const { values, bind } = this.values(entries, (e, i) => [e.bucket, cut(e.key), hits[i]!.window as number]);
    await this.db.sequelize.query(
      `UPDATE rate_limits r SET hits = r.hits - 1 FROM (VALUES ${values}) AS v(bucket, key, reset_at)
       WHERE r.bucket = v.bucket AND r.key = v.key AND r.reset_at = v.reset_at AND r.hits > 0`,
      { bind },
    );
  }

  expressStore(bucket: string): Store {
    return new PostgresExpressStore(this, bucket);
  }

  /** `($1::text, $2::text, $3::bigint), ...` for the rows, and their bind values. */
  private values(
    entries: readonly LimitEntry[],
    row: (entry: LimitEntry, index: number) => (string | number)[],
  ): { values: string; bind: (string | number)[] } {
    const bind: (string | number)[] = [];
    const values = entries
      .map((e, i) => {
        const cells = row(e, i).map((value) => {
          bind.push(value);
          return `$${bind.length}::${typeof value === 'number' ? 'bigint' : 'text'}`;
        });
        return `(${cells.join(', ')})`;
      })
      .join(', ');
    return { values, bind };
  }

  private sweepNowAndThen(): void {
    const now = Date.now();
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    // Best effort: a failed sweep leaves ended rows, which the next sweep (or a new hit, which restarts
    // an ended window) takes care of.
    this.db.sequelize.query(`DELETE FROM rate_limits WHERE reset_at <= ${NOW_MS}`).catch(() => undefined);
  }

  /** Counts in one bucket for express-rate-limit (the send limit). */
  async increment(bucket: string, key: string, limit: number, windowMs: number): Promise<ClientRateLimitInfo> {
    const [hit] = await this.hit([{ bucket, key, limit, windowMs }]);
    return { totalHits: hit!.count, resetTime: new Date(Date.now() + hit!.remainingMs) };
  }

  async decrement(bucket: string, key: string): Promise<void> {
    await this.db.sequelize.query(`UPDATE rate_limits SET hits = hits - 1 WHERE bucket = $1 AND key = $2 AND hits > 0 AND reset_at > ${NOW_MS}`, {
      bind: [bucket, cut(key)],
    });
  }

  async resetKey(bucket: string, key: string): Promise<void> {
    await this.db.sequelize.query('DELETE FROM rate_limits WHERE bucket = $1 AND key = $2', { bind: [bucket, cut(key)] });
  }
}

/** express-rate-limit's Store over one bucket of the rate_limits table. */
class PostgresExpressStore implements Store {
  readonly localKeys = false;
  private windowMs = 60_000;
  private limit = 0;

  constructor(
    private readonly store: PostgresLimitStore,
    readonly prefix: string,
  ) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
    this.limit = typeof options.limit === 'number' ? options.limit : 0;
  }

  increment(key: string): Promise<ClientRateLimitInfo> {
    return this.store.increment(this.prefix, key, this.limit, this.windowMs);
  }

  decrement(key: string): Promise<void> {
    return this.store.decrement(this.prefix, key);
  }

  resetKey(key: string): Promise<void> {
    return this.store.resetKey(this.prefix, key);
  }
}

function cut(key: string): string {
  return key.length > MAX_KEY ? key.slice(0, MAX_KEY) : key;
}

/** PostgreSQL: the shared table; SQLite (one process, see docs/scaling.md): memory. */
export function openLimitStore(db: Database | undefined): LimitStore {
  return db?.dialect === 'postgres' ? new PostgresLimitStore(db) : new MemoryLimitStore();
}
