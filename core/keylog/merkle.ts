// Core side (runs anywhere, WebCrypto only): RFC 9162's Merkle Tree Hash with SHA-512, as PROTOCOL.md "Key
// transparency" fixes it — leaf and node hashes, the root of a list, inclusion and consistency proofs (making
// them, for the server and for tests, and checking them, for every client).
import { bytesEqual, sha512 } from '../crypto/webcrypto.js';

export type Hash = Uint8Array<ArrayBuffer>;

const LEAF = Uint8Array.of(0x00);
const NODE = Uint8Array.of(0x01);

export const leafHash = (entry: Uint8Array) => sha512(LEAF, entry);
export const nodeHash = (left: Uint8Array, right: Uint8Array) => sha512(NODE, left, right);
export const emptyRoot = () => sha512();

/** The largest power of two smaller than n (n ≥ 2): where RFC 9162 splits a tree. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[n]) over leaf hashes. */
export async function rootOf(leaves: readonly Hash[]): Promise<Hash> {
  if (leaves.length === 0) return emptyRoot();
  if (leaves.length === 1) return leaves[0]!;
  const k = splitPoint(leaves.length);
  const [left, right] = await Promise.all([rootOf(leaves.slice(0, k)), rootOf(leaves.slice(k))]);
  return nodeHash(left, right);
}

/** PATH(m, D[n]): the inclusion proof of leaf m (RFC 9162 2.1.3.1). */
export async function inclusionProof(leaves: readonly Hash[], m: number): Promise<Hash[]> {
  if (m < 0 || m >= leaves.length) throw new RangeError(`no leaf ${m} in a tree of ${leaves.length}`);
  if (leaves.length === 1) return [];
  const k = splitPoint(leaves.length);
  if (m < k) return [...(await inclusionProof(leaves.slice(0, k), m)), await rootOf(leaves.slice(k))];
  return [...(await inclusionProof(leaves.slice(k), m - k)), await rootOf(leaves.slice(0, k))];
}

/** PROOF(m, D[n]): the consistency proof from size m to size n (RFC 9162 2.1.4.1), 0 < m < n. */
export async function consistencyProof(leaves: readonly Hash[], m: number): Promise<Hash[]> {
  if (!(m > 0 && m < leaves.length)) throw new RangeError(`no consistency proof from ${m} to ${leaves.length}`);
  return subproof(leaves, m, true);
}

async function subproof(leaves: readonly Hash[], m: number, whole: boolean): Promise<Hash[]> {
  const n = leaves.length;
  if (m === n) return whole ? [] : [await rootOf(leaves)];
  const k = splitPoint(n);
  if (m <= k) return [...(await subproof(leaves.slice(0, k), m, whole)), await rootOf(leaves.slice(k))];
  return [...(await subproof(leaves.slice(k), m - k, false)), await rootOf(leaves.slice(0, k))];
}

/** Constant time, though roots are public: one comparison for every hash the log checks. */
export const sameHash = bytesEqual;

const isSafeSize = (n: number) => Number.isSafeInteger(n) && n >= 0;

/**
 * The position bookkeeping RFC 9162's verification algorithms share (2.1.3.2, 2.1.4.2): fn walks up from the
 * node being proven, sn from the last node of the tree; each proof hash is a left or a right sibling.
 */
class ProofWalk {
  #fn: number;
  #sn: number;
  #left = false;

  constructor(fn: number, sn: number) {
    this.#fn = fn;
    this.#sn = sn;
  }

  get done(): boolean {
    return this.#sn === 0;
  }

  /** Whether the next proof hash goes on the left (remembered: step() then moves up past it). */
  nextIsLeft(): boolean {
    this.#left = this.#fn % 2 === 1 || this.#fn === this.#sn;
    return this.#left;
  }

  step(): void {
    // A left sibling at an even fn means fn was the last node of its level: climb until fn is a right child.
    if (this.#left && this.#fn % 2 === 0) while (this.#fn % 2 === 0 && this.#fn !== 0) this.#half();
    this.#half();
  }

  /** 2.1.4.2: "If LSB(fn) is set, then right-shift both fn and sn equally until LSB(fn) is not set." */
  skipRightChildren(): void {
    while (this.#fn % 2 === 1) this.#half();
  }

  #half(): void {
    this.#fn = Math.floor(this.#fn / 2);
    this.#sn = Math.floor(this.#sn / 2);
  }
}

/** RFC 9162 2.1.3.2: whether `leaf` is at `index` of the tree of `size` whose root is `root`. */
export async function verifyInclusion(leaf: Hash, index: number, size: number, proof: readonly Uint8Array[], root: Uint8Array): Promise<boolean> {
  if (!isSafeSize(index) || !isSafeSize(size) || index >= size) return false;
  const walk = new ProofWalk(index, size - 1);
  let r: Hash = leaf;
  for (const p of proof) {
    if (walk.done) return false;
    r = walk.nextIsLeft() ? await nodeHash(p, r) : await nodeHash(r, p);
    walk.step();
  }
  return walk.done && sameHash(r, root);
}

/**
 * RFC 9162 2.1.4.2: whether the tree of `second` (root `secondRoot`) extends the tree of `first`. Sizes equal:
 * consistent when the roots are (PROTOCOL.md); size 0 is consistent with every tree.
 */
export async function verifyConsistency(first: number, second: number, proof: readonly Uint8Array[], firstRoot: Uint8Array, secondRoot: Uint8Array): Promise<boolean> {
  if (!isSafeSize(first) || !isSafeSize(second) || first > second) return false;
  if (first === second) return proof.length === 0 && sameHash(firstRoot, secondRoot);
  if (first === 0) return true;
  if (proof.length === 0) return false;
  const path: Uint8Array[] = isExactPowerOfTwo(first) ? [firstRoot, ...proof] : [...proof];
  const walk = new ProofWalk(first - 1, second - 1);
  walk.skipRightChildren();
  let fr = path[0]! as Hash;
  let sr = path[0]! as Hash;
  for (const c of path.slice(1)) {
    if (walk.done) return false;
    if (walk.nextIsLeft()) {
      fr = await nodeHash(c, fr);
      sr = await nodeHash(c, sr);
    } else {
      sr = await nodeHash(sr, c);
    }
    walk.step();
  }
  return walk.done && sameHash(fr, firstRoot) && sameHash(sr, secondRoot);
}

function isExactPowerOfTwo(n: number): boolean {
  let x = n;
  while (x > 1 && x % 2 === 0) x /= 2;
  return x === 1;
}
