// 005 on a database made by migrations 001–004 and filled the old way: users, a direct message and a group
// survive it intact, accounts sign in (a new session each), and tokens of the v1 form are ended cleanly.
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { b64, databaseAt, insertUsers } from '../../testing/old-database.js';
import { freshDatabaseUrl } from '../../../test/support/database.js';
import { call, startTestServer } from '../../testing/harness.js';
import { loadTokenSecret } from '../../auth/tokens.js';
import * as initial from './001-initial.js';
import * as sentBytes from './002-sent-bytes.js';
import * as blocks from './003-blocks.js';
import * as groups from './004-groups.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});


describe('migration 005-accounts on a database of migrations 001–004', () => {
  it('keeps users, messages and groups; v1 tokens are ended; sign-in starts sessions', async () => {
    const url = await freshDatabaseUrl();
    const old = await databaseAt(url, [initial, sentBytes, blocks, groups]);
    const authHash = randomBytes(64);
    await insertUsers(old, ['alice', 'bob'], authHash, { tokenGeneration: 3, createdAt: 1764000000000 });
    const message = { id: randomUUID(), sessionKey: b64(512), senderSessionKey: b64(512), body: b64(100), signature: b64(540) };
    await old.query(
      `INSERT INTO messages (seq, id, sender, recipient, timestamp, session_key, sender_session_key, body, signature, format) VALUES (1, ?, 'alice', 'bob', 1764000000001, ?, ?, ?, ?, 1)`,
      { replacements: [message.id, message.sessionKey, message.senderSessionKey, message.body, message.signature] },
    );
    await old.query(`INSERT INTO mailbox (username, seq, peer) VALUES ('alice', 1, 'bob'), ('bob', 1, 'alice')`);
    const groupId = randomUUID();
    await old.query('INSERT INTO groups (id, owner, created_at, version) VALUES (?, ?, 1764000000002, 1)', { replacements: [groupId, 'alice'] });
    await old.query(`INSERT INTO group_members (group_id, username, joined_version, joined_at) VALUES (?, 'alice', 1, 1), (?, 'bob', 1, 1)`, {
      replacements: [groupId, groupId],
    });
    // A token the v1 server handed out (generation 3 matches the row): ended by the upgrade.
    const secret = await loadTokenSecret(old);
    const payload = `v1.alice.${Date.now()}.3`;
    const v1Token = `${payload}.${createHmac('sha512', secret).update(payload).digest('base64url')}`;
    await old.close();

    const server = await startTestServer({ databaseUrl: url });
    cleanups.push(() => server.close());
    const refused = await call(server.url, 'GET', '/messages', { token: v1Token });
    expect(refused.status).toBe(401);
    expect(refused.body.error.message).toMatch(/log in again/);

    const login = await call(server.url, 'POST', '/login', { body: { username: 'alice', authHash: authHash.toString('base64'), device: 'Upgraded' } });
    expect(login.status).toBe(200);
    const token = login.body.token as string;
    const one = await call(server.url, 'GET', `/messages/${message.id}`, { token });
    expect(one.body).toEqual({ ...message, sender: 'alice', recipient: 'bob', format: 1, timestamp: new Date(1764000000001).toISOString(), seq: 1 });
    const group = await call(server.url, 'GET', `/groups/${groupId}`, { token });
    expect(group.body).toMatchObject({ members: ['alice', 'bob'], owner: 'alice', version: 1 });
    const sessions = await call(server.url, 'GET', '/sessions', { token });
    expect(sessions.body.sessions).toEqual([expect.objectContaining({ device: 'Upgraded', current: true })]);
    const me = await call(server.url, 'GET', '/users/alice', { token });
    expect(me.body).toMatchObject({ username: 'alice', createdAt: new Date(1764000000000).toISOString(), recovery: null });
  });
});
