// 004 on a database filled by the v1 schema (migrations 001–003 only): every stored message reads back
// through the API byte for byte, now with `format: 1`, and the quota bookkeeping is untouched.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { b64, databaseAt, insertUsers } from '../../testing/old-database.js';
import { freshDatabaseUrl } from '../../../test/support/database.js';
import { call, startTestServer } from '../../testing/harness.js';
import * as initial from './001-initial.js';
import * as sentBytes from './002-sent-bytes.js';
import * as blocks from './003-blocks.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});


describe('migration 004-groups on a v1 database', () => {
  it('keeps every stored message readable, byte for byte, as format 1', async () => {
    const url = await freshDatabaseUrl();
    const old = await databaseAt(url, [initial, sentBytes, blocks]);
    const authHash = randomBytes(64);
    await insertUsers(old, ['alice', 'bob'], authHash, { tokenGeneration: 0, createdAt: 1 });
    const stored = [
      { sender: 'alice', recipient: 'bob' },
      { sender: 'bob', recipient: 'alice' },
      { sender: 'alice', recipient: 'alice' },
    ].map((m, i) => ({
      id: randomUUID(),
      ...m,
      timestamp: 1_764_000_000_000 + i,
      seq: i + 1,
      sessionKey: b64(512),
      senderSessionKey: b64(512),
      body: b64(100 + i),
      signature: b64(540),
    }));
    for (const m of stored) {
      await old.query(
        `INSERT INTO messages (seq, id, sender, recipient, timestamp, session_key, sender_session_key, body, signature) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        { replacements: [m.seq, m.id, m.sender, m.recipient, m.timestamp, m.sessionKey, m.senderSessionKey, m.body, m.signature] },
      );
      await old.query('INSERT INTO mailbox (username, seq, peer) VALUES (?, ?, ?)', { replacements: [m.sender, m.seq, m.recipient] });
      if (m.recipient !== m.sender) await old.query('INSERT INTO mailbox (username, seq, peer) VALUES (?, ?, ?)', { replacements: [m.recipient, m.seq, m.sender] });
    }
    await old.close();

    const server = await startTestServer({ databaseUrl: url });
    cleanups.push(() => server.close());
    const login = await call(server.url, 'POST', '/login', { body: { username: 'alice', authHash: authHash.toString('base64') } });
    expect(login.status).toBe(200);
    const token = login.body.token as string;
    const expected = stored.map(({ timestamp, ...m }) => ({
      id: m.id,
      sender: m.sender,
      recipient: m.recipient,
      format: 1,
      timestamp: new Date(timestamp).toISOString(),
      seq: m.seq,
      sessionKey: m.sessionKey,
      senderSessionKey: m.senderSessionKey,
      body: m.body,
      signature: m.signature,
    }));
    const full = await call(server.url, 'GET', '/messages?full=1', { token });
    expect(full.status).toBe(200);
    expect(full.text).toBe(JSON.stringify({ messages: expected }));
    for (const record of expected) {
      const one = await call(server.url, 'GET', `/messages/${record.id}`, { token });
      expect(one.text).toBe(JSON.stringify(record));
    }
    const peer = await call(server.url, 'GET', '/messages?peer=bob', { token });
    expect(peer.body.messages.map((m: { seq: number }) => m.seq)).toEqual([1, 2]);
    // New messages go on after the old ones.
    const next = await call(server.url, 'POST', '/messages', {
      token,
      body: { id: randomUUID(), recipient: 'bob', sessionKey: b64(512), senderSessionKey: b64(512), body: b64(60), signature: b64(540) },
    });
    expect(next.status).toBe(201);
    expect(next.body.seq).toBe(4);
  });
});
