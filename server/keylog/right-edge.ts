// The right edge of the key log's stored tree, as an append needs it: for a log of `size` leaves, the root
// of each perfect subtree on its right, one per 1-bit of size — leaf `size` is hashed with the lowest of them
// (one per trailing 1-bit of size, the left siblings core's nodesCompletedBy asks for), the rest stay.
// The hashes here are RFC 9162's leaf and node hashes with SHA-512 (core/keylog/merkle.ts), computed with
// node:crypto in this thread: an append runs inside the registration's write turn, where each WebCrypto digest
// is a trip through the thread pool and back through an event loop busy with the requests that wait.
// server/keylog/right-edge.test.ts holds these to core's bytes.
import { createHash } from 'node:crypto';
import { entryBytes, type LogEntry } from '../../core/keylog/entries.js';
import type { Hash } from '../../core/keylog/merkle.js';
import type { NodeKey } from '../../core/keylog/tree-store.js';
import { readNodes, type Select } from './nodes.js';

export interface StoredNode extends NodeKey {
  hash: Hash;
}

/** Bottom up: the lowest level first. */
export type Edge = readonly StoredNode[];

const LEAF = Uint8Array.of(0x00);
const NODE = Uint8Array.of(0x01);
const sha512 = (...parts: Uint8Array[]): Hash => {
  const hash = createHash('sha512');
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
};

export const entryLeafHashNow = (entry: LogEntry): Hash => sha512(LEAF, entryBytes(entry));
export const nodeHashNow = (left: Uint8Array, right: Uint8Array): Hash => sha512(NODE, left, right);

/** The nodes of the right edge of a log of `size` leaves, bottom up: (level, ⌊size / 2^level⌋ − 1) per 1-bit. */
export function edgeKeys(size: number): NodeKey[] {
  const keys: NodeKey[] = [];
  // Division rather than shifts: sizes are not bounded to 32 bits.
  for (let level = 0, rest = size; rest > 0; level++, rest = Math.floor(rest / 2)) {
    if (rest % 2 === 1) keys.push({ level, index: rest - 1 });
  }
  return keys;
}

/** The edge's lowest nodes, one per trailing 1-bit of `index`: the left siblings leaf `index` is hashed with. */
export const siblingKeys = (index: number): NodeKey[] => edgeKeys(index).filter((k, i) => k.level === i);

/** The right edge of `size` leaves from the stored nodes, in one SELECT (none for no node); `siblings`: its lowest nodes only. */
export async function readEdge(select: Select, size: number, part: 'whole' | 'siblings' = 'whole'): Promise<Edge> {
  const keys = part === 'whole' ? edgeKeys(size) : siblingKeys(size);
  const hashes = await readNodes(select, keys);
  return keys.map((k, i) => ({ ...k, hash: hashes[i]! }));
}

/** What core's nodesCompletedBy gives for leaf `index`, with the left siblings taken from the edge of `index` leaves. */
export function completedNodes(index: number, leaf: Hash, edge: Edge): StoredNode[] {
  const out: StoredNode[] = [{ level: 0, index, hash: leaf }];
  let level = 0;
  let at = index;
  let hash = leaf;
  while (at % 2 === 1) {
    const left = edge.find((n) => n.level === level);
    if (!left || left.index !== at - 1) throw new Error(`the key log's right edge has no node ${level}/${at - 1} for leaf ${index}`);
    hash = nodeHashNow(left.hash, hash);
    level++;
    at = (at - 1) / 2;
    out.push({ level, index: at, hash });
  }
  return out;
}

/** The edge of one leaf more: the nodes the leaf completed merge into the highest of them; those above stay. */
export function nextEdge(edge: Edge, completed: readonly StoredNode[]): Edge {
  const top = completed.at(-1)!;
  return [top, ...edge.filter((n) => n.level > top.level)];
}

/**
 * The edge after this process's newest append, so that the next append — when it gets the very next index —
 * reads no node. Kept before the append's transaction commits, so it proves nothing by itself: a rolled-back
 * index is handed out again, perhaps by another instance or a deletion. It is used only when the leaf stored
 * last, which the append reads with its UPDATE of the size, is the very leaf that append hashed: then the
 * log's first `size` leaves are the ones this edge was made from.
 */
export class KeptEdge {
  #size = -1;
  #lastLeaf: Uint8Array = new Uint8Array(0);
  #edge: Edge = [];

  /** The edge of `size` leaves, if it is the one kept and `storedLastLeaf` (leaf size − 1 as stored) is the leaf it ends with. */
  of(size: number, storedLastLeaf: Uint8Array | null): Edge | undefined {
    if (size !== this.#size || storedLastLeaf === null || !sameBytes(storedLastLeaf, this.#lastLeaf)) return undefined;
    return this.#edge;
  }

  keep(size: number, lastLeaf: Hash, edge: Edge): void {
    this.#size = size;
    this.#lastLeaf = lastLeaf;
    this.#edge = edge;
  }
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((byte, i) => byte === b[i]);
