// The key log's storage at module level, on the test database: an append rolled back leaves no trace and no
// gap; a proof is one SELECT of O(log n) nodes at any size; the log key and a head are each made once when
// instances race. (What an append reads and computes: right-edge.test.ts.)
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { freshDatabaseUrl } from '../../test/support/database.js';
import { openDatabase, type Database } from '../db/database.js';
import { KEYS, TEST_LOG_KEY } from '../testing/harness.js';
import { fakeEntries, fillLog } from '../testing/key-log.js';
import { appendEntry } from './append.js';
import { logSize, newestHead, signHeadIfDue } from './heads.js';
import { loadLogKey } from './log-key.js';
import { readFrom, type Select } from './nodes.js';
import { consistencyProof, inclusionProof, readEntries } from './proofs.js';

const opened: Database[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) await db.close();
});

async function open(url?: string): Promise<Database> {
  const db = await openDatabase(url ?? (await freshDatabaseUrl()));
  opened.push(db);
  return db;
}

/** Two different log keys: the test servers' and the shared vectors'. */
const TWO_KEYS = [
  Buffer.from(TEST_LOG_KEY.privateKeyPkcs8, 'base64'),
  Buffer.from((JSON.parse(readFileSync(new URL('../../core/test-fixtures/test-vectors-v2.json', import.meta.url), 'utf8')) as { keyLog: { logKey: { privateKeyPkcs8: string } } }).keyLog.logKey.privateKeyPkcs8, 'base64'),
] as const;
const count = async (db: Database, table: string) => Number((await readFrom(db)<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${table}`, []))[0]!.n);

describe('appending', () => {
  it('an append whose transaction rolls back leaves no entry, no node and no gap', async () => {
    const db = await open();
    await db.writes.run((tx) => appendEntry(tx, fakeEntries(1)[0]!));
    await expect(
      db.writes.run(async (tx) => {
        await appendEntry(tx, { username: 'gone_soon', publicKey: 'AAAA', at: Date.now() });
        throw new Error('the rest of the transaction failed');
      }),
    ).rejects.toThrow('the rest of the transaction failed');
    expect(await logSize(readFrom(db))).toBe(1);
    expect(await count(db, 'key_log_entries')).toBe(1);
    expect(await count(db, 'key_log_nodes')).toBe(1);
    expect(await db.writes.run((tx) => appendEntry(tx, { username: 'next_one', publicKey: 'AAAA', at: Date.now() }))).toBe(1);
    expect((await readEntries(readFrom(db), 0, 10)).map((e) => e.username)).toEqual(['fill_0', 'next_one']);
  });
});

describe('proofs read O(log n) nodes in one SELECT', () => {
  it('at 5,000 entries: one statement per proof, at most 2·log2(n) nodes', async () => {
    const url = await freshDatabaseUrl();
    await (await openDatabase(url)).close();
    await fillLog(url, fakeEntries(5_000));
    const db = await open(url);
    const statements: number[] = [];
    const counted: Select = async <T>(sql: string, params: unknown[]) => {
      statements.push(params.length / 2);
      return readFrom(db)<T>(sql, params);
    };
    for (const [index, size] of [[0, 5_000], [4_999, 5_000], [2_500, 4_097], [17, 18]] as const) {
      statements.length = 0;
      await inclusionProof(counted, index, size);
      expect(statements).toHaveLength(1);
      expect(statements[0]).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(size)));
    }
    for (const [from, to] of [[1, 5_000], [4_096, 5_000], [1_234, 4_321]] as const) {
      statements.length = 0;
      await consistencyProof(counted, from, to);
      expect(statements).toHaveLength(1);
      expect(statements[0]).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(to)));
    }
  });
});

describe('instances racing', () => {
  it('two instances that each offer their own new log key end up with one and the same', async () => {
    const url = await freshDatabaseUrl();
    const [a, b] = [await open(url), await open(url)];
    const [keyA, keyB] = await Promise.all([loadLogKey(a, async () => TWO_KEYS[0]), loadLogKey(b, async () => TWO_KEYS[1])]);
    expect(keyB.publicKey).toBe(keyA.publicKey);
    expect(keyB.fingerprint).toBe(keyA.fingerprint);
    expect(await count(a, 'key_log_key')).toBe(1);
  });

  it('two instances signing the same new entries at once store one head, which both then read', async () => {
    const url = await freshDatabaseUrl();
    const [a, b] = [await open(url), await open(url)];
    const [keyA, keyB] = await Promise.all([loadLogKey(a, async () => TWO_KEYS[0]), loadLogKey(b, async () => TWO_KEYS[0])]);
    await signHeadIfDue(a, keyA, 60_000);
    await a.writes.run(async (tx) => {
      for (const entry of fakeEntries(5)) await appendEntry(tx, entry);
    });
    const before = await count(a, 'key_log_heads');
    await Promise.all([signHeadIfDue(a, keyA, 60_000), signHeadIfDue(b, keyB, 60_000)]);
    expect(await count(a, 'key_log_heads')).toBe(before + 1);
    const [headA, headB] = [await newestHead(readFrom(a)), await newestHead(readFrom(b))];
    expect(headA).toEqual(headB);
    expect(headA!.size).toBe(5);
    // Nothing new: nothing signed.
    await signHeadIfDue(b, keyB, 60_000);
    expect(await count(a, 'key_log_heads')).toBe(before + 1);
  });

  it('refuses a log key row whose halves do not belong together', async () => {
    const db = await open();
    await loadLogKey(db, async () => TWO_KEYS[0]);
    await db.sequelize.query('UPDATE key_log_key SET public_key = ? WHERE id = 1', { replacements: [KEYS.valid.bob] });
    await expect(loadLogKey(db)).rejects.toThrow(/halves do not match/);
  });
});
