// Proofs from stored nodes equal RFC 9162's proofs recomputed from all leaves, for every size up to 64, and
// read O(log n) nodes in one batch even at a million entries.
import { describe, expect, it } from 'vitest';
import { encodeBase64 } from '../protocol/base64.js';
import { utf8 } from '../crypto/webcrypto.js';
import { consistencyProof, inclusionProof, leafHash, rootOf, type Hash } from './merkle.js';
import { nodesCompletedBy, storedConsistencyProof, storedInclusionProof, storedRoot, type NodeKey, type NodeReader } from './tree-store.js';

function memoryStore() {
  const nodes = new Map<string, Hash>();
  const batches: number[] = [];
  const read: NodeReader = async (keys) => {
    batches.push(keys.length);
    return keys.map((k) => {
      const hash = nodes.get(`${k.level}/${k.index}`);
      if (!hash) throw new Error(`node ${k.level}/${k.index} is not stored`);
      return hash;
    });
  };
  const put = (list: Array<NodeKey & { hash: Hash }>) => list.forEach((n) => nodes.set(`${n.level}/${n.index}`, n.hash));
  return { nodes, read, put, batches };
}

const b64 = (list: Hash[]) => list.map(encodeBase64);

describe('the key log tree from stored nodes', () => {
  it('gives the same roots and proofs as the recomputation, for every size and index up to 64', async () => {
    const store = memoryStore();
    const leaves: Hash[] = [];
    for (let i = 0; i < 64; i++) {
      const leaf = await leafHash(utf8(`entry ${i}`));
      leaves.push(leaf);
      store.put(await nodesCompletedBy(i, leaf, store.read));
      const size = i + 1;
      expect(encodeBase64(await storedRoot(size, store.read))).toBe(encodeBase64(await rootOf(leaves)));
      for (let m = 0; m < size; m++) expect(b64(await storedInclusionProof(m, size, store.read))).toEqual(b64(await inclusionProof(leaves, m)));
      for (let m = 1; m < size; m++) expect(b64(await storedConsistencyProof(m, size, store.read))).toEqual(b64(await consistencyProof(leaves, m)));
    }
    // Every node a leaf completes, and no more: 2n − popcount(n) nodes for n leaves.
    expect(store.nodes.size).toBe(2 * 64 - 1);
  });

  it('reads O(log n) nodes in one batch at a million entries', async () => {
    // A stand-in store that answers any node with a hash of its name: only how much is read matters here.
    const asked: number[] = [];
    const read: NodeReader = async (keys) => {
      asked.push(keys.length);
      return Promise.all(keys.map((k) => leafHash(utf8(`${k.level}/${k.index}`))));
    };
    const size = 1_000_000;
    await storedInclusionProof(123_456, size, read);
    await storedConsistencyProof(654_321, size, read);
    await storedRoot(size, read);
    expect(asked).toHaveLength(3);
    for (const n of asked) expect(n).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(size)));
  });
});
