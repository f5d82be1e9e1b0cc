// Server side: the periodic sweep over attachments (every ATTACHMENT_SWEEP_INTERVAL, and once at start):
//  1. a blob no message named 24 h after its upload is erased (PROTOCOL.md "Attachments");
//  2. erased blobs (expired, their message deleted or purged, their uploader's account deleted) lose their
//     stored bytes, then their row;
//  3. now and then, stored blobs without a row (a crash between the store's rename and the row's commit)
//     older than a grace period, and temporary files of interrupted uploads, are removed.
// Every instance over the same database may run it at once: step 1 runs under the writers' lock, the
// removals are idempotent, and a row goes only after its bytes.
import type { Logger } from 'pino';
import { QueryTypes } from 'sequelize';
import type { Database } from '../db/database.js';
import { placeholders } from '../db/write-transaction.js';
import { lockWrites } from '../messages/append.js';
import type { BlobStore } from './blob-store.js';

export const UNNAMED_LIFETIME_MS = 24 * 3_600_000;
/** A stored blob without a row, or an upload's temporary file nobody wrote to, this old is a leftover. */
export const LEFTOVER_GRACE_MS = 3_600_000;
const BATCH = 500;

export interface SweepReport {
  expired: number;
  removed: number;
  leftovers: number;
}

/** Step 1: erases the blobs uploaded before `now - 24 h` that no message names. */
export async function expireUnnamed(db: Database, now: number): Promise<number> {
  return db.writes.run(async (tx) => {
    await lockWrites(db, tx);
    const rows = await tx.select<{ id: string }>(
      'UPDATE attachments SET deleted_at = ? WHERE deleted_at IS NULL AND linked_at IS NULL AND created_at < ? RETURNING id',
      [now, now - UNNAMED_LIFETIME_MS],
    );
    return rows.length;
  });
}

/** Step 2: the stored bytes of erased blobs, then their rows. */
export async function removeErased(db: Database, store: BlobStore): Promise<number> {
  let removed = 0;
  for (;;) {
    const rows = await db.sequelize.query<{ id: string }>(`SELECT id FROM attachments WHERE deleted_at IS NOT NULL ORDER BY deleted_at LIMIT ${BATCH}`, {
      type: QueryTypes.SELECT,
    });
    if (rows.length === 0) return removed;
    const ids = rows.map((row) => row.id);
    for (const id of ids) await store.delete(id);
    await db.sequelize.query(`DELETE FROM attachments WHERE id IN (${placeholders(ids.length)}) AND deleted_at IS NOT NULL`, { replacements: ids });
    removed += ids.length;
    if (rows.length < BATCH) return removed;
  }
}

/** Step 3: stored blobs the database does not know, older than the grace period, and stale temporary files. */
export async function removeLeftovers(db: Database, store: BlobStore, now: number, graceMs = LEFTOVER_GRACE_MS): Promise<number> {
  let removed = await store.removeLeftovers(graceMs);
  let page: string[] = [];
  const check = async () => {
    const known = await db.sequelize.query<{ id: string }>(`SELECT id FROM attachments WHERE id IN (${placeholders(page.length)})`, {
      replacements: page,
      type: QueryTypes.SELECT,
    });
    const rows = new Set(known.map((row) => row.id));
    for (const id of page) {
      if (!rows.has(id)) {
        await store.delete(id);
        removed++;
      }
    }
    page = [];
  };
  for await (const blob of store.list()) {
    if (now - blob.modifiedAt <= graceMs) continue;
    page.push(blob.id);
    if (page.length === BATCH) await check();
  }
  if (page.length > 0) await check();
  return removed;
}

export interface SweepOptions {
  intervalMs: number;
  /** How often step 3 runs (it lists the whole store). */
  leftoverIntervalMs?: number;
  now?: () => number;
}

export class AttachmentSweep {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private lastLeftovers = Number.NEGATIVE_INFINITY;
  private stopped = false;

  constructor(
    private readonly db: Database,
    private readonly store: BlobStore,
    private readonly logger: Logger,
    private readonly options: SweepOptions,
  ) {}

  /** One pass of every step that is due; passes never overlap. */
  runOnce(): Promise<SweepReport> {
    const pass = (this.running ?? Promise.resolve()).then(() => this.pass());
    this.running = pass.then(
      () => undefined,
      () => undefined,
    );
    return pass;
  }

  private async pass(): Promise<SweepReport> {
    const now = (this.options.now ?? Date.now)();
    const expired = await expireUnnamed(this.db, now);
    const removed = await removeErased(this.db, this.store);
    let leftovers = 0;
    if (now - this.lastLeftovers >= (this.options.leftoverIntervalMs ?? LEFTOVER_GRACE_MS)) {
      leftovers = await removeLeftovers(this.db, this.store, now);
      this.lastLeftovers = now;
    }
    if (expired + removed + leftovers > 0) this.logger.info({ expired, removed, leftovers }, 'attachment sweep');
    return { expired, removed, leftovers };
  }

  start(): void {
    const tick = () => {
      if (this.stopped) return;
      this.runOnce()
        .catch((error: unknown) => this.logger.warn({ error: error instanceof Error ? error.message : String(error) }, 'attachment sweep failed; it runs again later'))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.options.intervalMs);
        });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
