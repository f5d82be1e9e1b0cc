// `npm run bench:server`: loads a real server process on loopback with autocannon and prints figures.
//  1. throughput: POST /messages and GET /messages?limit=50 beside GET /health (a trivial JSON route that
//     also touches the database) on the same server, as ratios (goal: POST >= 0.5x the baseline rate);
//     then POST /messages of a sealed group message to 100 members, as a ratio of the direct POST rate
//     (scripts/bench/group-load.ts);
// 1b. fan-out: 100 members each with an open GET /events stream, one sender posts group messages one at a
//     time, timed from the POST's answer to the last stream's event (scripts/bench/fan-out.ts);
//  2. latency of GET /messages?limit=50 with 1,000 and with 1,000,000 stored messages (goal: within 2x);
//  3-5. the same on PostgreSQL, plus two instances over one database (scripts/bench/server-postgres.ts;
//     BENCH_DATABASE_URL, TEST_DATABASE_URL or a private cluster from scripts/ci/postgres.sh; BENCH_POSTGRES=0
//     skips it).
// Options (env): BENCH_DURATION seconds per throughput run (10), BENCH_CONNECTIONS (10),
// BENCH_BIG (1000000) messages in the big database, BENCH_LATENCY_REQUESTS (3000), BENCH_FANOUT_MESSAGES (200).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { json, latencyAt, login, registerAll, sendFields, startBenchServer, summarize, USERS, type Load, type Timing } from './bench/server-api.js';
import { fanOut } from './bench/fan-out.js';
import { GROUP_ENV, GROUP_SIZE, groupPostSetup } from './bench/group-load.js';
import { fillMessages } from './bench/server-fill.js';
import { postgresBench } from './bench/server-postgres.js';
import { buildServer } from '../test/support/server-process.js';

const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const BIG = Number(process.env.BENCH_BIG ?? 1_000_000);
const LATENCY_REQUESTS = Number(process.env.BENCH_LATENCY_REQUESTS ?? 3000);
const FANOUT_MESSAGES = Number(process.env.BENCH_FANOUT_MESSAGES ?? 200);
/** A temporary SQLite database (the benchmark measures the default setup); removed when the run ends. */
const folders: string[] = [];
process.once('exit', () => folders.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
function sqliteUrl(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'chat-bench-'));
  folders.push(dir);
  return `sqlite:${path.join(dir, 'chat.sqlite')}`;
}

async function load(options: autocannon.Options): Promise<Load> {
  return summarize(await autocannon({ connections: CONNECTIONS, duration: DURATION, ...options }));
}

function line(name: string, r: Load, baseline?: Load): string {
  const ratio = baseline ? `  rate ${(r.rate / baseline.rate).toFixed(2)}x, p99 ${(r.p99 / Math.max(baseline.p99, 1)).toFixed(2)}x of baseline` : '';
  const bad = r.non2xx + r.errors > 0 ? `  (!! ${r.non2xx} non-2xx, ${r.errors} errors)` : '';
  return `  ${name.padEnd(34)} ${r.rate.toFixed(0).padStart(7)} req/s  p50 ${String(r.p50).padStart(3)} ms  p99 ${String(r.p99).padStart(4)} ms${ratio}${bad}`;
}

async function throughput(): Promise<void> {
  console.log(`\n1. Throughput on one server, ${CONNECTIONS} connections, ${DURATION} s each (autocannon)`);
  const server = await startBenchServer(sqliteUrl(), GROUP_ENV);
  try {
    const accounts = await registerAll(server.url);
    const token = await login(server.url, accounts[0]!);
    // Something to read: 500 messages for alice.
    for (let i = 0; i < 500; i++) await json(`${server.url}/messages`, 'POST', { id: randomUUID(), recipient: 'bob', ...sendFields() }, token);
    const auth = { authorization: `Bearer ${token}` };
    await load({ url: `${server.url}/health`, duration: 2 }); // warm-up
    const baseline = await load({ url: `${server.url}/health` });
    const fields = sendFields();
    const post = await load({
      url: server.url,
      requests: [
        {
          method: 'POST',
          path: '/messages',
          headers: { ...auth, 'content-type': 'application/json' },
          setupRequest: (req) => ({ ...req, body: JSON.stringify({ id: randomUUID(), recipient: 'bob', ...fields }) }),
        },
      ],
    });
    const get = await load({ url: `${server.url}/messages?limit=50`, headers: auth });
    // After the reads, so that alice's latest 50 above are the direct messages they always were.
    const group = await groupPostSetup(server.url, accounts[0]!.username, token);
    const groupPost = await load(group.options);
    console.log(line('GET /health (baseline)', baseline));
    console.log(line('POST /messages', post, baseline));
    console.log(line('GET /messages?limit=50', get, baseline));
    console.log(line(`POST /messages, group of ${GROUP_SIZE + 1}`, groupPost, baseline));
    console.log(`  POST rate / baseline rate = ${(post.rate / baseline.rate).toFixed(2)} (goal >= 0.5)`);
    console.log(
      `  group POST (${GROUP_SIZE} recipients, ${(group.bytes / 1024).toFixed(0)} KiB each) / direct POST: rate ${(groupPost.rate / post.rate).toFixed(2)}x, p99 ${(groupPost.p99 / Math.max(post.p99, 1)).toFixed(2)}x`,
    );
  } finally {
    await server.stop();
  }
}

/** The SQLite file is filled directly, in the server's schema (scripts/bench/server-fill.ts). */
function sqliteLatencyAt(count: number): Promise<Timing> {
  const databaseUrl = sqliteUrl();
  const file = databaseUrl.slice('sqlite:'.length);
  const database = { url: databaseUrl, fill: (n: number, onProgress: (done: number) => void) => fillMessages(file, USERS, n, onProgress), bytes: () => statSync(file).size };
  return latencyAt(database, count, LATENCY_REQUESTS);
}

async function latency(): Promise<void> {
  console.log(`\n2. GET /messages latency vs stored messages (one request at a time, ${LATENCY_REQUESTS} requests each, user in 2 of ${USERS.length} messages)`);
  const small = await sqliteLatencyAt(1_000);
  const big = await sqliteLatencyAt(BIG);
  console.log(
    `  GET /messages?limit=50 latency ${BIG.toLocaleString('en')} / 1,000 messages: mean ${(big.mean / small.mean).toFixed(2)}x, p50 ${(big.p50 / small.p50).toFixed(2)}x, p99 ${(big.p99 / small.p99).toFixed(2)}x (goal <= 2)`,
  );
}

console.log(`Encrypted Chat server benchmark — ${new Date().toISOString()}`);
console.log(`  machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, SQLite`);
console.log('  building the server (tsc -p tsconfig.build.json), running dist/server/main.js');
await buildServer();
await throughput();
await fanOut(sqliteUrl(), FANOUT_MESSAGES);
await latency();
if (process.env.BENCH_POSTGRES !== '0') {
  await postgresBench({ duration: DURATION, connections: CONNECTIONS, big: BIG, latencyRequests: LATENCY_REQUESTS });
}
