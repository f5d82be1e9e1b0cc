// The LISTEN/NOTIFY bus against a real PostgreSQL (TEST_DATABASE_URL, e.g. through
// scripts/ci/with-postgres.sh). Each test gets its own database, so notifications cannot cross tests.
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import type { AnyMessageHeader as MessageHeader } from '../../core/protocol/schemas-v2.js';
import { freshDatabaseUrl, isPostgresUrl } from '../../test/support/database.js';
import { LISTENER_APPLICATION_NAME, NOTIFY_CHANNEL, PostgresBus, type MissedMessages } from './postgres-bus.js';

const serverUrl = process.env.TEST_DATABASE_URL;
const reason = 'needs TEST_DATABASE_URL=postgres://… (run through scripts/ci/with-postgres.sh)';

function header(seq: number, sender = 'alice', recipient = 'bob'): MessageHeader {
  const hex = seq.toString(16).padStart(12, '0');
  return { id: `00000000-0000-4000-8000-${hex}`, sender, recipient, format: 1, timestamp: '2026-11-25T20:55:01.123Z', seq };
}

/** Messages "in the database" as the bus's catch-up sees them. */
class FakeMessages implements MissedMessages {
  readonly committed: MessageHeader[] = [];
  async latestSeq(): Promise<number> {
    return this.committed.at(-1)?.seq ?? 0;
  }
  async headersAfter(seq: number, limit: number): Promise<MessageHeader[]> {
    return this.committed.filter((h) => h.seq > seq).slice(0, limit);
  }
}

/** Collects what a subscriber hears and lets a test wait for a given seq. */
class Heard {
  readonly seqs: number[] = [];
  private waiters: Array<{ seq: number; resolve: () => void }> = [];
  readonly listener = (h: MessageHeader): void => {
    this.seqs.push(h.seq);
    this.waiters = this.waiters.filter((w) => (w.seq === h.seq ? (w.resolve(), false) : true));
  };
  until(seq: number): Promise<void> {
    if (this.seqs.includes(seq)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ seq, resolve }));
  }
}

const open: Array<{ close(): Promise<unknown> }> = [];
afterEach(async () => {
  for (const thing of open.splice(0)) await thing.close();
});

async function bus(url: string, missed: MissedMessages = new FakeMessages()): Promise<PostgresBus> {
  const b = await PostgresBus.open({ url, missed, reconnectDelaysMs: [10, 50] });
  open.push(b);
  return b;
}

async function client(url: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  open.push({ close: () => c.end() });
  return c;
}

describe.skipIf(!isPostgresUrl(serverUrl))(`PostgresBus (LISTEN/NOTIFY) — skipped unless ${reason}`, () => {
  it('announces a message published on one instance to the other, and to its own subscribers once', async () => {
    const url = await freshDatabaseUrl();
    const a = await bus(url);
    const b = await bus(url);
    const heardA = new Heard();
    const heardB = new Heard();
    a.subscribe(heardA.listener);
    b.subscribe(heardB.listener);

    a.publish(header(1));
    await heardB.until(1);
    // B answers; A hearing it proves A's listening connection has already seen (and dropped) its own echo of 1.
    b.publish(header(2, 'bob', 'alice'));
    await heardA.until(2);

    expect(heardA.seqs).toEqual([1, 2]);
    expect(heardB.seqs).toEqual([1, 2]);
  });

  it('sends a batch published in one go as few notifications, and the other instance hears every header in order', async () => {
    const url = await freshDatabaseUrl();
    const a = await bus(url);
    const b = await bus(url);
    const heardB = new Heard();
    b.subscribe(heardB.listener);
    const admin = await client(url);
    const payloads: string[] = [];
    admin.on('notification', (n) => payloads.push(n.payload ?? ''));
    await admin.query(`LISTEN ${NOTIFY_CHANNEL}`);

    const batch = Array.from({ length: 120 }, (_, i) => header(i + 1, `user${i % 7}`, 'bob'));
    for (const h of batch) a.publish(h);
    await heardB.until(120);
    expect(heardB.seqs).toEqual(batch.map((h) => h.seq));
    // 120 headers of ~150 bytes fit in a few payloads under PostgreSQL's 8000-byte limit.
    await expect.poll(() => payloads.reduce((n, p) => n + (JSON.parse(p) as { headers: unknown[] }).headers.length, 0)).toBe(120);
    expect(payloads.length).toBeLessThan(10);
    for (const p of payloads) expect(Buffer.byteLength(p)).toBeLessThan(8000);
  });

  it('after losing its listening connection, reconnects and announces what it missed meanwhile', async () => {
    const url = await freshDatabaseUrl();
    const messages = new FakeMessages();
    messages.committed.push(header(1));
    const b = await bus(url, messages);
    const heard = new Heard();
    b.subscribe(heard.listener);

    const admin = await client(url);
    const killed = await admin.query<{ ok: boolean }>(
      'SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1',
      [LISTENER_APPLICATION_NAME],
    );
    expect(killed.rows).toEqual([{ ok: true }]);
    // Committed by another instance while B was deaf: no notification will ever reach B for it.
    messages.committed.push(header(2), header(3, 'carol', 'dave'));

    await heard.until(3);
    // Catch-up starts a margin below the highest seq seen, so 1 is announced again: harmless by design.
    expect(heard.seqs).toEqual([1, 2, 3]);
    await expect.poll(() => b.listening).toBe(true);

    // Listening again: a notification sent now arrives.
    const other = { origin: 'another-instance', headers: [header(4)] };
    await admin.query('SELECT pg_notify($1, $2)', [NOTIFY_CHANNEL, JSON.stringify(other)]);
    await heard.until(4);
    expect(heard.seqs).toEqual([1, 2, 3, 4]);
  });

  it('ignores notifications that are not a valid message header', async () => {
    const url = await freshDatabaseUrl();
    const b = await bus(url);
    const heard = new Heard();
    b.subscribe(heard.listener);
    const admin = await client(url);
    const malformed = [
      'not json',
      '{"origin":"x"}',
      JSON.stringify({ origin: 'x', headers: [] }),
      JSON.stringify({ origin: 'x', headers: [header(5), { ...header(6), seq: -1 }] }),
      JSON.stringify({ origin: 'x', header: header(7) }),
    ];
    for (const payload of malformed) await admin.query('SELECT pg_notify($1, $2)', [NOTIFY_CHANNEL, payload]);
    await admin.query('SELECT pg_notify($1, $2)', [NOTIFY_CHANNEL, JSON.stringify({ origin: 'x', headers: [header(8)] })]);
    await heard.until(8);
    expect(heard.seqs).toEqual([8]);
  });
});
