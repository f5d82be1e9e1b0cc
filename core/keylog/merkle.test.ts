// RFC 9162 proofs with SHA-512: made and checked for every tree size up to 64 and every index and size pair,
// against the root recomputed from scratch; and the key log part of ../shared/test-vectors-v2.json.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeBase64, encodeBase64 } from '../protocol/base64.js';
import { importPublicKey } from '../crypto/rsa.js';
import { utf8 } from '../crypto/webcrypto.js';
import { entryBytes, entryLeafHash, verifyTreeHead, type LogEntry, type SignedTreeHead } from './entries.js';
import { consistencyProof, emptyRoot, inclusionProof, leafHash, rootOf, verifyConsistency, verifyInclusion, type Hash } from './merkle.js';
import { RightEdge } from './right-edge.js';

const MAX = 64;
const leaves: Hash[] = [];
const roots: Hash[] = [];

describe('RFC 9162 Merkle tree, SHA-512', () => {
  it('builds trees of every size up to 64 from scratch', async () => {
    for (let i = 0; i < MAX; i++) leaves.push(await leafHash(utf8(`entry ${i}`)));
    for (let n = 0; n <= MAX; n++) roots.push(await rootOf(leaves.slice(0, n)));
    expect(encodeBase64(roots[0]!)).toBe(encodeBase64(await emptyRoot()));
  });

  it('proves and checks every leaf of every tree, and refuses a proof for another leaf, size or root', async () => {
    for (let n = 1; n <= MAX; n++) {
      const tree = leaves.slice(0, n);
      for (let m = 0; m < n; m++) {
        const proof = await inclusionProof(tree, m);
        expect(await verifyInclusion(tree[m]!, m, n, proof, roots[n]!)).toBe(true);
        if (n > 1) expect(await verifyInclusion(tree[(m + 1) % n]!, m, n, proof, roots[n]!)).toBe(false);
        expect(await verifyInclusion(tree[m]!, m, n + 1, proof, roots[n + 1] ?? roots[n]!)).toBe(false);
      }
    }
  });

  it('proves and checks consistency between every pair of sizes, and refuses a wrong root or proof', async () => {
    for (let n = 2; n <= MAX; n++) {
      for (let m = 1; m < n; m++) {
        const proof = await consistencyProof(leaves.slice(0, n), m);
        expect(await verifyConsistency(m, n, proof, roots[m]!, roots[n]!)).toBe(true);
        expect(await verifyConsistency(m, n, proof, roots[m === 1 ? 2 : m - 1]!, roots[n]!)).toBe(false);
        expect(await verifyConsistency(m, n, proof, roots[m]!, roots[n - 1]!)).toBe(false);
        if (proof.length > 1) expect(await verifyConsistency(m, n, proof.slice(1), roots[m]!, roots[n]!)).toBe(false);
      }
    }
  });

  it('keeps the right edge as entries come, reproducing every root', async () => {
    const edge = new RightEdge();
    for (let n = 1; n <= MAX; n++) {
      await edge.append(leaves[n - 1]!);
      expect(encodeBase64(await edge.root())).toBe(encodeBase64(roots[n]!));
      expect(edge.subtrees).toHaveLength([...n.toString(2)].filter((b) => b === '1').length);
    }
  });
});

interface KeyLogVectors {
  logKey: { publicKey: string };
  entries: Array<LogEntry & { entry: string; leafHash: string }>;
  size: number;
  root: string;
  roots: Record<string, string>;
  inclusion: Array<{ index: number; size: number; leafHash: string; root: string; proof: string[] }>;
  consistency: Array<{ from: number; to: number; fromRoot: string; toRoot: string; proof: string[] }>;
  signedHeads: Array<{ head: SignedTreeHead; valid: boolean; signedBytes: string }>;
  rightEdge: { start: { size: number; subtrees: Array<{ start: number; end: number; hash: string }>; root: string }; steps: Array<{ size: number; subtrees: Array<{ start: number; end: number; hash: string }>; root: string; appended: number }>; head: SignedTreeHead };
}
const keyLog = (JSON.parse(readFileSync(new URL('../test-fixtures/test-vectors-v2.json', import.meta.url), 'utf8')) as { keyLog: KeyLogVectors }).keyLog;
const b64 = (h: Uint8Array) => encodeBase64(h);
const hashes = (list: string[]) => list.map((p) => decodeBase64(p));

describe('key log vectors', () => {
  it('entries, leaf hashes and roots', async () => {
    const leafHashes: Hash[] = [];
    for (const e of keyLog.entries) {
      expect(new TextDecoder().decode(entryBytes(e))).toBe(e.entry);
      const h = await entryLeafHash(e);
      expect(b64(h)).toBe(e.leafHash);
      leafHashes.push(h);
    }
    for (const [size, root] of Object.entries(keyLog.roots)) expect(b64(await rootOf(leafHashes.slice(0, Number(size))))).toBe(root);
    expect(b64(await rootOf(leafHashes))).toBe(keyLog.root);
    for (const c of keyLog.inclusion) expect((await inclusionProof(leafHashes.slice(0, c.size), c.index)).map(b64)).toEqual(c.proof);
    for (const c of keyLog.consistency) expect((await consistencyProof(leafHashes.slice(0, c.to), c.from)).map(b64)).toEqual(c.proof);
  });

  it('inclusion and consistency proofs check', async () => {
    for (const c of keyLog.inclusion) expect(await verifyInclusion(decodeBase64(c.leafHash) as Hash, c.index, c.size, hashes(c.proof), decodeBase64(c.root))).toBe(true);
    for (const c of keyLog.consistency) expect(await verifyConsistency(c.from, c.to, hashes(c.proof), decodeBase64(c.fromRoot), decodeBase64(c.toRoot))).toBe(true);
  });

  it('signed tree heads: the valid ones verify with the log key, the altered ones do not', async () => {
    const logKey = await importPublicKey(keyLog.logKey.publicKey);
    for (const c of keyLog.signedHeads) expect({ head: c.head.size, valid: await verifyTreeHead(c.head, logKey) }).toEqual({ head: c.head.size, valid: c.valid });
  });

  it('the right edge goes from the checked size to the head, step by step', async () => {
    const toEdge = (subtrees: Array<{ start: number; end: number; hash: string }>) => new RightEdge(subtrees.map((s) => ({ ...s, hash: decodeBase64(s.hash) as Hash })));
    const edge = toEdge(keyLog.rightEdge.start.subtrees);
    expect(b64(await edge.root())).toBe(keyLog.rightEdge.start.root);
    for (const step of keyLog.rightEdge.steps) {
      await edge.append(await entryLeafHash(keyLog.entries[step.appended]!));
      expect(edge.subtrees.map((s) => ({ ...s, hash: b64(s.hash) }))).toEqual(step.subtrees);
      expect(b64(await edge.root())).toBe(step.root);
    }
    expect(b64(await edge.root())).toBe(keyLog.rightEdge.head.root);
  });
});
