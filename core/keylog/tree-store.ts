// Core side (runs anywhere): the key log's tree kept as stored nodes, so that a proof costs O(log n) node reads
// in one batch whatever the log's size. Node (level, index) is the root of the perfect subtree over leaves
// [index·2^level, (index+1)·2^level); level 0 holds the leaf hashes. A new leaf completes at most log n nodes.
import { nodeHash, emptyRoot, splitPoint, type Hash } from './merkle.js';

export interface NodeKey {
  level: number;
  index: number;
}

/** Reads stored nodes in one batch, in the order asked (the server: one SELECT). */
export type NodeReader = (keys: readonly NodeKey[]) => Promise<Hash[]>;

const key = (n: NodeKey) => `${n.level}/${n.index}`;
const log2 = (n: number) => Math.round(Math.log2(n));

/** The nodes to store once leaf `index` is appended: the leaf, then every perfect subtree it completes. */
export async function nodesCompletedBy(index: number, leaf: Hash, read: NodeReader): Promise<Array<NodeKey & { hash: Hash }>> {
  const out: Array<NodeKey & { hash: Hash }> = [{ level: 0, index, hash: leaf }];
  let level = 0;
  let at = index;
  let hash = leaf;
  while (at % 2 === 1) {
    const [left] = await read([{ level, index: at - 1 }]);
    hash = await nodeHash(left!, hash);
    level++;
    at = (at - 1) / 2;
    out.push({ level, index: at, hash });
  }
  return out;
}

/** A range [start, end) as RFC 9162's recursion meets it: a perfect node, or a perfect left part and the rest. */
type Range = { start: number; end: number };

/** The stored nodes whose fold is MTH(D[start:end]) for a range the recursion produces (start aligned). */
function rangeNodes(r: Range): NodeKey[] {
  const width = r.end - r.start;
  if ((width & (width - 1)) === 0) return [{ level: log2(width), index: r.start / width }];
  const k = splitPoint(width);
  return [{ level: log2(k), index: r.start / k }, ...rangeNodes({ start: r.start + k, end: r.end })];
}

function inclusionRanges(r: Range, m: number): Range[] {
  if (r.end - r.start === 1) return [];
  const k = splitPoint(r.end - r.start);
  const left = { start: r.start, end: r.start + k };
  const right = { start: r.start + k, end: r.end };
  return m < left.end ? [...inclusionRanges(left, m), right] : [...inclusionRanges(right, m), left];
}

function consistencyRanges(r: Range, m: number, whole: boolean): Range[] {
  if (m === r.end) return whole ? [] : [r];
  const k = splitPoint(r.end - r.start);
  const left = { start: r.start, end: r.start + k };
  const right = { start: r.start + k, end: r.end };
  return m <= left.end ? [...consistencyRanges(left, m, whole), right] : [...consistencyRanges(right, m, false), left];
}

/** Reads every node the ranges need in one batch and folds each range to its hash. */
async function hashRanges(ranges: readonly Range[], read: NodeReader): Promise<Hash[]> {
  const plans = ranges.map(rangeNodes);
  const unique = new Map<string, NodeKey>();
  for (const plan of plans) for (const n of plan) unique.set(key(n), n);
  const keys = [...unique.values()];
  const hashes = await read(keys);
  const byKey = new Map(keys.map((n, i) => [key(n), hashes[i]!]));
  return Promise.all(
    plans.map(async (plan) => {
      let hash = byKey.get(key(plan.at(-1)!))!;
      for (let i = plan.length - 2; i >= 0; i--) hash = await nodeHash(byKey.get(key(plan[i]!))!, hash);
      return hash;
    }),
  );
}

export async function storedRoot(size: number, read: NodeReader): Promise<Hash> {
  if (size === 0) return emptyRoot();
  return (await hashRanges([{ start: 0, end: size }], read))[0]!;
}

export function storedInclusionProof(index: number, size: number, read: NodeReader): Promise<Hash[]> {
  if (!(index >= 0 && index < size)) throw new RangeError(`no leaf ${index} in a tree of ${size}`);
  return hashRanges(inclusionRanges({ start: 0, end: size }, index), read);
}

export function storedConsistencyProof(from: number, to: number, read: NodeReader): Promise<Hash[]> {
  if (!(from > 0 && from < to)) throw new RangeError(`no consistency proof from ${from} to ${to}`);
  return hashRanges(consistencyRanges({ start: 0, end: to }, from, true), read);
}
