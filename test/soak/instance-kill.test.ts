// Node: one of two server instances over one PostgreSQL database is killed with SIGKILL in the middle of 60 s of
// continuous sending by six real ChatClients behind a round-robin proxy, and started again: every answered
// message is stored exactly once, every client's live stream comes back, and every message reaches its
// recipient (and its sender's own client) exactly once, by id. Run by `npm run test:soak` and, under CI=true,
// by `npm test` (test/soak/vitest.config.ts); needs TEST_DATABASE_URL (scripts/ci/with-postgres.sh).
import { afterAll, describe, expect, it } from 'vitest';
import { until } from '../../core/test-fixtures/waiting.js';
import { isPostgresUrl, freshDatabaseUrl } from '../support/database.js';
import { sleep } from './chat-load.js';
import { SoakCluster } from './soak-cluster.js';
import { checkStored } from './stored-messages.js';

const RUN_MS = 60_000;
const KILL_AFTER_MS = 20_000;
const USERS = 6;

describe.skipIf(!isPostgresUrl(process.env.TEST_DATABASE_URL))('an instance killed with SIGKILL under load (needs TEST_DATABASE_URL=postgres://…)', () => {
  const cluster = new SoakCluster();
  const { load } = cluster;

  afterAll(() => cluster.stop());

  it('loses no answered message, duplicates none, and every stream reconnects', async () => {
    const databaseUrl = await freshDatabaseUrl();
    await cluster.start(databaseUrl, USERS, 'kill_');
    const { proxy } = cluster;

    const started = Date.now();
    load.start();
    await sleep(KILL_AFTER_MS);
    // The instance holding the most live streams, so that the kill cuts some for certain.
    const streams = proxy.eventStreams();
    const victim = streams[1]! > streams[0]! ? 1 : 0;
    const cut = streams[victim]!;
    const killedAt = Date.now();
    await cluster.instances[victim]!.kill();
    // Started again on the same port, as a supervisor would; meanwhile the proxy hands everything to the other.
    await cluster.restart(victim);
    const backAt = Date.now();
    await sleep(Math.max(0, started + RUN_MS - Date.now()));
    await load.stop();
    const stoppedAt = Date.now();
    await load.delivered(60_000);
    await until(() => load.users.every((u) => u.online), 'every stream online');

    const stored = await checkStored(databaseUrl, load.acked, load.users.map((u) => u.name));
    const counts = load.deliveryCounts();
    const outages = load.users.flatMap((u) => u.outages.filter(([lost]) => lost >= killedAt));
    const figures = {
      sent: load.acked.size,
      answered: load.acked.size,
      failedAttempts: load.failures.length,
      failureKinds: [...new Set(load.failures.map((f) => f.code))],
      stored: stored.stored,
      deliveredToRecipients: counts.deliveries,
      streamsCut: cut,
      streamsReconnected: outages.filter(([, back]) => back !== null).length,
      longestStreamOutageMs: Math.max(0, ...outages.map(([lost, back]) => (back ?? Date.now()) - lost)),
      instanceDownMs: backAt - killedAt,
      longestSendSilenceMs: load.longestSilence(started, stoppedAt),
      proxyRefused: proxy.refused,
      eventsNotRecordedAtOnce: load.users.reduce((n, u) => n + u.notes.filter((note) => /could not be recorded/.test(note)).length, 0),
      runMs: stoppedAt - started,
    };
    console.log(`instance-kill soak: ${JSON.stringify(figures)}`);

    expect(load.acked.size).toBeGreaterThan(100);
    expect(stored.missing).toEqual([]);
    expect(stored.duplicated).toEqual([]);
    expect(stored.unanswered).toEqual([]);
    expect(stored.badMailbox).toEqual([]);
    expect(stored.stored).toBe(load.acked.size);
    expect(counts.duplicates).toEqual([]);
    expect(counts.unexpected).toEqual([]);
    expect(counts.deliveries).toBe(load.acked.size);
    // The streams on the killed instance went offline and came back; none is still out.
    expect(cut).toBeGreaterThan(0);
    expect(outages.length).toBeGreaterThanOrEqual(cut);
    expect(outages.every(([, back]) => back !== null)).toBe(true);
    // Only the network failures of the kill: never a refusal or an error the server made.
    expect(load.failures.every((f) => f.code === 'server_unreachable' || /HTTP 503/.test(f.message))).toBe(true);
  }, 240_000);
});
