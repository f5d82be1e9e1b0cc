// The key-log part of the shared test vectors (../shared/test-vectors-v2.json, copied byte for byte in
// core/test-fixtures/) through the server: the vectors' seven entries stored the server's way give the vectors'
// entries, roots and proofs exactly, the server signs with the vectors' log key heads that verify with it,
// and its head is the one of the vectors' valid heads of the same size.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyTreeHead, type LogEntry, type SignedTreeHead } from '../../core/keylog/entries.js';
import { verifyConsistency } from '../../core/keylog/merkle.js';
import { storedRoot } from '../../core/keylog/tree-store.js';
import { importPublicKey } from '../../core/crypto/rsa.js';
import { decodeBase64, encodeBase64 } from '../../core/protocol/base64.js';
import { openDatabase } from '../db/database.js';
import { call, startTestServer, testConfig } from '../testing/harness.js';
import { fillLog, headOf } from '../testing/key-log.js';
import { nodeReader, readFrom } from './nodes.js';

interface KeyLogVectors {
  logKey: { publicKey: string; fingerprint: string; privateKeyPkcs8: string };
  entries: Array<LogEntry & { entry: string; leafHash: string }>;
  size: number;
  root: string;
  roots: Record<string, string>;
  inclusion: Array<{ index: number; size: number; leafHash: string; root: string; proof: string[] }>;
  consistency: Array<{ from: number; to: number; fromRoot: string; toRoot: string; proof: string[] }>;
  signedHeads: Array<{ head: SignedTreeHead; valid: boolean }>;
}

const vectors = (JSON.parse(readFileSync(new URL('../../core/test-fixtures/test-vectors-v2.json', import.meta.url), 'utf8')) as { keyLog: KeyLogVectors }).keyLog;

describe('the key log test vectors through the server', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;

  beforeAll(async () => {
    const { databaseUrl } = await testConfig();
    await (await openDatabase(databaseUrl)).close();
    await fillLog(
      databaseUrl,
      vectors.entries.map((e) => ({ username: e.username, publicKey: e.publicKey, at: Date.parse(e.timestamp) })),
    );
    server = await startTestServer({ databaseUrl, userDirectory: 'public' }, { keyLog: { seedKey: Buffer.from(vectors.logKey.privateKeyPkcs8, 'base64') } });
  });
  afterAll(() => server?.close());

  it('stores the entries as the vectors write them, deletion included', async () => {
    const reply = await call(server.url, 'GET', '/keylog/entries');
    expect(reply.body.entries).toEqual(vectors.entries.map(({ index, username, publicKey, timestamp }) => ({ index, username, publicKey, timestamp })));
  });

  it('has the vectors’ root at every size', async () => {
    const db = await openDatabase(server.config.databaseUrl);
    try {
      for (const [size, root] of Object.entries(vectors.roots)) expect(encodeBase64(await storedRoot(Number(size), nodeReader(readFrom(db))))).toBe(root);
    } finally {
      await db.close();
    }
  });

  it('serves the vectors’ log key and signs with it a head the vectors’ valid head of that size equals (but for the time)', async () => {
    expect((await call(server.url, 'GET', '/keylog/key')).body).toEqual({ publicKey: vectors.logKey.publicKey, fingerprint: vectors.logKey.fingerprint });
    const head = await headOf(server.url);
    expect(head).toMatchObject({ size: vectors.size, root: vectors.root });
    const logKey = await importPublicKey(vectors.logKey.publicKey);
    expect(await verifyTreeHead(head, logKey)).toBe(true);
    const same = vectors.signedHeads.filter((c) => c.valid && c.head.size === head.size);
    expect(same.length).toBeGreaterThan(0);
    for (const c of same) expect(c.head.root).toBe(head.root);
    // Every smaller valid vector head is consistent with the server's.
    for (const c of vectors.signedHeads.filter((v) => v.valid && v.head.size < head.size && v.head.size > 0)) {
      const { proof } = (await call(server.url, 'GET', `/keylog/consistency?from=${c.head.size}&to=${head.size}`)).body as { proof: string[] };
      expect(await verifyConsistency(c.head.size, head.size, proof.map((p) => decodeBase64(p)), decodeBase64(c.head.root), decodeBase64(head.root))).toBe(true);
    }
  });

  it('gives exactly the vectors’ inclusion and consistency proofs', async () => {
    for (const c of vectors.inclusion) {
      expect((await call(server.url, 'GET', `/keylog/proof?index=${c.index}&size=${c.size}`)).body).toEqual({ index: c.index, size: c.size, proof: c.proof });
    }
    for (const c of vectors.consistency) {
      expect((await call(server.url, 'GET', `/keylog/consistency?from=${c.from}&to=${c.to}`)).body).toEqual({ from: c.from, to: c.to, proof: c.proof });
    }
  });
});
