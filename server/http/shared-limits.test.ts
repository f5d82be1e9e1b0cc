// The limit stores on their own: counting, the limit, refunds, a window that ends and starts again, and —
// in the PostgreSQL table — the sweep of ended windows. The memory store always; the table when
// TEST_DATABASE_URL is a postgres:// URL (scripts/ci/with-postgres.sh).
import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabaseUrl, isPostgresUrl } from '../../test/support/database.js';
import { openDatabase, type Database } from '../db/database.js';
import { MemoryLimitStore, PostgresLimitStore, type LimitEntry, type LimitStore } from './shared-limits.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let db: Database | undefined;

beforeAll(async () => {
  if (isPostgresUrl(process.env.TEST_DATABASE_URL)) db = await openDatabase(await freshDatabaseUrl());
});
afterAll(async () => {
  await db?.close();
});

const stores: Array<[string, () => LimitStore]> = [
  ['memory', () => new MemoryLimitStore()],
  ['PostgreSQL table', () => new PostgresLimitStore(db!)],
];

describe.each(stores)('%s limit store', (name, make) => {
  const skip = name !== 'memory' && !isPostgresUrl(process.env.TEST_DATABASE_URL);
  const entry = (key: string, limit = 3, windowMs = 60_000): LimitEntry => ({ bucket: 'test', key, limit, windowMs });

  it.skipIf(skip)('counts hits per key, blocks at the limit until the window ends, and takes refunds back', async () => {
    const store = make();
    const [key, other] = [entry(`k-${Math.random()}`), entry(`o-${Math.random()}`)];
    expect(await store.blockedFor([key, other])).toEqual([0, 0]);
    const first = await store.hit([key, other]);
    expect(first.map((h) => h.count)).toEqual([1, 1]);
    expect(first[0]!.remainingMs).toBeGreaterThan(59_000);
    expect(first[0]!.remainingMs).toBeLessThanOrEqual(60_000);
    await store.hit([key]);
    const third = await store.hit([key]);
    expect(third[0]!.count).toBe(3);
    const [wait, otherWait] = await store.blockedFor([key, other]);
    expect(wait).toBeGreaterThan(59_000);
    expect(otherWait).toBe(0);
    await store.refund([key], third);
    expect(await store.blockedFor([key])).toEqual([0]);
    expect((await store.hit([key]))[0]!.count).toBe(3);
  });

  it.skipIf(skip)('starts a fresh window once the old one has ended, and a refund of the old one changes nothing', async () => {
    const store = make();
    const key = entry(`w-${Math.random()}`, 1, 150);
    const old = await store.hit([key]);
    expect((await store.blockedFor([key]))[0]).toBeGreaterThan(0);
    await pause(250);
    expect(await store.blockedFor([key])).toEqual([0]);
    const fresh = await store.hit([key]);
    expect(fresh[0]!.count).toBe(1);
    await store.refund([key], old);
    expect((await store.blockedFor([key]))[0]).toBeGreaterThan(0);
  });
});

describe.skipIf(!isPostgresUrl(process.env.TEST_DATABASE_URL))('PostgreSQL limit store, the sweep', () => {
  it('deletes ended windows when a store counts its first hit, and keeps running ones', async () => {
    const count = async (key: string) =>
      (await db!.sequelize.query<{ n: string }>('SELECT count(*) AS n FROM rate_limits WHERE key = $1', { bind: [key], type: QueryTypes.SELECT }))[0]!.n;
    const ended = { bucket: 'sweep', key: `ended-${Math.random()}`, limit: 5, windowMs: 50 };
    const running = { bucket: 'sweep', key: `running-${Math.random()}`, limit: 5, windowMs: 60_000 };
    await new PostgresLimitStore(db!).hit([ended, running]);
    await pause(150);
    expect(await count(ended.key)).toBe('1');
    // A new store (as on an instance that just started) sweeps on its first hit.
    await new PostgresLimitStore(db!).hit([{ ...running, key: `trigger-${Math.random()}` }]);
    await expect.poll(() => count(ended.key)).toBe('0');
    expect(await count(running.key)).toBe('1');
  });

  it('keeps one count for many hits at once on one key (the upsert is atomic)', async () => {
    const store = new PostgresLimitStore(db!);
    const key = { bucket: 'race', key: `r-${Math.random()}`, limit: 1000, windowMs: 60_000 };
    const hits = await Promise.all(Array.from({ length: 40 }, () => store.hit([key])));
    expect(hits.map((h) => h[0]!.count).sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });
});
