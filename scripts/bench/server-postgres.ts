// PostgreSQL figures for `npm run bench:server`, beside SQLite's and measured the same way (the compiled
// server, dist/server/main.js, built by bench-server.ts first): one instance's throughput, two instances
// over one database (combined send rate, and how long a message takes to show up live on the other
// instance), and GET /messages latency with few and with many stored messages.
// The database: BENCH_DATABASE_URL or TEST_DATABASE_URL (a postgres:// URL whose role may CREATE DATABASE),
// else a private throwaway cluster started through scripts/ci/postgres.sh.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { b64, json, latencyAt, login, percentile, registerAll, sendFields, startBenchServer, summarize, USERS, type Load, type Timing } from './server-api.js';
import { createPostgresDatabase } from '../../test/support/database.js';
import type { ServerProcess } from '../../test/support/server-process.js';

export interface PostgresBenchOptions {
  duration: number;
  connections: number;
  big: number;
  latencyRequests: number;
}

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const LIVE_ROUNDS = 300;

function line(name: string, r: Load): string {
  const failed = r.non2xx + r.errors;
  const bad = failed > 0 ? `  (!! ${failed} failed requests)` : '';
  return `  ${name.padEnd(40)} ${r.rate.toFixed(0).padStart(7)} req/s  p50 ${String(r.p50).padStart(3)} ms  p99 ${String(r.p99).padStart(4)} ms${bad}`;
}

function postMessages(url: string, token: string, options: PostgresBenchOptions): Promise<autocannon.Result> {
  const fields = sendFields();
  return autocannon({
    url,
    connections: options.connections,
    duration: options.duration,
    requests: [
      {
        method: 'POST',
        path: '/messages',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        setupRequest: (req) => ({ ...req, body: JSON.stringify({ id: randomUUID(), recipient: 'bob', ...fields }) }),
      },
    ],
  });
}

/** A postgres:// server URL, and how to give it back. */
async function postgresServer(): Promise<{ url: string; release: () => Promise<void> }> {
  const given = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (given && /^postgres(ql)?:\/\//.test(given)) return { url: given, release: async () => {} };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'encrypted-chat-bench-pg-'));
  const script = path.join(REPO_ROOT, 'scripts/ci/postgres.sh');
  const run = promisify(execFile);
  const release = () => run(script, ['remove', dir]).then(() => undefined, () => undefined);
  try {
    const { stdout } = await run(script, ['start', dir]);
    return { url: stdout.trim().replace(/^TEST_DATABASE_URL=/, ''), release };
  } catch (error) {
    await release();
    throw new Error(`could not start a PostgreSQL cluster: ${(error as { stderr?: string }).stderr?.trim() || String(error)}`);
  }
}

const createDatabase = (serverUrl: string) => createPostgresDatabase(serverUrl, 'bench');

/** Runs `work` on a connection of its own to `databaseUrl`, closed afterwards whatever happens. */
async function connected<T>(databaseUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function oneInstance(serverUrl: string, options: PostgresBenchOptions): Promise<void> {
  console.log(`\n3. PostgreSQL: throughput on one server, ${options.connections} connections, ${options.duration} s each`);
  const databaseUrl = await createDatabase(serverUrl);
  const server = await startBenchServer(databaseUrl);
  try {
    const accounts = await registerAll(server.url);
    const token = await login(server.url, accounts[0]!);
    for (let i = 0; i < 500; i++) await json(`${server.url}/messages`, 'POST', { id: randomUUID(), recipient: 'bob', ...sendFields() }, token);
    await autocannon({ url: `${server.url}/health`, connections: options.connections, duration: 2 }); // warm-up
    const baseline = summarize(await autocannon({ url: `${server.url}/health`, connections: options.connections, duration: options.duration }));
    const post = summarize(await postMessages(server.url, token, options));
    // Thousands of rows just arrived in tables that were empty: give the planner what autovacuum would
    // within a minute, so the reads below measure the steady state rather than stale statistics.
    await connected(databaseUrl, (client) => client.query('ANALYZE'));
    const get = summarize(
      await autocannon({ url: `${server.url}/messages?limit=50`, headers: { authorization: `Bearer ${token}` }, connections: options.connections, duration: options.duration }),
    );
    console.log(line('GET /health (baseline)', baseline));
    console.log(line('POST /messages', post));
    console.log(line('GET /messages?limit=50', get));
    console.log(`  POST rate / baseline rate = ${(post.rate / baseline.rate).toFixed(2)}`);
  } finally {
    await server.stop();
  }
}

/** Reads a /events stream and resolves waiters when a message id shows up. */
class LiveIds {
  private readonly seen = new Map<string, number>();
  private readonly waiting = new Map<string, (at: number) => void>();
  private readonly controller = new AbortController();

  async open(url: string, token: string): Promise<void> {
    const response = await fetch(`${url}/events`, { headers: { authorization: `Bearer ${token}` }, signal: this.controller.signal });
    if (response.status !== 200 || !response.body) throw new Error(`/events: ${response.status}`);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    void (async () => {
      let buffer = '';
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          buffer += value;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) !== -1) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data = block.split('\n').find((l) => l.startsWith('data: '));
            if (!data) continue;
            const id = (JSON.parse(data.slice(6)) as { id: string }).id;
            const now = performance.now();
            const resolve = this.waiting.get(id);
            if (resolve) {
              this.waiting.delete(id);
              resolve(now);
            } else this.seen.set(id, now);
          }
        }
      } catch {
        // closed
      }
    })();
  }

  arrival(id: string): Promise<number> {
    const at = this.seen.get(id);
    if (at !== undefined) return Promise.resolve(at);
    return new Promise((resolve) => this.waiting.set(id, resolve));
  }

  close(): void {
    this.controller.abort();
  }
}

async function liveDelivery(sendVia: string, token: string, live: LiveIds): Promise<string> {
  const times: number[] = [];
  for (let i = 0; i < LIVE_ROUNDS; i++) {
    const id = randomUUID();
    const started = performance.now();
    const reply = await json(`${sendVia}/messages`, 'POST', { id, recipient: 'bob', ...sendFields() }, token);
    if (reply.status !== 201) throw new Error(`send: ${reply.status}`);
    times.push((await live.arrival(id)) - started);
  }
  times.sort((x, y) => x - y);
  return `p50 ${percentile(times, 50).toFixed(1)} ms  p99 ${percentile(times, 99).toFixed(1)} ms`;
}

async function twoInstances(serverUrl: string, options: PostgresBenchOptions): Promise<void> {
  console.log(`\n4. PostgreSQL: two server instances over one database`);
  const databaseUrl = await createDatabase(serverUrl);
  const servers: ServerProcess[] = [];
  try {
    servers.push(await startBenchServer(databaseUrl));
    servers.push(await startBenchServer(databaseUrl));
    const [a, b] = servers as [ServerProcess, ServerProcess];
    const accounts = await registerAll(a.url);
    const aliceToken = await login(a.url, accounts[0]!);
    const bobToken = await login(b.url, accounts[1]!);

    const live = new LiveIds();
    await live.open(b.url, bobToken);
    try {
      await liveDelivery(b.url, aliceToken, live); // warm-up, also of the LISTEN path
      console.log(`  send → live event, same instance (POST to B, /events on B), ${LIVE_ROUNDS} messages: ${await liveDelivery(b.url, aliceToken, live)}`);
      console.log(`  send → live event, across instances (POST to A, /events on B):  ${await liveDelivery(a.url, aliceToken, live)}`);
    } finally {
      live.close();
    }

    const half = Math.max(1, Math.floor(options.connections / 2));
    const single = summarize(await postMessages(a.url, aliceToken, { ...options, connections: options.connections }));
    const [onA, onB] = (await Promise.all([postMessages(a.url, aliceToken, { ...options, connections: half }), postMessages(b.url, aliceToken, { ...options, connections: half })])).map(summarize) as [Load, Load];
    console.log(line(`POST /messages, A only (${options.connections} conn.)`, single));
    console.log(line(`POST /messages via A (${half} conn.) …`, onA));
    console.log(line(`… at the same time via B (${half} conn.)`, onB));
    console.log(`  combined send rate through both instances: ${(onA.rate + onB.rate).toFixed(0)} req/s (one instance alone: ${single.rate.toFixed(0)} req/s)`);
  } finally {
    for (const server of servers) await server.stop();
  }
}

/** Appends `count` synthetic messages in PostgreSQL itself (generate_series), with their mailbox rows. */
function fillPostgres(databaseUrl: string, count: number, onProgress: (done: number) => void): Promise<void> {
  const names = USERS.map((u) => `'${u}'`).join(',');
  return connected(databaseUrl, async (client) => {
    const chunk = 100_000;
    for (let done = 0; done < count; done += chunk) {
      const size = Math.min(chunk, count - done);
      const lo = Number((await client.query<{ seq: string }>('SELECT COALESCE(MAX(seq), 0) AS seq FROM messages')).rows[0]!.seq);
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO messages (seq, id, sender, recipient, timestamp, session_key, sender_session_key, body, signature)
         SELECT s,
                substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-4' || substr(h, 14, 3) || '-8' || substr(h, 18, 3) || '-' || substr(h, 21, 12),
                (ARRAY[${names}])[s % ${USERS.length} + 1], (ARRAY[${names}])[(3 * s + 1) % ${USERS.length} + 1],
                $1::bigint + s, $2, $3, $4, $5
         FROM (SELECT s, md5(s::text || random()::text) AS h FROM generate_series($6::bigint, $7::bigint) AS s) g`,
        [Date.now() - 86_400_000, b64(512), b64(512), b64(120), b64(540), lo + 1, lo + size],
      );
      await client.query(
        `INSERT INTO mailbox (username, seq, peer) SELECT sender, seq, recipient FROM messages WHERE seq > $1`,
        [lo],
      );
      await client.query(
        `INSERT INTO mailbox (username, seq, peer) SELECT recipient, seq, sender FROM messages WHERE seq > $1 AND recipient <> sender`,
        [lo],
      );
      await client.query('COMMIT');
      onProgress(done + size);
    }
    await client.query('VACUUM ANALYZE');
  });
}

async function databaseSize(databaseUrl: string): Promise<number> {
  const { rows } = await connected(databaseUrl, (client) => client.query<{ size: string }>('SELECT pg_database_size(current_database()) AS size'));
  return Number(rows[0]!.size);
}

async function postgresLatencyAt(serverUrl: string, count: number, options: PostgresBenchOptions): Promise<Timing> {
  const databaseUrl = await createDatabase(serverUrl);
  const database = { url: databaseUrl, fill: (n: number, onProgress: (done: number) => void) => fillPostgres(databaseUrl, n, onProgress), bytes: () => databaseSize(databaseUrl) };
  return latencyAt(database, count, options.latencyRequests);
}

async function latency(serverUrl: string, options: PostgresBenchOptions): Promise<void> {
  console.log(`\n5. PostgreSQL: GET /messages latency vs stored messages (one request at a time, ${options.latencyRequests} requests each, user in 2 of ${USERS.length} messages)`);
  const small = await postgresLatencyAt(serverUrl, 1_000, options);
  const big = await postgresLatencyAt(serverUrl, options.big, options);
  console.log(
    `  GET /messages?limit=50 latency ${options.big.toLocaleString('en')} / 1,000 messages: mean ${(big.mean / small.mean).toFixed(2)}x, p50 ${(big.p50 / small.p50).toFixed(2)}x, p99 ${(big.p99 / small.p99).toFixed(2)}x`,
  );
}

export async function postgresBench(options: PostgresBenchOptions): Promise<void> {
  let database;
  try {
    database = await postgresServer();
  } catch (error) {
    console.log(`\nPostgreSQL figures skipped: ${error instanceof Error ? error.message : String(error)}`);
    return;
  }
  try {
    const { rows } = await connected(database.url, (client) => client.query<{ v: string }>("SELECT current_setting('server_version') AS v"));
    const version = rows[0]!.v;
    console.log(`\nPostgreSQL ${version} on ${new URL(database.url).host}`);
    await oneInstance(database.url, options);
    await twoInstances(database.url, options);
    await latency(database.url, options);
  } finally {
    await database.release();
  }
}
