// Many senders at once: every 201 is stored exactly once, seq strictly increases in commit order, and
// paging with `after` sees every message exactly once — also while sends are still landing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, outgoing, register, startTestServer, type TestUser } from '../testing/harness.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
let url: string;
const users: TestUser[] = [];

beforeAll(async () => {
  server = await startTestServer();
  url = server.url;
  for (let i = 0; i < 8; i++) users.push(await register(url, `user_${i}`));
});
afterAll(() => server.close());

async function pageAll(user: TestUser, limit: number): Promise<{ id: string; seq: number }[]> {
  const seen: { id: string; seq: number }[] = [];
  let after = 0;
  for (;;) {
    const reply = await call(url, 'GET', `/messages?after=${after}&limit=${limit}`, { token: user.token });
    expect(reply.status).toBe(200);
    const page = reply.body.messages as { id: string; seq: number }[];
    seen.push(...page);
    if (page.length < limit) return seen;
    after = page[page.length - 1]!.seq;
  }
}

describe('parallel senders', () => {
  it('stores every answered message once, with strictly increasing seq, and paging sees each once', async () => {
    const perUser = 40;
    const accepted = new Map<string, { sender: string; recipient: string; seq: number }>();
    // A reader pages user_0's mailbox while the sends land: it must never miss or repeat one.
    const observed: { id: string; seq: number }[] = [];
    let sending = true;
    const watcher = (async () => {
      let after = 0;
      while (sending) {
        const page = (await call(url, 'GET', `/messages?after=${after}&limit=7`, { token: users[0]!.token })).body.messages as {
          id: string;
          seq: number;
        }[];
        observed.push(...page);
        if (page.length > 0) after = page[page.length - 1]!.seq;
      }
      observed.push(...(await pageAll(users[0]!, 1000)).filter((m) => m.seq > after));
    })();
    await Promise.all(
      users.map(async (user, u) => {
        for (let batch = 0; batch < perUser; batch += 10) {
          const sends = Array.from({ length: 10 }, (_, i) => {
            const recipient = users[(u + i + batch) % users.length]!.username;
            const message = outgoing(recipient);
            return call(url, 'POST', '/messages', { token: user.token, body: message }).then((reply) => {
              expect(reply.status).toBe(201);
              accepted.set(message.id, { sender: user.username, recipient, seq: reply.body.seq as number });
            });
          });
          await Promise.all(sends);
        }
      }),
    );
    sending = false;
    await watcher;

    expect(accepted.size).toBe(users.length * perUser);
    const allSeqs = [...accepted.values()].map((m) => m.seq);
    expect(new Set(allSeqs).size).toBe(allSeqs.length);

    for (const user of users) {
      const mine = [...accepted].filter(([, m]) => m.sender === user.username || m.recipient === user.username);
      for (const limit of [1000, 13]) {
        const paged = await pageAll(user, limit);
        expect(paged.map((m) => m.id).sort()).toEqual(mine.map(([id]) => id).sort());
        const seqs = paged.map((m) => m.seq);
        for (let i = 1; i < seqs.length; i++) expect(seqs[i]!).toBeGreaterThan(seqs[i - 1]!);
      }
    }
    const ids = observed.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    const forUser0 = [...accepted].filter(([, m]) => m.sender === 'user_0' || m.recipient === 'user_0').map(([id]) => id);
    expect([...ids].sort()).toEqual(forUser0.sort());
  });

  it('answers concurrent retries of one message with one 201 and 200s, stored once', async () => {
    const message = outgoing('user_1');
    const replies = await Promise.all(Array.from({ length: 20 }, () => call(url, 'POST', '/messages', { token: users[0]!.token, body: message })));
    const statuses = replies.map((r) => r.status).sort();
    expect(statuses).toEqual([200, ...Array(18).fill(200), 201].sort());
    expect(new Set(replies.map((r) => r.body.seq)).size).toBe(1);
    const stored = (await pageAll(users[1]!, 1000)).filter((m) => m.id === message.id);
    expect(stored).toHaveLength(1);
  });
});
