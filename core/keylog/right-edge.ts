// Core side (runs anywhere): the right edge of the key log's tree — the roots of its perfect subtrees, one per
// 1-bit of the size — which is all a client keeps to check new entries against a newer head (PROTOCOL.md key
// transparency, rule 4) without reading the log again from the start.
import { nodeHash, emptyRoot, type Hash } from './merkle.js';

export interface Subtree {
  start: number;
  end: number;
  hash: Hash;
}

export class RightEdge {
  readonly #subtrees: Subtree[];

  constructor(subtrees: readonly Subtree[] = []) {
    let at = 0;
    for (const s of subtrees) {
      const width = s.end - s.start;
      if (s.start !== at || width <= 0 || (width & (width - 1)) !== 0) throw new RangeError('not the right edge of a tree');
      at = s.end;
    }
    for (let i = 1; i < subtrees.length; i++) {
      if (subtrees[i]!.end - subtrees[i]!.start >= subtrees[i - 1]!.end - subtrees[i - 1]!.start) throw new RangeError('not the right edge of a tree');
    }
    this.#subtrees = subtrees.map((s) => ({ ...s }));
  }

  get size(): number {
    return this.#subtrees.at(-1)?.end ?? 0;
  }

  get subtrees(): readonly Subtree[] {
    return this.#subtrees.map((s) => ({ ...s }));
  }

  /** Adds the next leaf: equal-width neighbours merge, as the tree above them completes. */
  async append(leaf: Hash): Promise<void> {
    const size = this.size;
    this.#subtrees.push({ start: size, end: size + 1, hash: leaf });
    while (this.#subtrees.length >= 2) {
      const right = this.#subtrees.at(-1)!;
      const left = this.#subtrees.at(-2)!;
      if (left.end - left.start !== right.end - right.start) break;
      this.#subtrees.splice(-2, 2, { start: left.start, end: right.end, hash: await nodeHash(left.hash, right.hash) });
    }
  }

  /** The tree's root: the subtrees folded from the right. */
  async root(): Promise<Hash> {
    if (this.#subtrees.length === 0) return emptyRoot();
    let root = this.#subtrees.at(-1)!.hash;
    for (let i = this.#subtrees.length - 2; i >= 0; i--) root = await nodeHash(this.#subtrees[i]!.hash, root);
    return root;
  }
}
