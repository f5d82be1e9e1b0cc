// kill -9 during a stream of sends, then a restart over the same database: every message that was
// answered 201 or 200 is there, intact. Also two server processes over one SQLite file at once.
import { describe, expect, it } from 'vitest';
import { startServerProcess } from '../../test/support/server-process.js';
import { call, outgoing, registration } from '../testing/harness.js';

type Sent = ReturnType<typeof outgoing>;

async function registerAt(url: string, username: string): Promise<{ username: string; token: string; authHash: string }> {
  const body = registration(username);
  const reply = await call(url, 'POST', '/users', { body });
  expect(reply.status).toBe(201);
  return { username, token: reply.body.token, authHash: body.authHash };
}

describe('crash safety', () => {
  it('keeps every answered message across kill -9', async () => {
    // Hundreds of sends from one user within seconds: no send limit here.
    const first = await startServerProcess({ env: { SENDS_PER_MINUTE: '0' } });
    const alice = await registerAt(first.url, 'alice');
    await registerAt(first.url, 'bob');
    const answered = new Map<string, { message: Sent; seq: number; timestamp: string }>();
    const unanswered: Sent[] = [];
    let killed = false;
    const sender = async () => {
      while (!killed) {
        const message = outgoing('bob');
        try {
          const reply = await call(first.url, 'POST', '/messages', { token: alice.token, body: message });
          if (reply.status === 201 || reply.status === 200) answered.set(message.id, { message, seq: reply.body.seq, timestamp: reply.body.timestamp });
          else unanswered.push(message);
        } catch {
          unanswered.push(message);
        }
      }
    };
    const senders = Array.from({ length: 6 }, sender);
    while (answered.size < 200) await new Promise((r) => setTimeout(r, 10));
    await first.kill();
    killed = true;
    await Promise.all(senders);

    const second = await startServerProcess({ databaseUrl: first.databaseUrl });
    try {
      const login = await call(second.url, 'POST', '/login', { body: { username: 'alice', authHash: alice.authHash } });
      expect(login.status).toBe(200);
      const token = login.body.token as string;
      for (const [id, { message, seq, timestamp }] of answered) {
        const stored = await call(second.url, 'GET', `/messages/${id}`, { token });
        expect(stored.status).toBe(200);
        expect(stored.body).toEqual({ ...message, sender: 'alice', format: 1, seq, timestamp });
      }
      // A message whose answer was lost can be sent again safely: stored before (200) or now (201).
      for (const message of unanswered) {
        const retry = await call(second.url, 'POST', '/messages', { token, body: message });
        expect([200, 201]).toContain(retry.status);
      }
      const next = await call(second.url, 'POST', '/messages', { token, body: outgoing('bob') });
      expect(next.body.seq).toBeGreaterThan(Math.max(...[...answered.values()].map((a) => a.seq)));
    } finally {
      await second.stop();
    }
  });

  it('two processes over one SQLite file hand out unique, increasing seqs', async () => {
    const one = await startServerProcess();
    const two = await startServerProcess({ databaseUrl: one.databaseUrl });
    try {
      const alice = await registerAt(one.url, 'alice');
      const bob = await registerAt(two.url, 'bob');
      const results = await Promise.all(
        Array.from({ length: 60 }, (_, i) => {
          const [url, user, to] = i % 2 ? [one.url, alice, 'bob'] : [two.url, bob, 'alice'];
          return call(url, 'POST', '/messages', { token: user.token, body: outgoing(to) });
        }),
      );
      expect(results.every((r) => r.status === 201)).toBe(true);
      const seqs = results.map((r) => r.body.seq as number);
      expect(new Set(seqs).size).toBe(60);
      const listed = await call(two.url, 'GET', '/messages?limit=1000', { token: alice.token });
      expect(listed.body.messages.map((m: { seq: number }) => m.seq)).toEqual([...seqs].sort((a, b) => a - b));
    } finally {
      await Promise.all([one.stop(), two.stop()]);
    }
  });
});
