// Moving a server's data: a SQLite database filled through the real server is copied into a fresh
// database (PostgreSQL when TEST_DATABASE_URL is set, else another SQLite file), and a server on the copy
// answers exactly as the old one did: same logins, same tokens, same messages and seqs.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freshDatabaseUrl } from '../../test/support/database.js';
import { adminOk } from '../admin/admin-run.fixture.js';
import { download, upload } from '../attachments/attachments-fixture.js';
import { call, groupOutgoing, outgoing, register, startTestServer } from '../testing/harness.js';
import { headOf, waitForHead } from '../testing/key-log.js';
import { copyDatabase, CopyError } from './copy-database.js';

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

function sqliteUrl(): string {
  return `sqlite:${path.join(mkdtempSync(path.join(os.tmpdir(), 'chat-copy-')), 'chat.sqlite')}`;
}

// One blob folder for the old server and the new: the copy moves the records, the operator the files.
const attachmentDir = mkdtempSync(path.join(os.tmpdir(), 'chat-copy-blobs-'));

async function serverOn(databaseUrl: string) {
  const server = await startTestServer({ databaseUrl, attachmentDir });
  stops.push(() => server.close());
  return server;
}

describe('copyDatabase', () => {
  it('moves users, messages and the token secret so that the new server answers as the old one', async () => {
    const from = sqliteUrl();
    const old = await serverOn(from);
    const alice = await register(old.url, 'alice');
    const bob = await register(old.url, 'bob');
    for (let i = 0; i < 3; i++) {
      expect((await call(old.url, 'POST', '/messages', { token: alice.token, body: outgoing('bob') })).status).toBe(201);
    }
    expect((await call(old.url, 'POST', '/messages', { token: bob.token, body: outgoing('alice') })).status).toBe(201);
    // v2: a group, a group message with its wrapped key, and an erased message.
    const group = await call(old.url, 'POST', '/groups', { token: alice.token, body: { id: '3b8f0e2a-5c71-4d9e-a6b4-1f2e3d4c5b6a', members: ['bob'] } });
    expect(group.status).toBe(201);
    expect((await call(old.url, 'POST', '/messages', { token: bob.token, body: groupOutgoing(group.body.id, ['alice']) })).status).toBe(201);
    const erased = outgoing('alice');
    expect((await call(old.url, 'POST', '/messages', { token: bob.token, body: erased })).status).toBe(201);
    expect((await call(old.url, 'DELETE', `/messages/${erased.id}`, { token: bob.token })).status).toBe(204);
    // An attachment named by a message: its record, its link and its bytes must all be there afterwards.
    const blob = new Uint8Array(300).fill(7);
    const uploaded = await upload(old.url, alice.token, blob);
    expect(uploaded.status).toBe(201);
    expect((await call(old.url, 'POST', '/messages', { token: alice.token, body: { ...outgoing('bob'), format: 2, attachments: [uploaded.body.id] } })).status).toBe(201);
    const groupsBefore = await call(old.url, 'GET', '/groups', { token: bob.token });
    // A sealed account state (bytes the server cannot read) and its version.
    expect((await call(old.url, 'PUT', '/account/state', { token: bob.token, body: { state: Buffer.from('sealed read positions').toString('base64'), version: 0 } })).status).toBe(200);
    const stateBefore = await call(old.url, 'GET', '/account/state', { token: bob.token });
    const before = await call(old.url, 'GET', '/messages?full=1', { token: bob.token });
    // Logging out ends alice's session: the copy must keep that token refused.
    expect((await call(old.url, 'POST', '/logout', { token: alice.token, body: {} })).status).toBe(204);
    // The operator's marks and settings: a disabled account, a revoked invite, the retention.
    const carol = await register(old.url, 'carol');
    await adminOk(from, ['users', 'disable', 'carol']);
    const [invite] = await adminOk(from, ['invites', 'create']);
    await adminOk(from, ['invites', 'revoke', /id ([0-9a-f]+)$/.exec(invite!)![1]!]);
    await adminOk(from, ['purge', '--older-than', '365d']);
    // The key log: three key entries, its key and its newest signed head.
    const logKeyBefore = await call(old.url, 'GET', '/keylog/key', { token: bob.token });
    const headBefore = await waitForHead(old.url, 3, bob.token);
    await stops.pop()!();

    const to = await freshDatabaseUrl();
    expect(await copyDatabase(from, to)).toEqual({
      users: 3,
      messages: 7,
      mailbox: 14,
      serverSecrets: 1,
      blocks: 0,
      groups: 1,
      groupMembers: 2,
      messageKeys: 1,
      sessions: 1,
      recoveryCodes: 0,
      invites: 1,
      serverSettings: 1,
      keyLogEntries: 3,
      keyLogNodes: 4,
      keyLogState: 1,
      keyLogHeads: expect.any(Number),
      keyLogKey: 1,
      accountStates: 1,
      attachments: 1,
      messageAttachments: 1,
    });

    const moved = await serverOn(to);
    expect((await call(moved.url, 'GET', '/keylog/key', { token: bob.token })).body).toEqual(logKeyBefore.body);
    expect(await headOf(moved.url, bob.token)).toEqual(headBefore);
    const after = await call(moved.url, 'GET', '/messages?full=1', { token: bob.token });
    expect(after.status).toBe(200);
    expect(after.body).toEqual(before.body);
    expect((await call(moved.url, 'GET', '/groups', { token: bob.token })).body).toEqual(groupsBefore.body);
    expect((await call(moved.url, 'GET', '/account/state', { token: bob.token })).body).toEqual(stateBefore.body);
    const fetched = await download(moved.url, bob.token, uploaded.body.id);
    expect(fetched.status).toBe(200);
    expect(fetched.bytes).toEqual(blob);
    expect((await call(moved.url, 'GET', '/messages', { token: alice.token })).status).toBe(401);
    const login = await call(moved.url, 'POST', '/login', { body: { username: 'alice', authHash: alice.authHash } });
    expect(login.status).toBe(200);
    const refused = await call(moved.url, 'POST', '/login', { body: { username: 'carol', authHash: carol.authHash } });
    expect(refused.status).toBe(403);
    expect((await call(moved.url, 'GET', '/health')).body.retention).toEqual({ days: 365, purgedAt: expect.any(Number) });
    expect((await adminOk(to, ['invites', 'list']))[1]).toMatch(/ revoked \d{4}-/);
    // New messages continue the old numbering.
    const next = await call(moved.url, 'POST', '/messages', { token: login.body.token, body: outgoing('bob') });
    expect(next.body.seq).toBe(8);
  });

  it('refuses a target that already holds data and leaves it as it was', async () => {
    const from = sqliteUrl();
    const source = await serverOn(from);
    await register(source.url, 'carol');
    await stops.pop()!();
    const to = await freshDatabaseUrl();
    const existing = await serverOn(to);
    const dave = await register(existing.url, 'dave');
    await stops.pop()!();

    await expect(copyDatabase(from, to)).rejects.toThrow(CopyError);
    await expect(copyDatabase(from, to)).rejects.toThrow('the target database already has users; copy only into an empty database');

    const again = await serverOn(to);
    expect((await call(again.url, 'GET', '/users', { token: dave.token })).body.users.map((u: { username: string }) => u.username)).toEqual(['dave']);
    expect((await call(again.url, 'GET', '/messages', { token: dave.token })).status).toBe(200);
  });
});
