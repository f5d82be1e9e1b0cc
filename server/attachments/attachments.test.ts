// POST/GET /attachments and attachments on messages over a real server: limits (413 mid-stream), quota,
// Range, access rules, 400s on POST /messages, deletion, account deletion and the expiry sweep.
import { randomBytes, randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../db/database.js';
import { call, groupOutgoing, outgoing, register, startTestServer, type TestUser } from '../testing/harness.js';
import { attachmentDirFor } from './location.js';
import { chunkedUpload, download, sha512, upload } from './attachments-fixture.js';
import { until } from '../../core/test-fixtures/waiting.js';

const LIMIT = 64 * 1024; // one chunk: the largest blob is 65564 bytes
let server: Awaited<ReturnType<typeof startTestServer>>;
let db: Database;
let dir: string;
let alice: TestUser, bob: TestUser, carol: TestUser;

beforeAll(async () => {
  server = await startTestServer({ sendsPerMinute: 0, attachmentLimitBytes: LIMIT, attachmentQuotaBytes: 200_000, attachmentSweepSeconds: 1 });
  db = await openDatabase(server.config.databaseUrl);
  dir = attachmentDirFor(server.config);
  [alice, bob, carol] = [await register(server.url, 'alice'), await register(server.url, 'bob'), await register(server.url, 'carol')];
});
afterAll(async () => {
  await db.close();
  await server.close();
});

describe('POST /attachments', () => {
  it('stores a blob and answers its id, size and SHA-512; reads back with Content-Length, nosniff and Range', async () => {
    const blob = randomBytes(1000);
    const up = await upload(server.url, alice.token, blob);
    expect(up.status).toBe(201);
    expect(up.body).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), size: 1000, digest: sha512(blob) });
    const whole = await download(server.url, alice.token, up.body.id);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-length')).toBe('1000');
    expect(whole.headers.get('content-type')).toBe('application/octet-stream');
    expect(whole.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(whole.bytes).equals(blob)).toBe(true);
    const part = await download(server.url, alice.token, up.body.id, { range: 'bytes=10-19' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 10-19/1000');
    expect(Buffer.from(part.bytes).equals(blob.subarray(10, 20))).toBe(true);
    const tail = await download(server.url, alice.token, up.body.id, { range: 'bytes=-5' });
    expect(Buffer.from(tail.bytes).equals(blob.subarray(995))).toBe(true);
    const outside = await download(server.url, alice.token, up.body.id, { range: 'bytes=1000-2000' });
    expect(outside.status).toBe(416);
    expect(outside.headers.get('content-range')).toBe('bytes */1000');
    const several = await download(server.url, alice.token, up.body.id, { range: 'bytes=0-1,5-6' });
    expect(several.status).toBe(200);
    expect(several.bytes.length).toBe(1000);
  });

  it('takes the largest blob of ATTACHMENT_LIMIT and refuses one byte more (413 too_large)', async () => {
    expect((await upload(server.url, bob.token, randomBytes(LIMIT + 28))).status).toBe(201);
    const over = await upload(server.url, bob.token, randomBytes(LIMIT + 29));
    expect(over.status).toBe(413);
    expect(over.body.error.code).toBe('too_large');
  });

  it('stops a chunked body mid-stream once it is too large, without reading it all, and keeps nothing', async () => {
    const before = readdirSync(dir).length;
    const sending = chunkedUpload(server.url, carol.token, 200 * 1024 * 1024);
    const answer = await sending.answer;
    sending.stop();
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).error.code).toBe('too_large');
    expect(sending.written()).toBeLessThan(50 * 1024 * 1024);
    expect(readdirSync(dir).length).toBe(before);
  });

  it('refuses past ATTACHMENT_QUOTA with 413 quota_exceeded, before and while streaming', async () => {
    const user = await register(server.url, 'quota_user');
    for (let i = 0; i < 3; i++) expect((await upload(server.url, user.token, randomBytes(60_000))).status).toBe(201);
    const declared = await upload(server.url, user.token, randomBytes(30_000));
    expect(declared.status).toBe(413);
    expect(declared.body.error.code).toBe('quota_exceeded');
    const streamed = chunkedUpload(server.url, user.token, 60_000, 4096);
    const answer = await streamed.answer;
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).error.code).toBe('quota_exceeded');
    expect((await upload(server.url, user.token, randomBytes(20_000))).status).toBe(201);
  });

  it('refuses another content type (415)', async () => {
    expect((await upload(server.url, alice.token, randomBytes(100), { 'content-type': 'text/plain' })).status).toBe(415);
  });
});

describe('access and messages', () => {
  it('lets the uploader and the participants read it, nobody else; deleting the message erases it', async () => {
    const blob = randomBytes(500);
    const { id } = (await upload(server.url, alice.token, blob)).body;
    expect((await download(server.url, bob.token, id)).status).toBe(404);
    const message = { ...outgoing('bob'), format: 2, attachments: [id] };
    const sent = await call(server.url, 'POST', '/messages', { token: alice.token, body: message });
    expect(sent.status).toBe(201);
    expect(sent.body.attachments).toEqual([id]);
    expect((await call(server.url, 'GET', `/messages/${message.id}`, { token: bob.token })).body.attachments).toEqual([id]);
    const full = await call(server.url, 'GET', '/messages?full=1&peer=alice', { token: bob.token });
    expect(full.body.messages.find((m: { id: string }) => m.id === message.id).attachments).toEqual([id]);
    expect((await call(server.url, 'POST', '/messages', { token: alice.token, body: message })).status).toBe(200);
    expect((await call(server.url, 'POST', '/messages', { token: alice.token, body: { ...message, attachments: [] } })).status).toBe(409);
    expect((await download(server.url, bob.token, id)).status).toBe(200);
    expect((await download(server.url, carol.token, id)).status).toBe(404);

    // A second message naming the same blob does not keep it: a deleted message's blobs answer 404 to everyone.
    expect((await call(server.url, 'POST', '/messages', { token: alice.token, body: { ...outgoing('bob'), format: 2, attachments: [id] } })).status).toBe(201);
    expect((await call(server.url, 'DELETE', `/messages/${message.id}`, { token: alice.token })).status).toBe(204);
    for (const user of [alice, bob]) expect((await download(server.url, user.token, id)).status).toBe(404);
    await until(async () => !readdirSync(dir).includes(id), 'the sweep to remove the bytes');
  });

  it('lets a group recipient read it', async () => {
    const group = await call(server.url, 'POST', '/groups', { token: alice.token, body: { id: randomUUID(), members: ['bob', 'carol'] } });
    expect(group.status).toBe(201);
    const { id } = (await upload(server.url, alice.token, randomBytes(300))).body;
    const sent = await call(server.url, 'POST', '/messages', { token: alice.token, body: { ...groupOutgoing(group.body.id, ['bob', 'carol']), attachments: [id] } });
    expect(sent.status).toBe(201);
    expect((await download(server.url, carol.token, id)).status).toBe(200);
  });

  it('refuses 11 ids, another user’s upload and an unknown id with 400', async () => {
    const own = (await upload(server.url, alice.token, randomBytes(100))).body.id as string;
    const bobs = (await upload(server.url, bob.token, randomBytes(100))).body.id as string;
    const cases = [Array.from({ length: 11 }, () => randomUUID()), [own, bobs], [randomUUID()]];
    for (const attachments of cases) {
      const reply = await call(server.url, 'POST', '/messages', { token: alice.token, body: { ...outgoing('bob'), attachments } });
      expect(reply.status).toBe(400);
      expect(reply.body.error.message).toMatch(/attachments/);
    }
  });

  it('erases an unnamed blob 24 h after its upload, keeps a named one, and erases a deleted account’s', async () => {
    const unnamed = (await upload(server.url, alice.token, randomBytes(100))).body.id as string;
    const named = (await upload(server.url, alice.token, randomBytes(100))).body.id as string;
    expect((await call(server.url, 'POST', '/messages', { token: alice.token, body: { ...outgoing('bob'), attachments: [named] } })).status).toBe(201);
    await db.sequelize.query('UPDATE attachments SET created_at = created_at - 90000000 WHERE id IN (:ids)', { replacements: { ids: [unnamed, named] } });
    await until(async () => (await download(server.url, alice.token, unnamed)).status === 404, 'expiry');
    expect((await download(server.url, bob.token, named)).status).toBe(200);
    await until(async () => !readdirSync(dir).includes(unnamed), 'the expired bytes to go');

    const leaving = await register(server.url, 'leaving_user');
    const theirs = (await upload(server.url, leaving.token, randomBytes(100))).body.id as string;
    expect((await call(server.url, 'DELETE', '/users/leaving_user', { token: leaving.token, body: { authHash: leaving.authHash } })).status).toBe(204);
    await until(async () => !readdirSync(dir).includes(theirs), 'the deleted account’s bytes to go');
  });
});
