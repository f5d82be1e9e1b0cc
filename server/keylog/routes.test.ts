// The five key-log endpoints (PROTOCOL.md "Key transparency") through a real server: what each answers, every
// refused parameter, "directory" auth both ways, keyIndex, the entries registration and deletion append, heads
// that cover what committed (within 5 s also of an entry another process appended) and are signed again when
// old, and proofs at every size checked with core/keylog/merkle.ts against the signed heads.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { entryLeafHash, verifyTreeHead, type SignedTreeHead } from '../../core/keylog/entries.js';
import { verifyConsistency, verifyInclusion, type Hash } from '../../core/keylog/merkle.js';
import { importPublicKey } from '../../core/crypto/rsa.js';
import { decodeBase64 } from '../../core/protocol/base64.js';
import { errorBodySchema } from '../../core/protocol/schemas.js';
import {
  consistencyProofResponseSchema,
  inclusionProofResponseSchema,
  keyLogEntriesResponseSchema,
  keyLogKeyResponseSchema,
} from '../../core/protocol/schemas-keylog.js';
import { deleteAccountAsOperator } from '../accounts/delete-account.js';
import { fingerprint, publicKeyProblem } from '../auth/public-key.js';
import { openDatabase } from '../db/database.js';
import { readFrom } from './nodes.js';
import { call, KEYS, register, registration, startTestServer, TEST_LOG_KEY, testConfig, type TestUser } from '../testing/harness.js';
import { allEntries, fakeEntries, fillLog, headOf, leavesOf, rootText, waitForHead } from '../testing/key-log.js';
import { startServer } from '../server.js';

const hashes = (list: string[]) => list.map((p) => decodeBase64(p));

describe('the key log endpoints', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let alice: TestUser;

  beforeAll(async () => {
    server = await startTestServer();
    alice = await register(server.url, 'alice', KEYS.valid.alice);
    await register(server.url, 'bob', KEYS.valid.bob);
    await waitForHead(server.url, 2, alice.token);
  });
  afterAll(() => server.close());

  const get = (path: string, token: string | null = alice.token) => call(server.url, 'GET', path, { token: token ?? undefined });

  it('GET /keylog/key: the log key, with v1 fingerprint', async () => {
    const reply = await get('/keylog/key');
    expect(reply.status).toBe(200);
    expect(keyLogKeyResponseSchema.strict().parse(reply.body)).toEqual({
      publicKey: TEST_LOG_KEY.publicKey,
      fingerprint: fingerprint(Buffer.from(TEST_LOG_KEY.publicKey, 'base64')),
    });
    expect(publicKeyProblem(Buffer.from(reply.body.publicKey, 'base64'))).toBeUndefined();
    expect(reply.headers.get('x-auth-token')).toEqual(expect.any(String));
  });

  it('GET /keylog/head: signed by the log key over the root of every entry', async () => {
    const head = await headOf(server.url, alice.token);
    expect(Object.keys((await get('/keylog/head')).body).sort()).toEqual(['root', 'signature', 'size', 'timestamp']);
    expect(await verifyTreeHead(head, await importPublicKey(TEST_LOG_KEY.publicKey))).toBe(true);
    const entries = await allEntries(server.url, alice.token);
    expect(head.size).toBe(entries.length);
    expect(head.root).toBe(await rootText(await leavesOf(entries)));
    expect(Date.now() - Date.parse(head.timestamp)).toBeLessThan(60_000);
  });

  it('GET /keylog/entries: the registrations in order, each with the key and its account’s creation time', async () => {
    const reply = await get('/keylog/entries');
    expect(reply.status).toBe(200);
    const { entries } = keyLogEntriesResponseSchema.parse(reply.body);
    const profiles = await Promise.all(['alice', 'bob'].map(async (name) => (await get(`/users/${name}`, null)).body));
    expect(entries).toEqual([
      { index: 0, username: 'alice', publicKey: KEYS.valid.alice, timestamp: profiles[0].createdAt },
      { index: 1, username: 'bob', publicKey: KEYS.valid.bob, timestamp: profiles[1].createdAt },
    ]);
    expect(profiles.map((p) => p.keyIndex)).toEqual([0, 1]);
    expect((await get('/keylog/entries?start=1&limit=1')).body.entries).toEqual([entries[1]]);
    expect((await get('/keylog/entries?start=2')).body).toEqual({ entries: [] });
    expect((await get('/keylog/entries?start=9007199254740991&limit=1000')).body).toEqual({ entries: [] });
  });

  it('GET /keylog/proof and /keylog/consistency: RFC 9162 proofs that check against the head', async () => {
    const head = await headOf(server.url, alice.token);
    const entries = await allEntries(server.url, alice.token);
    const proof = await get(`/keylog/proof?index=1&size=${head.size}`);
    expect(proof.status).toBe(200);
    const parsed = inclusionProofResponseSchema.parse(proof.body);
    expect(parsed).toMatchObject({ index: 1, size: head.size });
    expect(await verifyInclusion(await entryLeafHash(entries[1]!), 1, head.size, hashes(parsed.proof), decodeBase64(head.root))).toBe(true);
    const consistency = await get(`/keylog/consistency?from=1&to=${head.size}`);
    expect(consistency.status).toBe(200);
    expect(consistencyProofResponseSchema.parse(consistency.body)).toMatchObject({ from: 1, to: head.size });
  });

  it.each([
    ['/keylog/key?x=1', /unknown field: x/],
    ['/keylog/head?size=1', /unknown field: size/],
    ['/keylog/entries?start=-1', /start: must be a whole number/],
    ['/keylog/entries?start=01', /start: must be a whole number/],
    ['/keylog/entries?start=1.5', /start: must be a whole number/],
    ['/keylog/entries?start=abc', /start: must be a whole number/],
    ['/keylog/entries?start=9007199254740992', /start: must be at most/],
    ['/keylog/entries?start=99999999999999999', /start: must be a whole number/],
    ['/keylog/entries?limit=0', /limit: must be a whole number from 1 to 1000/],
    ['/keylog/entries?limit=1001', /limit: must be a whole number from 1 to 1000/],
    ['/keylog/entries?limit=', /limit: must be a whole number from 1 to 1000/],
    ['/keylog/entries?start=0&start=1', /start/],
    ['/keylog/entries?index=0', /unknown field: index/],
    ['/keylog/proof', /index: is required/],
    ['/keylog/proof?index=0', /size: is required/],
    ['/keylog/proof?size=1', /index: is required/],
    ['/keylog/proof?index=1&size=1', /index: must be smaller than size/],
    ['/keylog/proof?index=0&size=0', /index: must be smaller than size/],
    ['/keylog/proof?index=0&size=3', /size: must be at most the newest head's size \(2\)/],
    ['/keylog/proof?index=x&size=2', /index: must be a whole number/],
    ['/keylog/proof?index=0&size=2&from=1', /unknown field: from/],
    ['/keylog/consistency', /from: is required/],
    ['/keylog/consistency?from=1', /to: is required/],
    ['/keylog/consistency?from=0&to=2', /from: must be at least 1/],
    ['/keylog/consistency?from=2&to=2', /from: must be smaller than to/],
    ['/keylog/consistency?from=2&to=1', /from: must be smaller than to/],
    ['/keylog/consistency?from=1&to=3', /to: must be at most the newest head's size \(2\)/],
    ['/keylog/consistency?from=1&to=2&index=0', /unknown field: index/],
  ])('GET %s is 400', async (path, message) => {
    const reply = await get(path);
    expect(reply.status).toBe(400);
    expect(errorBodySchema.parse(reply.body).error.code).toBe('invalid_request');
    expect(reply.body.error.message).toMatch(message);
  });

  it.each(['/keylog/key', '/keylog/head', '/keylog/entries', '/keylog/proof?index=0&size=2', '/keylog/consistency?from=1&to=2'])(
    'GET %s needs a token while USER_DIRECTORY=signed-in, and checks one that is sent',
    async (path) => {
      const anonymous = await get(path, null);
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.error.message).toMatch(/signed-in users only/);
      // Before the query is even looked at: no hint about the log to a stranger.
      expect((await get(`${path}${path.includes('?') ? '&' : '?'}bad=1`, null)).status).toBe(401);
      expect((await get(path, 'v2.not.a.token')).status).toBe(401);
    },
  );
});

describe('USER_DIRECTORY=public', () => {
  it('serves every key-log endpoint without a token, but still refuses a bad one', async () => {
    const server = await startTestServer({ userDirectory: 'public' });
    try {
      await register(server.url, 'alice');
      await register(server.url, 'bob');
      await waitForHead(server.url, 2);
      for (const path of ['/keylog/key', '/keylog/head', '/keylog/entries', '/keylog/proof?index=0&size=2', '/keylog/consistency?from=1&to=2']) {
        const reply = await call(server.url, 'GET', path);
        expect(reply.status, path).toBe(200);
        expect(reply.headers.get('x-auth-token')).toBeNull();
        expect((await call(server.url, 'GET', path, { token: 'v2.bad' })).status).toBe(401);
      }
    } finally {
      await server.close();
    }
  });
});

describe('entries of registrations and deletions', () => {
  const stops: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
  });

  it('a refused registration takes no index; a deletion appends an entry with no key, covered by a head', async () => {
    const server = await startTestServer();
    stops.push(() => server.close());
    const carol = await register(server.url, 'carol', KEYS.valid.carol);
    expect((await call(server.url, 'POST', '/users', { body: registration('carol') })).status).toBe(409);
    const dave = await register(server.url, 'dave');
    expect((await call(server.url, 'GET', '/users/dave')).body.keyIndex).toBe(1);

    expect((await call(server.url, 'DELETE', '/users/carol', { token: carol.token, body: { authHash: carol.authHash } })).status).toBe(204);
    const head = await waitForHead(server.url, 3, dave.token);
    const entries = await allEntries(server.url, dave.token);
    expect(entries.map(({ index, username, publicKey }) => ({ index, username, publicKey }))).toEqual([
      { index: 0, username: 'carol', publicKey: KEYS.valid.carol },
      { index: 1, username: 'dave', publicKey: KEYS.valid.alice },
      { index: 2, username: 'carol', publicKey: null },
    ]);
    expect(head.root).toBe(await rootText(await leavesOf(entries)));
    expect((await call(server.url, 'GET', '/users/carol')).status).toBe(410);
    // The name stays taken for good: no new entry for it either.
    expect((await call(server.url, 'POST', '/users', { body: registration('carol') })).status).toBe(409);
    expect((await allEntries(server.url, dave.token)).length).toBe(3);
  });

  it('an entry another process appends (the admin tool deleting an account) is in a head within 5 s', async () => {
    const server = await startTestServer();
    stops.push(() => server.close());
    const erin = await register(server.url, 'erin');
    const frank = await register(server.url, 'frank');
    await waitForHead(server.url, 2, frank.token);
    const admin = await openDatabase(server.config.databaseUrl);
    try {
      expect(await deleteAccountAsOperator(admin, erin.username)).toBe('deleted');
    } finally {
      await admin.close();
    }
    const started = Date.now();
    const head = await waitForHead(server.url, 3, frank.token, 5_000);
    expect(Date.now() - started).toBeLessThan(5_000);
    const entries = await allEntries(server.url, frank.token);
    expect(entries[2]).toMatchObject({ index: 2, username: 'erin', publicKey: null });
    expect(head.root).toBe(await rootText(await leavesOf(entries)));
  });
});

describe('signed heads over time', () => {
  it('signs the same size again once the newest head is old, each new head with a newer timestamp', async () => {
    const server = await startTestServer({}, { keyLog: { refreshMs: 300, pollMs: 50 } });
    try {
      const { token } = await register(server.url, 'alice');
      const first = await waitForHead(server.url, 1, token);
      let later: SignedTreeHead = first;
      const deadline = Date.now() + 5_000;
      while (later.timestamp === first.timestamp && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        later = await headOf(server.url, token);
      }
      expect(later.size).toBe(first.size);
      expect(later.root).toBe(first.root);
      expect(Date.parse(later.timestamp)).toBeGreaterThan(Date.parse(first.timestamp));
      expect(await verifyTreeHead(later, await importPublicKey(TEST_LOG_KEY.publicKey))).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('signs a lone registration within a moment, and about one head a second while registrations keep coming', async () => {
    const server = await startTestServer({ userDirectory: 'public' });
    try {
      await waitForHead(server.url, 0);
      // Quiet for longer than the one-a-second interval since the head signed at start.
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      const started = Date.now();
      await register(server.url, 'lone_one');
      await waitForHead(server.url, 1);
      expect(Date.now() - started).toBeLessThan(1_000);
      const db = await openDatabase(server.config.databaseUrl);
      try {
        const heads = async () => Number((await readFrom(db)<{ n: number | string }>('SELECT COUNT(*) AS n FROM key_log_heads', []))[0]!.n);
        const before = await heads();
        const streamStarted = Date.now();
        for (let i = 0; i < 40; i++) await register(server.url, `stream_${i}`);
        const head = await waitForHead(server.url, 41);
        const seconds = (Date.now() - streamStarted) / 1000;
        expect(head.size).toBe(41);
        expect((await heads()) - before).toBeLessThanOrEqual(Math.ceil(seconds) + 2);
      } finally {
        await db.close();
      }
    } finally {
      await server.close();
    }
  });

  it('a log of no entries has a signed head of size 0 with the root of nothing', async () => {
    const server = await startTestServer({ userDirectory: 'public' });
    try {
      const head = await headOf(server.url);
      expect(head).toMatchObject({ size: 0, root: await rootText([]) });
      expect(await verifyTreeHead(head, await importPublicKey(TEST_LOG_KEY.publicKey))).toBe(true);
      expect((await call(server.url, 'GET', '/keylog/proof?index=0&size=1')).status).toBe(400);
      expect((await call(server.url, 'GET', '/keylog/entries')).body).toEqual({ entries: [] });
    } finally {
      await server.close();
    }
  });

  it('makes its own RSA-4096 log key at first start, keeps it in the database, and signs with it after a restart', async () => {
    const config = await testConfig({ userDirectory: 'public' });
    let server = await startServer(config);
    const made = keyLogKeyResponseSchema.parse((await call(server.url, 'GET', '/keylog/key')).body);
    expect(made.publicKey).not.toBe(TEST_LOG_KEY.publicKey);
    expect(publicKeyProblem(Buffer.from(made.publicKey, 'base64'))).toBeUndefined();
    const key = await importPublicKey(made.publicKey);
    expect(await verifyTreeHead(await headOf(server.url), key)).toBe(true);
    await server.close();
    server = await startServer(config);
    try {
      expect((await call(server.url, 'GET', '/keylog/key')).body).toEqual(made);
      await register(server.url, 'alice');
      expect(await verifyTreeHead(await waitForHead(server.url, 1), key)).toBe(true);
    } finally {
      await server.close();
    }
  });
});

describe('proofs at every size, against signed heads', () => {
  it('inclusion of every entry in every head and consistency between every two heads verify; others do not', async () => {
    // A head after every registration (no one-a-second throttle), to have one of every size.
    const server = await startTestServer({ userDirectory: 'public' }, { keyLog: { minIntervalMs: 0 } });
    try {
      const heads: SignedTreeHead[] = [];
      for (let n = 1; n <= 17; n++) {
        await register(server.url, `user_${n}`);
        heads.push(await waitForHead(server.url, n));
      }
      const logKey = await importPublicKey(TEST_LOG_KEY.publicKey);
      const entries = await allEntries(server.url);
      const leaves = await leavesOf(entries);
      for (const head of heads) {
        expect(await verifyTreeHead(head, logKey)).toBe(true);
        expect(head.root).toBe(await rootText(leaves, head.size));
      }
      const root = (head: SignedTreeHead) => decodeBase64(head.root);
      for (const head of heads) {
        for (let index = 0; index < head.size; index++) {
          const { proof } = inclusionProofResponseSchema.parse((await call(server.url, 'GET', `/keylog/proof?index=${index}&size=${head.size}`)).body);
          expect(await verifyInclusion(leaves[index]!, index, head.size, hashes(proof), root(head))).toBe(true);
          if (head.size > 1) expect(await verifyInclusion(leaves[(index + 1) % head.size]!, index, head.size, hashes(proof), root(head))).toBe(false);
        }
      }
      for (const small of heads) {
        for (const large of heads.filter((h) => h.size > small.size)) {
          const reply = await call(server.url, 'GET', `/keylog/consistency?from=${small.size}&to=${large.size}`);
          const { proof } = consistencyProofResponseSchema.parse(reply.body);
          expect(await verifyConsistency(small.size, large.size, hashes(proof), root(small), root(large))).toBe(true);
          expect(await verifyConsistency(small.size, large.size, hashes(proof), root(heads[0]!.size === small.size ? heads[1]! : heads[0]!), root(large))).toBe(false);
        }
      }
    } finally {
      await server.close();
    }
  });

  it('proves any entry of a 3,000-entry log against its head, and every step from size 1 up', async () => {
    const server = await startTestServer({ userDirectory: 'public' });
    try {
      await fillLog(server.config.databaseUrl, fakeEntries(3_000));
      const head = await waitForHead(server.url, 3_000);
      const entries = await allEntries(server.url);
      expect(entries).toHaveLength(3_000);
      const leaves: Hash[] = await leavesOf(entries);
      expect(head.root).toBe(await rootText(leaves));
      const root = decodeBase64(head.root);
      for (const index of [0, 1, 2, 1023, 1024, 1025, 2047, 2048, 2999]) {
        const { proof } = (await call(server.url, 'GET', `/keylog/proof?index=${index}&size=3000`)).body as { proof: string[] };
        expect(proof.length).toBeLessThanOrEqual(12);
        expect(await verifyInclusion(leaves[index]!, index, 3_000, hashes(proof), root)).toBe(true);
      }
      for (const from of [1, 2, 3, 1000, 1024, 2048, 2999]) {
        const { proof } = (await call(server.url, 'GET', `/keylog/consistency?from=${from}&to=3000`)).body as { proof: string[] };
        expect(await verifyConsistency(from, 3_000, hashes(proof), decodeBase64(await rootText(leaves, from)), root)).toBe(true);
      }
    } finally {
      await server.close();
    }
  });
});
