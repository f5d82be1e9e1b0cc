// Test support for the key log: reading heads and entries over HTTP, filling a log directly in the database,
// and the root and proofs recomputed from every entry (core/keylog/merkle.ts), to check the server against.
import { expect } from 'vitest';
import { entryLeafHash, type LogEntry, type SignedTreeHead } from '../../core/keylog/entries.js';
import { rootOf, type Hash } from '../../core/keylog/merkle.js';
import { encodeBase64 } from '../../core/protocol/base64.js';
import { keyLogEntriesResponseSchema, signedTreeHeadSchema } from '../../core/protocol/schemas-keylog.js';
import { openDatabase } from '../db/database.js';
import { appendEntry, type NewEntry } from '../keylog/append.js';
import { call, KEYS } from './harness.js';

export async function headOf(url: string, token?: string): Promise<SignedTreeHead> {
  const reply = await call(url, 'GET', '/keylog/head', { token });
  expect(reply.status, reply.text).toBe(200);
  return signedTreeHeadSchema.parse(reply.body);
}

/** Polls GET /keylog/head until it covers at least `size` entries; fails after `limitMs`. */
export async function waitForHead(url: string, size: number, token?: string, limitMs = 5_000): Promise<SignedTreeHead> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const head = await headOf(url, token);
    if (head.size >= size) return head;
    if (Date.now() > deadline) throw new Error(`no head of size ${size} within ${limitMs} ms (newest: ${head.size})`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Every entry, paging through GET /keylog/entries. */
export async function allEntries(url: string, token?: string): Promise<LogEntry[]> {
  const entries: LogEntry[] = [];
  for (;;) {
    const reply = await call(url, 'GET', `/keylog/entries?start=${entries.length}&limit=1000`, { token });
    expect(reply.status, reply.text).toBe(200);
    const page = keyLogEntriesResponseSchema.parse(reply.body).entries;
    entries.push(...page);
    if (page.length < 1000) return entries;
  }
}

/** `count` made-up key entries (names prefix_0, prefix_1, …), one second apart from `at`. */
export function fakeEntries(count: number, prefix = 'fill', at = Date.UTC(2026, 10, 25, 9)): NewEntry[] {
  return Array.from({ length: count }, (_, i) => ({ username: `${prefix}_${i}`, publicKey: KEYS.valid.alice, at: at + i * 1000 }));
}

/** Appends `entries` straight into the database at `databaseUrl`, in one write transaction. */
export async function fillLog(databaseUrl: string, entries: readonly NewEntry[]): Promise<void> {
  const db = await openDatabase(databaseUrl);
  try {
    await db.writes.run(async (tx) => {
      for (const entry of entries) await appendEntry(tx, entry);
    });
  } finally {
    await db.close();
  }
}

export async function leavesOf(entries: readonly LogEntry[]): Promise<Hash[]> {
  return Promise.all(entries.map((e) => entryLeafHash(e)));
}

/** MTH of the first `size` leaves, base64, as a head carries it. */
export async function rootText(leaves: readonly Hash[], size = leaves.length): Promise<string> {
  return encodeBase64(await rootOf(leaves.slice(0, size)));
}
