// The message write path's transactions: all or nothing, one at a time, on SQLite and (with
// TEST_DATABASE_URL) PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabaseUrl } from '../../test/support/database.js';
import { openDatabase, type Database } from './database.js';
import { placeholders } from './write-transaction.js';

let db: Database;

beforeAll(async () => {
  db = await openDatabase(await freshDatabaseUrl());
});
afterAll(() => db.close());

const insertMailbox = (rows: [string, number, string][]) =>
  [`INSERT INTO mailbox (username, seq, peer) VALUES ${rows.map(() => `(${placeholders(3)})`).join(', ')}`, rows.flat()] as const;

async function mailboxSeqs(username: string): Promise<number[]> {
  const rows = await db.sequelize.query<{ seq: number | string }>('SELECT seq FROM mailbox WHERE username = :username ORDER BY seq', {
    replacements: { username },
    type: 'SELECT' as never,
  });
  return rows.map((r) => Number(r.seq));
}

describe('write transactions', () => {
  it('commit what the work wrote and return its value', async () => {
    const value = await db.writes.run(async (tx) => {
      const [row] = await tx.select<{ n: number | string }>('SELECT COUNT(*) AS n FROM mailbox WHERE username = ?', ['committed']);
      void tx.execute(...insertMailbox([['committed', 1, 'x'], ['committed', 2, 'x']]));
      return Number(row!.n);
    });
    expect(value).toBe(0);
    expect(await mailboxSeqs('committed')).toEqual([1, 2]);
  });

  it('keep nothing when a statement fails, even one issued after a good one', async () => {
    await expect(
      db.writes.run(async (tx) => {
        void tx.execute(...insertMailbox([['partial', 1, 'x']]));
        void tx.execute(...insertMailbox([['partial', 2, 'x'], ['partial', 2, 'x']])); // duplicate key
        return 'done';
      }),
    ).rejects.toThrow();
    expect(await mailboxSeqs('partial')).toEqual([]);
  });

  it('keep nothing when the work throws', async () => {
    await expect(
      db.writes.run(async (tx) => {
        void tx.execute(...insertMailbox([['thrown', 1, 'x']]));
        await tx.select('SELECT 1 AS one', []);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await mailboxSeqs('thrown')).toEqual([]);
  });

  it('run one at a time: concurrent read-then-write transactions never interleave', async () => {
    await Promise.all(
      Array.from({ length: 20 }, () =>
        db.writes.run(async (tx) => {
          const [top] = await tx.select<{ seq: number | string }>('SELECT COALESCE(MAX(seq), 0) AS seq FROM mailbox WHERE username = ?', ['serial']);
          void tx.execute(...insertMailbox([['serial', Number(top!.seq) + 1, 'x']]));
        }),
      ),
    );
    expect(await mailboxSeqs('serial')).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });
});
