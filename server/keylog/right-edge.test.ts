// The append's own tree arithmetic held to core's: the leaf and node hashes computed with node:crypto are
// core's WebCrypto ones, the nodes each leaf completes are those of core's nodesCompletedBy, and the left
// siblings it asks for are the lowest nodes of the right edge the append keeps or reads. On the test database:
// an edge kept from an append whose transaction rolled back is never used once another entry took its index,
// and a kept edge saves the append its SELECT.
import { afterEach, describe, expect, it } from 'vitest';
import { entryLeafHash, type LogEntry } from '../../core/keylog/entries.js';
import { leafHash, nodeHash, rootOf, type Hash } from '../../core/keylog/merkle.js';
import { nodesCompletedBy, storedRoot, type NodeKey } from '../../core/keylog/tree-store.js';
import { utf8 } from '../../core/crypto/webcrypto.js';
import { encodeBase64 } from '../../core/protocol/base64.js';
import { freshDatabaseUrl } from '../../test/support/database.js';
import { openDatabase, type Database } from '../db/database.js';
import type { WriteTransaction } from '../db/write-transaction.js';
import { KEYS } from '../testing/harness.js';
import { fakeEntries } from '../testing/key-log.js';
import { appendEntry, type NewEntry } from './append.js';
import { nodeReader, readFrom } from './nodes.js';
import { readEntries } from './proofs.js';
import { completedNodes, edgeKeys, entryLeafHashNow, KeptEdge, nextEdge, nodeHashNow, siblingKeys, type Edge } from './right-edge.js';

const opened: Database[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) await db.close();
});

const hex = (hash: Uint8Array) => Buffer.from(hash).toString('hex');
const named = (nodes: ReadonlyArray<NodeKey & { hash: Uint8Array }>) => nodes.map((n) => `${n.level}/${n.index}=${hex(n.hash)}`);

describe('the append’s hashes and nodes', () => {
  it('hashes leaves and nodes as core does', async () => {
    const entries: LogEntry[] = [
      { index: 0, username: 'alice', publicKey: KEYS.valid.alice, timestamp: '2026-11-25T09:00:00.000Z' },
      { index: 7, username: 'bob_2', publicKey: null, timestamp: '2026-12-04T01:02:03.456Z' },
      { index: 1_234_567, username: 'z', publicKey: 'AAAA', timestamp: '1970-01-01T00:00:00.000Z' },
    ];
    for (const entry of entries) expect(hex(entryLeafHashNow(entry))).toBe(hex(await entryLeafHash(entry)));
    const [a, b] = [await leafHash(utf8('left')), await leafHash(utf8('right'))];
    expect(hex(nodeHashNow(a, b))).toBe(hex(await nodeHash(a, b)));
  });

  it('completes, leaf after leaf, the nodes core’s nodesCompletedBy completes, asking only the edge’s lowest nodes', async () => {
    const store = new Map<string, Hash>();
    let edge: Edge = [];
    for (let index = 0; index < 1100; index++) {
      expect(edge.map(({ level, index: i }) => ({ level, index: i }))).toEqual(edgeKeys(index));
      const leaf = await leafHash(utf8(`entry ${index}`));
      const asked: NodeKey[] = [];
      const expected = await nodesCompletedBy(index, leaf, async (keys) => {
        asked.push(...keys);
        return keys.map((k) => store.get(`${k.level}/${k.index}`)!);
      });
      expect(asked).toEqual(siblingKeys(index));
      const nodes = completedNodes(index, leaf, edge);
      expect(named(nodes)).toEqual(named(expected));
      for (const n of nodes) store.set(`${n.level}/${n.index}`, n.hash);
      edge = nextEdge(edge, nodes);
    }
  });

  it('refuses an edge that is not the one of the leaf’s index', async () => {
    const leaf = await leafHash(utf8('x'));
    expect(() => completedNodes(3, leaf, [])).toThrow(/no node 0\/2/);
    expect(() => completedNodes(3, leaf, [{ level: 0, index: 1, hash: leaf }])).toThrow(/no node 0\/2/);
  });
});

describe('a kept edge', () => {
  async function open(): Promise<Database> {
    const db = await openDatabase(await freshDatabaseUrl());
    opened.push(db);
    return db;
  }

  /** A WriteTransaction that notes each statement's first word and table. */
  function counting(tx: WriteTransaction, statements: string[]): WriteTransaction {
    const note = (sql: string) => statements.push(/^(\w+)\s.*?(key_log_\w+)/s.exec(sql)!.slice(1).join(' '));
    return {
      select: (sql, params) => {
        note(sql);
        return tx.select(sql, params);
      },
      execute: (sql, params) => {
        note(sql);
        return tx.execute(sql, params);
      },
    };
  }

  async function expectWholeTree(db: Database, names: readonly string[]): Promise<void> {
    const entries = await readEntries(readFrom(db), 0, 1000);
    expect(entries.map((e) => e.username)).toEqual(names);
    const leaves = await Promise.all(entries.map((e) => entryLeafHash(e)));
    for (let size = 1; size <= leaves.length; size++) {
      expect(encodeBase64(await storedRoot(size, nodeReader(readFrom(db))))).toBe(encodeBase64(await rootOf(leaves.slice(0, size))));
    }
  }

  it('saves the next append its SELECT, and is not used once its entry was rolled back and the index given to another', async () => {
    const db = await open();
    const memory = new KeptEdge();
    const names: string[] = [];
    const append = async (entry: NewEntry, withMemory = true) => {
      const statements: string[] = [];
      await db.writes.run((tx) => appendEntry(counting(tx, statements), entry, withMemory ? memory : undefined));
      names.push(entry.username);
      return statements;
    };
    // Without a memory (a deletion): the siblings only, so no SELECT for an even index.
    const [even, odd, evenAgain] = fakeEntries(3, 'before');
    expect(await append(even!, false)).toEqual(['UPDATE key_log_state', 'INSERT key_log_entries', 'INSERT key_log_nodes']);
    expect(await append(odd!, false)).toEqual(['UPDATE key_log_state', 'SELECT key_log_nodes', 'INSERT key_log_entries', 'INSERT key_log_nodes']);
    expect(await append(evenAgain!, false)).not.toContain('SELECT key_log_nodes');
    // The first append with the memory reads the whole edge (of 3 leaves: two nodes, one SELECT), the next ones read nothing.
    expect(await append(fakeEntries(1, 'first')[0]!)).toEqual(['UPDATE key_log_state', 'SELECT key_log_nodes', 'INSERT key_log_entries', 'INSERT key_log_nodes']);
    for (const entry of fakeEntries(4, 'kept')) expect(await append(entry)).toEqual(['UPDATE key_log_state', 'INSERT key_log_entries', 'INSERT key_log_nodes']);
    // An append that keeps its edge and then rolls back; a deletion (no memory) takes its index.
    await expect(
      db.writes.run(async (tx) => {
        await appendEntry(tx, { username: 'rolled_back', publicKey: KEYS.valid.bob, at: Date.now() }, memory);
        throw new Error('the registration failed after its append');
      }),
    ).rejects.toThrow('the registration failed after its append');
    await append({ username: 'kept_0', publicKey: null, at: Date.now() }, false);
    // The kept edge is of the right size but ends with the rolled-back leaf: the append reads instead.
    expect(await append(fakeEntries(1, 'after')[0]!)).toContain('SELECT key_log_nodes');
    expect(await append(fakeEntries(1, 'then')[0]!)).not.toContain('SELECT key_log_nodes');
    await expectWholeTree(db, names);
  });
});
