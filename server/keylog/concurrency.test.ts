// Entries under concurrent registrations, on one instance and on two instances over one database (the test
// database: a SQLite file, or PostgreSQL under scripts/ci/with-postgres.sh): indexes 0..n-1 with no gap and
// no repeat, each account's keyIndex its own entry, the root the brute-force root of every entry; and the two
// instances agree on the log key (though each offered its own) and serve the very same signed heads.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyTreeHead } from '../../core/keylog/entries.js';
import { verifyConsistency, verifyInclusion } from '../../core/keylog/merkle.js';
import { importPublicKey } from '../../core/crypto/rsa.js';
import { decodeBase64 } from '../../core/protocol/base64.js';
import { freshDatabaseUrl } from '../../test/support/database.js';
import { openDatabase } from '../db/database.js';
import { call, register, startTestServer, TEST_LOG_KEY, type TestUser } from '../testing/harness.js';
import { allEntries, headOf, leavesOf, rootText, waitForHead } from '../testing/key-log.js';

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

async function serverOn(databaseUrl: string, seedKey?: Uint8Array) {
  const server = await startTestServer({ databaseUrl, userDirectory: 'public' }, seedKey ? { keyLog: { seedKey } } : {});
  stops.push(() => server.close());
  return server;
}

/** Every registered name has exactly one entry, the entries are 0..n-1, and keyIndex names each one's entry. */
async function expectWholeLog(url: string, names: readonly string[]): Promise<void> {
  const entries = await allEntries(url);
  expect(entries.map((e) => e.index)).toEqual(names.map((_, i) => i));
  expect(entries.map((e) => e.username).sort()).toEqual([...names].sort());
  for (const entry of entries) expect((await call(url, 'GET', `/users/${entry.username}`)).body.keyIndex).toBe(entry.index);
  const head = await waitForHead(url, names.length);
  expect(head.size).toBe(names.length);
  expect(head.root).toBe(await rootText(await leavesOf(entries)));
}

/** Two different log keys: the test servers' and the shared vectors'. */
const TWO_KEYS = [
  Buffer.from(TEST_LOG_KEY.privateKeyPkcs8, 'base64'),
  Buffer.from((JSON.parse(readFileSync(new URL('../../core/test-fixtures/test-vectors-v2.json', import.meta.url), 'utf8')) as { keyLog: { logKey: { privateKeyPkcs8: string } } }).keyLog.logKey.privateKeyPkcs8, 'base64'),
] as const;

describe('the key log under concurrent registrations', () => {
  it('30 parallel registrations on one instance get indexes 0..29, each once', async () => {
    const server = await serverOn(await freshDatabaseUrl());
    const names = Array.from({ length: 30 }, (_, i) => `para_${i}`);
    const users = await Promise.all(names.map((name) => register(server.url, name)));
    expect(users).toHaveLength(30);
    await expectWholeLog(server.url, names);
  });

  it('two instances over one database: one log key, consecutive indexes across both, and identical heads', async () => {
    const databaseUrl = await freshDatabaseUrl();
    // Migrated first (two SQLite instances must not migrate one file at the same moment; PostgreSQL takes
    // turns under its lock), then started together with no log key yet, each with a key of its own to offer:
    // one key wins for both.
    await (await openDatabase(databaseUrl)).close();
    const [a, b] = await Promise.all([serverOn(databaseUrl, TWO_KEYS[0]), serverOn(databaseUrl, TWO_KEYS[1])]);
    const keyA = (await call(a.url, 'GET', '/keylog/key')).body;
    expect((await call(b.url, 'GET', '/keylog/key')).body).toEqual(keyA);

    const names = Array.from({ length: 30 }, (_, i) => `both_${i}`);
    const users: TestUser[] = await Promise.all(names.map((name, i) => register(i % 2 === 0 ? a.url : b.url, name)));
    expect(users).toHaveLength(30);
    await expectWholeLog(a.url, names);
    await expectWholeLog(b.url, names);

    // The same signed head for the same size on both: the one row both serve, not two signatures.
    const [headA, headB] = await Promise.all([waitForHead(a.url, 30), waitForHead(b.url, 30)]);
    expect(headB).toEqual(headA);
    const logKey = await importPublicKey(keyA.publicKey);
    expect(await verifyTreeHead(headA, logKey)).toBe(true);

    // Each instance's proofs check against the other's head.
    const entries = await allEntries(b.url);
    const leaves = await leavesOf(entries);
    for (const index of [0, 13, 29]) {
      const { proof } = (await call(a.url, 'GET', `/keylog/proof?index=${index}&size=30`)).body as { proof: string[] };
      expect(await verifyInclusion(leaves[index]!, index, 30, proof.map((p) => decodeBase64(p)), decodeBase64(headB.root))).toBe(true);
    }
    const { proof } = (await call(b.url, 'GET', '/keylog/consistency?from=7&to=30')).body as { proof: string[] };
    expect(await verifyConsistency(7, 30, proof.map((p) => decodeBase64(p)), decodeBase64(await rootText(leaves, 7)), decodeBase64(headA.root))).toBe(true);

    // More entries later through B only: A serves B's head for the new size too.
    await register(b.url, 'late_one');
    const laterB = await waitForHead(b.url, 31);
    const laterA = await waitForHead(a.url, 31);
    expect(laterA).toEqual(laterB);
    expect(await headOf(a.url)).toEqual(await headOf(b.url));
  });
});
