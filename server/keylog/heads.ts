// Signed tree heads (PROTOCOL.md "Key transparency"). Heads live in the database (key_log_heads, numbered
// head_no 1, 2, …) and every instance serves the newest row, so instances over one database hand out the
// very same signed head rather than each its own signature of it. Signing a head: read the newest head, then
// the log's size (in that order, so the size is never below the head's), and when the log grew — or the
// newest head is old — sign {size, root, timestamp} and INSERT it as head_no + 1 with ON CONFLICT DO
// NOTHING: if another instance signed meanwhile, its row won and this signature is dropped. Sizes therefore
// never go down from one head to the next, and one head_no is one signed head for everybody.
import type { Logger } from 'pino';
import { treeHeadBytes, type SignedTreeHead } from '../../core/keylog/entries.js';
import { storedRoot } from '../../core/keylog/tree-store.js';
import { encodeBase64 } from '../../core/protocol/base64.js';
import type { Database } from '../db/database.js';
import type { LogKey } from './log-key.js';
import { nodeReader, readFrom, type Select } from './nodes.js';

export interface StoredHead extends SignedTreeHead {
  headNo: number;
}

interface HeadRow {
  head_no: number | string;
  size: number | string;
  root: string;
  timestamp: string;
  signature: string;
}

export async function newestHead(select: Select): Promise<StoredHead | undefined> {
  const [row] = await select<HeadRow>('SELECT head_no, size, root, timestamp, signature FROM key_log_heads ORDER BY head_no DESC LIMIT 1', []);
  return row && { headNo: Number(row.head_no), size: Number(row.size), root: row.root, timestamp: row.timestamp, signature: row.signature };
}

/** The number of committed entries. */
export async function logSize(select: Select): Promise<number> {
  const [row] = await select<{ size: number | string }>('SELECT size FROM key_log_state WHERE id = 1', []);
  if (!row) throw new Error('the key log has no state row (migration 007 did not run)');
  return Number(row.size);
}

export const publicHead = (head: SignedTreeHead): SignedTreeHead => ({ size: head.size, root: head.root, timestamp: head.timestamp, signature: head.signature });

/**
 * Signs and stores a new head when the log has entries the newest head does not cover, or the newest head is
 * `refreshMs` old (by this instance's clock); otherwise does nothing.
 */
export async function signHeadIfDue(db: Database, key: LogKey, refreshMs: number, now = Date.now()): Promise<void> {
  const select = readFrom(db);
  const newest = await newestHead(select);
  const size = await logSize(select);
  if (newest && size < newest.size) throw new Error(`the key log holds ${size} entries, fewer than its newest head (${newest.size})`);
  if (newest && size === newest.size && now - Date.parse(newest.timestamp) < refreshMs) return;
  const root = encodeBase64(await storedRoot(size, nodeReader(select)));
  const timestamp = new Date(now).toISOString();
  const signature = await key.sign(treeHeadBytes({ size, root, timestamp }));
  await db.sequelize.query('INSERT INTO key_log_heads (head_no, size, root, timestamp, signature) VALUES (?, ?, ?, ?, ?) ON CONFLICT (head_no) DO NOTHING', {
    replacements: [(newest?.headNo ?? 0) + 1, size, root, timestamp, signature],
  });
}

export interface SignerTiming {
  /** After an append on this instance, a head is signed this soon (ms), covering whatever committed meanwhile. */
  signDelayMs: number;
  /** ...but no sooner than this after the previous run (ms): under a stream of appends, one head per interval. */
  minIntervalMs: number;
  /** How often the database is checked for entries this instance did not append (another instance, the admin tool) and for an old head. */
  pollMs: number;
  /** A head this old (ms) is signed again even when no entry came. */
  refreshMs: number;
}

/**
 * PROTOCOL.md: "The server signs a new head when entries were added and at least every 10 minutes", and the
 * newest head covers every committed entry "or [is] at most 5 s behind". So: a head within signDelayMs (100 ms)
 * of an append on this instance, or at most one a second (minIntervalMs) while appends keep coming — an
 * RSA-4096 signature per registration would cost a third of the registration rate —, within pollMs (2 s) of
 * one anywhere else, and a fresh one once the newest is 9½ minutes old (so that, polled every 2 s, no two
 * heads are ever more than 10 minutes apart).
 */
export const SIGNER_TIMING: SignerTiming = { signDelayMs: 100, minIntervalMs: 1_000, pollMs: 2_000, refreshMs: 9.5 * 60_000 };

/** Runs signHeadIfDue on those occasions, one run at a time; a run asked for during one follows it. */
export class HeadSigner {
  readonly #db: Database;
  readonly #key: () => Promise<LogKey>;
  readonly #logger: Logger;
  readonly #timing: SignerTiming;
  #soon: NodeJS.Timeout | undefined;
  #poll: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #closed = false;
  #lastRun = Number.NEGATIVE_INFINITY;
  #stop!: () => void;
  /** Settles on close(): a run waiting for the key (still being made) gives up then. */
  readonly #stopped = new Promise<undefined>((resolve) => {
    this.#stop = () => resolve(undefined);
  });

  constructor(db: Database, key: () => Promise<LogKey>, logger: Logger, timing: SignerTiming) {
    this.#db = db;
    this.#key = key;
    this.#logger = logger;
    this.#timing = timing;
  }

  /** Signs the first head now (once the key is there) and then polls. */
  start(): void {
    if (this.#poll || this.#closed) return;
    this.#poll = setInterval(() => void this.run(), this.#timing.pollMs);
    this.#poll.unref();
    void this.run();
  }

  /** Entries were appended here: sign soon. */
  appended(): void {
    if (this.#soon || this.#closed) return;
    const wait = Math.max(this.#timing.signDelayMs, this.#lastRun + this.#timing.minIntervalMs - Date.now());
    this.#soon = setTimeout(() => {
      this.#soon = undefined;
      void this.run();
    }, wait);
    this.#soon.unref();
  }

  /** One check (and signature if due); never rejects: a failure is logged and the next poll tries again. */
  run(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = (async () => {
      do {
        this.#again = false;
        this.#lastRun = Date.now();
        try {
          const key = await Promise.race([this.#key(), this.#stopped]);
          if (!key || this.#closed) return;
          await signHeadIfDue(this.#db, key, this.#timing.refreshMs);
        } catch (error) {
          if (!this.#closed) this.#logger.error({ error: error instanceof Error ? error.message : String(error) }, 'signing a key log head failed');
        }
      } while (this.#again && !this.#closed);
    })().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  /** Stops the timers and waits for a run that is writing (not for a key still being made). */
  async close(): Promise<void> {
    this.#closed = true;
    this.#stop();
    clearTimeout(this.#soon);
    clearInterval(this.#poll);
    await this.#running;
  }
}
