// Node: PostgreSQL itself stops for a few seconds and starts again in the middle of 60 s of continuous sending
// by six real ChatClients over two instances behind a round-robin proxy. While it is away every request that
// needs it is answered 503 `unavailable` at once (never 500, never a hang); no answered message is lost or
// duplicated; the clients' retries carry on by themselves once it is back, and every message reaches its
// recipient exactly once. The cluster is this test's own (scripts/ci/postgres.sh in a temporary directory),
// so nothing else running is cut off. Run by `npm run test:soak` and, under CI=true, by `npm test`.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { until } from '../../core/test-fixtures/waiting.js';
import { call, outgoing, register } from '../../server/testing/harness.js';
import { createPostgresDatabase, isPostgresUrl } from '../support/database.js';
import { sleep } from './chat-load.js';
import { SoakCluster } from './soak-cluster.js';
import { checkStored } from './stored-messages.js';

const RUN_MS = 60_000;
const STOP_AFTER_MS = 20_000;
const DOWN_MS = 8_000;
const USERS = 6;
/** An answer slower than this while the database is away counts as a hang. */
const ANSWER_WITHIN_MS = 10_000;

const postgresScript = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../scripts/ci/postgres.sh');
const run = promisify(execFile);
const cluster = (command: 'start' | 'stop' | 'restart' | 'remove', dir: string) => run('bash', [postgresScript, command, dir]);

interface Probe {
  status: number;
  code: string | undefined;
  message: string | undefined;
  ms: number;
}

describe.skipIf(!isPostgresUrl(process.env.TEST_DATABASE_URL))('PostgreSQL restarted under load (needs PostgreSQL: run through scripts/ci/with-postgres.sh)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'chat-soak-pg-'));
  const soak = new SoakCluster();
  const { load, instances } = soak;

  afterAll(async () => {
    await soak.stop();
    await cluster('remove', dir);
  });

  it('answers 503 while it is away, loses and duplicates nothing, and resumes by itself', async () => {
    const { stdout } = await cluster('start', dir);
    const serverUrl = stdout.trim().replace(/^TEST_DATABASE_URL=/, '');
    const databaseUrl = await createPostgresDatabase(serverUrl, 'chat_soak');
    await soak.start(databaseUrl, USERS, 'pg_');
    // A raw sender beside the clients, to see the very answers of each instance while the database is away.
    const prober = await register(instances[0]!.url, 'pgprobe_a');
    await register(instances[0]!.url, 'pgprobe_b');

    const started = Date.now();
    load.start();
    await sleep(STOP_AFTER_MS);
    const stoppedAt = Date.now();
    await cluster('stop', dir);
    const downAt = Date.now();
    const probes: Probe[] = [];
    while (Date.now() - downAt < DOWN_MS) {
      for (const instance of instances) {
        probes.push(await probe(instance.url, 'POST', '/messages', prober.token, outgoing('pgprobe_b')));
        probes.push(await probe(instance.url, 'GET', '/messages', prober.token));
        probes.push(await probe(instance.url, 'GET', '/health'));
      }
      await sleep(250);
    }
    await cluster('restart', dir);
    const upAt = Date.now();
    await sleep(Math.max(0, started + RUN_MS - Date.now()));
    await load.stop();
    const endedAt = Date.now();
    const figures = {
      answered: load.acked.size,
      answeredAfterRestart: [...load.acked.values()].filter((m) => m.at > upAt).length,
      failedAttempts: load.failures.length,
      failureMessages: [...new Set(load.failures.map((f) => f.message))],
      probes: probes.length,
      probeStatuses: [...new Set(probes.map((p) => p.status))],
      slowestProbeMs: Math.max(...probes.map((p) => p.ms)),
      databaseDownMs: upAt - stoppedAt,
      longestSendSilenceMs: load.longestSilence(started, endedAt),
      streamOutages: load.users.reduce((n, u) => n + u.outages.length, 0),
      eventsNotRecordedAtOnce: load.users.reduce((n, u) => n + u.notes.filter((note) => /could not be recorded/.test(note)).length, 0),
      runMs: endedAt - started,
    };
    console.log(`database-restart soak, sending: ${JSON.stringify(figures)}`);
    await load.delivered(45_000);
    await until(() => load.users.every((u) => u.online), 'every stream online', 60_000);

    const stored = await checkStored(databaseUrl, load.acked, load.users.map((u) => u.name));
    const counts = load.deliveryCounts();
    console.log(`database-restart soak, delivery: ${JSON.stringify({ stored: stored.stored, deliveredToRecipients: counts.deliveries, duplicates: counts.duplicates.length })}`);

    // While the database is away: 503 with the protocol's error shape and a clear message, answered at once.
    expect(probes.length).toBeGreaterThan(6);
    for (const p of probes) {
      expect(p.status).toBe(503);
      expect(p.code).toBe('unavailable');
      expect(p.message).toMatch(/database/);
      expect(p.ms).toBeLessThan(ANSWER_WITHIN_MS);
    }
    // The clients saw only 503s (or, at the very moment the database went, a connection closed under them).
    expect(load.failures.length).toBeGreaterThan(0);
    expect(load.failures.every((f) => /HTTP 503/.test(f.message) || f.code === 'server_unreachable')).toBe(true);
    // They went on by themselves once it was back.
    expect(figures.answeredAfterRestart).toBeGreaterThan(50);

    expect(stored.missing).toEqual([]);
    expect(stored.duplicated).toEqual([]);
    expect(stored.unanswered).toEqual([]);
    expect(stored.badMailbox).toEqual([]);
    expect(stored.stored).toBe(load.acked.size);
    expect(counts.duplicates).toEqual([]);
    expect(counts.unexpected).toEqual([]);
    expect(counts.deliveries).toBe(load.acked.size);
  }, 300_000);
});

async function probe(url: string, method: string, route: string, token?: string, body?: unknown): Promise<Probe> {
  const begun = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hung = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ANSWER_WITHIN_MS)));
  const reply = await Promise.race([call(url, method, route, { ...(token ? { token } : {}), ...(body ? { body } : {}) }), hung]);
  clearTimeout(timer);
  if (reply === null) return { status: 0, code: 'no answer', message: `no answer within ${ANSWER_WITHIN_MS} ms`, ms: Date.now() - begun };
  const error = (reply.body as { error?: { code?: string; message?: string } } | undefined)?.error;
  return { status: reply.status, code: error?.code, message: error?.message, ms: Date.now() - begun };
}
