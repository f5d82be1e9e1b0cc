// `npm run bench:keylog`: the key log's costs, printed as figures (not a test).
//  1. Proof latency at 1,000 and 1,000,000 entries (BENCH_KEYLOG_SIZES), SQLite file in a temp dir: the log
//     filled directly (scripts/bench/keylog-fill.ts: core's nodesCompletedBy, as the server appends), then
//     one signed-in account registered through the server (so the server's own append continues the
//     filled tree) and, one request at a time over one kept-alive connection, GET /keylog/proof for a
//     random index and GET /keylog/consistency from a random size, both up to the newest head — p50/p99
//     over HTTP (client in this process, server in its own) and at the module level (server/keylog/proofs.ts
//     on the same database from this process: the one SELECT and the hashing, no HTTP). Sample proofs are
//     checked against the signed head with core/keylog/merkle.ts. On the same logs, the client's cost of
//     accepting one contact key (BENCH_KEYLOG_CLIENT samples; scripts/bench/keylog-client.ts): core's
//     checkHead and checkContactKey on answers fetched beforehand, and core's KeyLog.confirmKey over HTTP.
//  2. Registration rate: POST /users with autocannon (BENCH_CONNECTIONS, BENCH_DURATION s), fresh SQLite
//     database each, BENCH_KEYLOG_ROUNDS (3; 0 skips this part) alternating rounds, on the same server with
//     the key log (each registration appends its entry and nodes in its transaction, heads are signed) and
//     without (the benchmark-only `registrationAppends: false`: no entry, so no head beyond the first;
//     registrations still take turns in-process, KeyLog.registrationTurn, as without it parallel
//     registrations on SQLite stall — docs/server.md "The key log" — so the previous commit's server cannot
//     serve as "without").
// The server runs as a child process, started through tsx (scripts/bench/keylog-server.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { entryLeafHash, verifyTreeHead, type LogEntry, type SignedTreeHead } from '../core/keylog/entries.js';
import { verifyConsistency, verifyInclusion } from '../core/keylog/merkle.js';
import { importPublicKey } from '../core/crypto/rsa.js';
import { decodeBase64 } from '../core/protocol/base64.js';
import { openDatabase } from '../server/db/database.js';
import { loadLogKey } from '../server/keylog/log-key.js';
import { readFrom } from '../server/keylog/nodes.js';
import { consistencyProof, inclusionProof } from '../server/keylog/proofs.js';
import { b64, json, percentile, PUBLIC_KEY, summarize, type Timing } from './bench/server-api.js';
import { clientCost, type ClientCost } from './bench/keylog-client.js';
import { fillKeyLog } from './bench/keylog-fill.js';

const SIZES = (process.env.BENCH_KEYLOG_SIZES ?? '1000,1000000').split(',').filter(Boolean).map(Number);
const REQUESTS = Number(process.env.BENCH_KEYLOG_REQUESTS ?? 2000);
const CLIENT_SAMPLES = Number(process.env.BENCH_KEYLOG_CLIENT ?? 500);
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const ROUNDS = Number(process.env.BENCH_KEYLOG_ROUNDS ?? 3);
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ENV = { REGISTRATIONS_PER_ADDRESS: '1000000', LOGIN_FAILURES_PER_ADDRESS: '1000000', LOG_LEVEL: 'warn', HOST: '127.0.0.1', PORT: '0' };

const folders: string[] = [];
process.once('exit', () => folders.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
function sqliteFile(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'chat-bench-keylog-'));
  folders.push(dir);
  return path.join(dir, 'chat.sqlite');
}

interface Child {
  url: string;
  stop(): Promise<void>;
}

async function startServer(file: string, args: string[] = []): Promise<Child> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'scripts/bench/keylog-server.ts', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...ENV, DATABASE_URL: `sqlite:${file}` },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const match = /listening on (\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`the bench server exited (${code})`)));
  });
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

const registration = (username: string) => ({ username, authHash: b64(64), publicKey: PUBLIC_KEY, encryptedPrivateKey: b64(2400), kdfSalt: b64(16), kdfIterations: 210_000 });

async function head(url: string, token: string): Promise<SignedTreeHead> {
  const reply = await json(`${url}/keylog/head`, 'GET', undefined, token);
  if (reply.status !== 200) throw new Error(`GET /keylog/head: ${reply.status}`);
  return reply.body as SignedTreeHead;
}

async function waitForHead(url: string, token: string, size: number): Promise<SignedTreeHead> {
  for (;;) {
    const h = await head(url, token);
    if (h.size >= size) return h;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const timing = (times: number[]): Timing => {
  const sorted = [...times].sort((a, b) => a - b);
  return { mean: sorted.reduce((a, b) => a + b, 0) / sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
};

/** `count` GETs one at a time over one kept-alive connection, each path from `pathOf(i)`; answers the times and the bodies of the first `keep`. */
async function sequential(url: string, token: string, count: number, pathOf: (i: number) => string, keep = 0): Promise<{ timing: Timing; bodies: unknown[] }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const times: number[] = [];
  const bodies: unknown[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const started = process.hrtime.bigint();
      const text = await new Promise<string>((resolve, reject) => {
        http
          .get(url + pathOf(i), { agent, headers: { authorization: `Bearer ${token}` } }, (res) => {
            let body = '';
            res.setEncoding('utf8').on('data', (c: string) => (body += c));
            res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`GET ${pathOf(i)}: ${res.statusCode} ${body}`))));
          })
          .on('error', reject);
      });
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
      if (i < keep) bodies.push(JSON.parse(text));
    }
  } finally {
    agent.destroy();
  }
  return { timing: timing(times), bodies };
}

async function timed(count: number, work: (i: number) => Promise<unknown>): Promise<Timing> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = process.hrtime.bigint();
    await work(i);
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return timing(times);
}

const ms = (t: Timing) => `p50 ${t.p50.toFixed(3)} ms  p99 ${t.p99.toFixed(3)} ms  (mean ${t.mean.toFixed(3)})`;

async function proofLatency(entries: number): Promise<void> {
  const file = sqliteFile();
  // First start: migrations and the log key (made at first start), nothing else.
  let server = await startServer(file);
  const first = await json(`${server.url}/users`, 'POST', registration('bench_setup'));
  if (first.status !== 201) throw new Error(`registering: ${first.status}`);
  const logKey = (await json(`${server.url}/keylog/key`, 'GET', undefined, first.body.token as string)).body as { publicKey: string };
  await server.stop();
  // The setup account's entry is index 0; the fill continues from an empty log, so it starts again there.
  const db = await openDatabase(`sqlite:${file}`);
  await db.sequelize.query('DELETE FROM key_log_entries');
  await db.sequelize.query('DELETE FROM key_log_nodes');
  await db.sequelize.query('DELETE FROM key_log_heads');
  await db.sequelize.query('UPDATE key_log_state SET size = 0');
  await db.close();
  const started = Date.now();
  await fillKeyLog(file, entries, PUBLIC_KEY, (done) => {
    if (entries >= 100_000) process.stdout.write(`\r  filling: ${done.toLocaleString('en')} / ${entries.toLocaleString('en')} entries (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  });
  if (entries >= 100_000) process.stdout.write('\n');

  server = await startServer(file);
  try {
    const reply = await json(`${server.url}/users`, 'POST', registration('bench_user'));
    if (reply.status !== 201) throw new Error(`registering: ${reply.status}`);
    const token = reply.body.token as string;
    const signed = await waitForHead(server.url, token, entries + 1);
    const size = signed.size;
    if (!(await verifyTreeHead(signed, await importPublicKey(logKey.publicKey)))) throw new Error('the head does not verify');
    const rootBytes = decodeBase64(signed.root);
    let seed = 12345;
    const random = (below: number) => {
      // An LCG mod 2^32 in exact integer arithmetic, read from its high bits: its low bits alternate.
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return Math.floor((seed / 2 ** 32) * below);
    };
    const indexes = Array.from({ length: REQUESTS }, () => random(size));
    const froms = Array.from({ length: REQUESTS }, () => 1 + random(size - 1));
    await sequential(server.url, token, 200, (i) => `/keylog/proof?index=${indexes[i]}&size=${size}`); // warm-up
    const inclusion = await sequential(server.url, token, REQUESTS, (i) => `/keylog/proof?index=${indexes[i]}&size=${size}`, 20);
    const consistency = await sequential(server.url, token, REQUESTS, (i) => `/keylog/consistency?from=${froms[i]}&to=${size}`, 5);

    // A sample checked against the signed head: one inclusion proof with its entry.
    const entriesReply = await json(`${server.url}/keylog/entries?start=${indexes[0]}&limit=1`, 'GET', undefined, token);
    const sample = (entriesReply.body as { entries: LogEntry[] }).entries[0]!;
    const firstProof = (inclusion.bodies[0] as { proof: string[] }).proof.map((p) => decodeBase64(p));
    if (!(await verifyInclusion(await entryLeafHash(sample), sample.index, size, firstProof, rootBytes))) throw new Error('an inclusion proof did not verify');
    const lengths = (inclusion.bodies as { proof: string[] }[]).map((b) => b.proof.length);

    const local = await openDatabase(`sqlite:${file}`);
    let module: { inclusion: Timing; consistency: Timing };
    let client: ClientCost;
    try {
      const select = readFrom(local);
      // And consistency between two signed heads: the one signed at start over the filled log, and the newest.
      const heads = await select<SignedTreeHead>('SELECT size, root, timestamp, signature FROM key_log_heads ORDER BY head_no', []);
      const older = heads.map((h) => ({ ...h, size: Number(h.size) })).filter((h) => h.size > 0 && h.size < size).at(-1);
      if (older) {
        const proof = (await consistencyProof(select, older.size, size)).map((p) => decodeBase64(p));
        if (!(await verifyConsistency(older.size, size, proof, decodeBase64(older.root), rootBytes))) throw new Error('a consistency proof did not verify');
      }
      await timed(200, (i) => inclusionProof(select, indexes[i]!, size));
      module = {
        inclusion: await timed(REQUESTS, (i) => inclusionProof(select, indexes[i]!, size)),
        consistency: await timed(REQUESTS, (i) => consistencyProof(select, froms[i]!, size)),
      };
      client = await clientCost({ url: server.url, token, newest: signed, logKey: await loadLogKey(local), select, samples: CLIENT_SAMPLES, random, timed });
    } finally {
      await local.close();
    }
    const mb = (statSync(file).size + (statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0)) / 1e6;
    console.log(`  ${size.toLocaleString('en').padStart(9)} entries (database ${mb.toFixed(0)} MB), inclusion proofs of ${Math.min(...lengths)}–${Math.max(...lengths)} hashes:`);
    console.log(`    HTTP   GET /keylog/proof         ${ms(inclusion.timing)}`);
    console.log(`    HTTP   GET /keylog/consistency   ${ms(consistency.timing)}`);
    console.log(`    module inclusionProof            ${ms(module.inclusion)}`);
    console.log(`    module consistencyProof          ${ms(module.consistency)}`);
    console.log(`    client, accepting one contact key (${client.samples} samples, kept head at a random older size; core/keylog/client-checks.ts, core/client/key-log.ts):`);
    console.log(`      checkHead: log key import, signature, consistency (${client.consistencyHashes.join('–')} hashes)  ${ms(client.head)}`);
    console.log(`      checkContactKey: entry, inclusion proof                           ${ms(client.key)}`);
    console.log(`      both: the computation of one accept                               ${ms(client.both)}`);
    console.log(`      KeyLog.confirmKey over HTTP (head, consistency, entry, proof)     ${ms(client.accept)}`);
  } finally {
    await server.stop();
  }
}

async function registrationRate(withLog: boolean): Promise<{ rate: number; p50: number; p99: number; heads: number; entries: number; errors: number }> {
  const file = sqliteFile();
  const server = await startServer(file, withLog ? [] : ['--no-log-append']);
  try {
    // Warm-up, alike for both: an account, and the first signed head (the log key made at first start).
    const warm = await json(`${server.url}/users`, 'POST', registration('warm_up'));
    if (warm.status !== 201) throw new Error(`registering: ${warm.status}`);
    await waitForHead(server.url, warm.body.token as string, withLog ? 1 : 0);
    let n = 0;
    const body = registration('x');
    const result = summarize(
      await autocannon({
        url: server.url,
        connections: CONNECTIONS,
        duration: DURATION,
        requests: [
          {
            method: 'POST',
            path: '/users',
            headers: { 'content-type': 'application/json' },
            setupRequest: (req) => ({ ...req, body: JSON.stringify({ ...body, username: `reg_${(n++).toString(36)}` }) }),
          },
        ],
      }),
    );
    // Requests autocannon gave up on at the end may still be queued in the server: let them finish.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const db = await openDatabase(`sqlite:${file}`);
    try {
      const [row] = (await db.sequelize.query('SELECT (SELECT COUNT(*) FROM key_log_heads) AS heads, (SELECT size FROM key_log_state) AS entries'))[0] as Array<{ heads: number; entries: number }>;
      return { rate: result.rate, p50: result.p50, p99: result.p99, heads: Number(row!.heads), entries: Number(row!.entries), errors: result.non2xx + result.errors };
    } finally {
      await db.close();
    }
  } finally {
    await server.stop();
  }
}

async function registrationRates(): Promise<void> {
  console.log(`\n2. Registration rate, POST /users, ${CONNECTIONS} connections, ${DURATION} s each (autocannon), fresh database each, ${ROUNDS} rounds`);
  // Alternating rounds, since a registration's fsync on a shared disk varies a lot from one run to the next.
  const rounds: Array<{ without: Awaited<ReturnType<typeof registrationRate>>; withLog: Awaited<ReturnType<typeof registrationRate>> }> = [];
  const row = (name: string, r: Awaited<ReturnType<typeof registrationRate>>) =>
    `  ${name.padEnd(34)} ${r.rate.toFixed(0).padStart(6)} req/s  p50 ${String(r.p50).padStart(3)} ms  p99 ${String(r.p99).padStart(4)} ms  (${r.entries} entries, ${r.heads} heads${r.errors ? `, !! ${r.errors} errors` : ''})`;
  for (let round = 1; round <= ROUNDS; round++) {
    const without = await registrationRate(false);
    const withLog = await registrationRate(true);
    rounds.push({ without, withLog });
    console.log(row(`round ${round}: without the log (no append)`, without));
    console.log(row(`round ${round}: with the log`, withLog));
  }
  const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
  const withoutRate = median(rounds.map((r) => r.without.rate));
  const withRate = median(rounds.map((r) => r.withLog.rate));
  console.log(`  median of ${ROUNDS}: without ${withoutRate.toFixed(0)} req/s, with ${withRate.toFixed(0)} req/s: with / without ${(withRate / withoutRate).toFixed(2)}x`);
}

// The machine may be shared: the load averages say what else ran.
const load = () => os.loadavg().map((l) => l.toFixed(2)).join(', ');
console.log(`Key log benchmark — ${new Date().toISOString()}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, Node ${process.version}, SQLite, load average ${load()}`);
console.log(`\n1. Proof latency, ${REQUESTS} requests each, one at a time, random index / from, to the newest head's size`);
for (const size of SIZES) await proofLatency(size);
if (ROUNDS > 0) await registrationRates();
console.log(`\nEnded ${new Date().toISOString()}, load average ${load()}`);
process.exit(0);
