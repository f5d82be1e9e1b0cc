// lastSeenAt is written at most once a minute per session, never on every request: the authenticator over a
// counting session store and a clock the test moves.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { describe, expect, it } from 'vitest';
import { createAuthenticator } from './authenticate.js';
import { LAST_SEEN_INTERVAL_MS, type SessionHolder, type SessionLookup } from './sessions.js';
import { TokenSigner } from './tokens.js';

describe('lastSeenAt writes', () => {
  it('writes once per minute per session, however many requests arrive', async () => {
    const start = Date.UTC(2026, 10, 25, 12, 0, 0);
    let now = start;
    const signer = new TokenSigner(randomBytes(64), 3_600_000);
    const rows = new Map<string, SessionHolder>();
    const writes: string[] = [];
    const store: SessionLookup = {
      find: async (id) => {
        const row = rows.get(id);
        return row ? { ...row } : undefined;
      },
      touch: async (id, at) => {
        writes.push(id);
        rows.get(id)!.lastSeenAt = at;
      },
    };
    const ids = [randomUUID(), randomUUID()];
    for (const id of ids) rows.set(id, { id, username: 'alice', generation: 0, lastSeenAt: start });
    const auth = createAuthenticator(signer, store, () => now);
    const request = async (id: string) => {
      const res = { locals: {}, setHeader: () => undefined } as unknown as Response;
      const req = { headers: { authorization: `Bearer ${signer.issue('alice', id, 0, now)}` } } as unknown as Request;
      await auth.optional(req, res, () => undefined);
    };
    // 1000 requests per session over the first 59.9 s: no write at all.
    for (let i = 0; i < 1000; i++) {
      now = start + Math.floor((i * (LAST_SEEN_INTERVAL_MS - 100)) / 1000);
      for (const id of ids) await request(id);
    }
    expect(writes).toEqual([]);
    // Over the next five minutes, a request every second: one write per session per minute.
    for (let s = 60; s < 360; s++) {
      now = start + s * 1000;
      for (const id of ids) await request(id);
    }
    expect(writes.filter((id) => id === ids[0])).toHaveLength(5);
    expect(writes.filter((id) => id === ids[1])).toHaveLength(5);
    expect(rows.get(ids[0]!)!.lastSeenAt).toBe(start + 300_000);
  });
});
