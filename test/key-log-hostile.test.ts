// Key transparency against a hostile server (the real server behind the tampering proxy, the proxy holding
// the server's own log key, as a compromised server would): a forked log shown to bob alone, in which alice's
// key is swapped — bob is fooled by the proofs at first, and caught by the head alice's next message carries;
// and a substituted key with no entry at all, refused with its verdict.
import { describe, expect, it } from 'vitest';
import { deriveAuthHash } from '../core/crypto/kdf.js';
import { fingerprint } from '../core/crypto/fingerprint.js';
import { importPrivateKey, sign } from '../core/crypto/rsa.js';
import { encodeBase64 } from '../core/protocol/base64.js';
import { entryLeafHash, treeHeadBytes, type LogEntry, type SignedTreeHead } from '../core/keylog/entries.js';
import { consistencyProof, inclusionProof, rootOf } from '../core/keylog/merkle.js';
import { keyLogEntriesResponseSchema } from '../core/protocol/schemas-keylog.js';
import { clientWorld, PASSWORD } from '../core/test-fixtures/client-world.js';
import { failure } from '../core/test-fixtures/waiting.js';
import { keyFixture } from '../core/test-fixtures/vectors.js';
import { openDatabase } from '../server/db/database.js';
import { HttpApi } from '../core/client/http-api.js';

const world = clientWorld('k');
const MALLORY = keyFixture('carol').publicKey;

/** Signs heads with the server's log key, read from its database (what a compromised server holds). */
async function serverLogKey() {
  const db = await openDatabase(world.server.databaseUrl);
  try {
    const [row] = await db.sequelize.query<{ private_key: Buffer }>('SELECT private_key FROM key_log_key WHERE id = 1', { type: 'SELECT' as never });
    const key = await importPrivateKey(new Uint8Array(row!.private_key));
    return async (size: number, root: string): Promise<SignedTreeHead> => {
      const timestamp = new Date().toISOString();
      return { size, root, timestamp, signature: encodeBase64(await sign(key, treeHeadBytes({ size, root, timestamp }))) };
    };
  } finally {
    await db.close();
  }
}

async function genuineEntries(username: string): Promise<LogEntry[]> {
  const api = new HttpApi(world.server.url);
  const login = await api.raw('POST', '/login', { body: { username, authHash: encodeBase64(await deriveAuthHash(username, PASSWORD)) } });
  api.token = (login.data as { token: string }).token;
  const reply = await api.raw('GET', '/keylog/entries', { auth: true, query: { start: 0, limit: 1000 } });
  return keyLogEntriesResponseSchema.parse(reply.data).entries;
}

const json = (status: number, body: unknown) => ({ status, json: body });
const tokenUser = (authorization: string | string[] | undefined) => /^Bearer v2\.([a-z0-9_]+)\./.exec(String(authorization ?? ''))?.[1] ?? null;

describe('key transparency against a hostile server', () => {
  it('shows bob a forked log with alice’s key swapped: the proofs fool him, the head in alice’s message does not', async () => {
    const [alice, bob] = await world.people('alice', 'bob');
    const a = await world.signIn(alice!);
    await a.client.auditKeyLog();
    const entries = await genuineEntries(alice!);
    const aliceAt = entries.findIndex((e) => e.username === alice);
    const forked = entries.map((e) => (e.index === aliceAt ? { ...e, publicKey: MALLORY } : e));
    const leaves = await Promise.all(forked.map((e) => entryLeafHash(e)));
    const signHead = await serverLogKey();
    const forkedHead = await signHead(forked.length, encodeBase64(await rootOf(leaves)));
    const malloryFingerprint = await fingerprint(MALLORY);

    // Proofs over the forked tree, for what bob will ask.
    const proofs = new Map<string, string[]>();
    for (let size = 1; size <= leaves.length; size++) {
      if (aliceAt < size) proofs.set(`proof ${aliceAt} ${size}`, (await inclusionProof(leaves.slice(0, size), aliceAt)).map(encodeBase64));
      for (let from = 1; from < size; from++) proofs.set(`consistency ${from} ${size}`, (await consistencyProof(leaves.slice(0, size), from)).map(encodeBase64));
    }
    // Only to bob, and only the log and alice's profile: the rest is the real server.
    world.proxy.intercept = (method, path, _body, headers) => {
      if (method !== 'GET' || tokenUser(headers.authorization) !== bob) return undefined;
      const url = new URL(path, 'http://x');
      const n = (name: string) => Number(url.searchParams.get(name));
      switch (url.pathname) {
        case '/keylog/head':
          return json(200, forkedHead);
        case '/keylog/entries':
          return json(200, { entries: forked.slice(n('start'), n('start') + n('limit')) });
        case '/keylog/proof':
          return json(200, { index: n('index'), size: n('size'), proof: proofs.get(`proof ${n('index')} ${n('size')}`) ?? [] });
        case '/keylog/consistency':
          return json(200, { from: n('from'), to: n('to'), proof: proofs.get(`consistency ${n('from')} ${n('to')}`) ?? [] });
        default:
          return undefined;
      }
    };
    world.proxy.rewrite = (x) =>
      x.method === 'GET' && new URL(x.path, 'http://x').pathname === `/users/${alice}` && x.status === 200
        ? { status: 200, json: { ...(x.json as object), publicKey: MALLORY, fingerprint: malloryFingerprint, keyIndex: aliceAt } }
        : undefined;

    const b = await world.signIn(bob!);
    const details = await b.client.contactDetails(alice!);
    expect(details).toMatchObject({ keyLog: 'confirmed', keyStatus: 'pinned' });
    expect(details.pinnedFingerprint!.replaceAll(' ', '')).toBe(malloryFingerprint);
    expect((await b.client.keyLog()).alarms).toEqual([]);

    // alice writes to bob; her message carries her head: the same size, another root.
    await a.client.send({ conversation: bob!, text: 'hello bob', id: a.client.newMessageId() });
    const page = await b.client.conversation({ conversation: alice! });
    await b.client.readMessages(page.messages.map((m) => m.id));
    const alarms = (await b.client.keyLog()).alarms;
    expect(alarms).toEqual([expect.objectContaining({ kind: 'fork', message: expect.stringContaining('The server shows different key histories to different people') })]);
    expect(b.events.some((e) => e.type === 'key_log' && e.keyLog.alarms.some((x) => x.kind === 'fork'))).toBe(true);
    await Promise.all([a.client.close(), b.client.close()]);
  });

  it('refuses a substituted key that has no entry, with the verdict, and raises the alarm', async () => {
    const [alice, bob] = await world.people('alice', 'bob');
    const malloryFingerprint = await fingerprint(MALLORY);
    world.proxy.rewrite = (x) =>
      x.method === 'GET' && new URL(x.path, 'http://x').pathname === `/users/${alice}` && x.status === 200
        ? { status: 200, json: { ...(x.json as object), publicKey: MALLORY, fingerprint: malloryFingerprint } }
        : undefined;
    const b = await world.signIn(bob!);
    const refused = await failure(b.client.send({ conversation: alice!, text: 'hi', id: b.client.newMessageId() }));
    expect(refused).toMatchObject({ code: 'tampered', message: expect.stringContaining(`The server's key log does not contain this key for ${alice}`) });
    expect((await b.client.keyLog()).alarms).toEqual([expect.objectContaining({ kind: 'missing_key', username: alice })]);
    await b.client.close();
  });
});
