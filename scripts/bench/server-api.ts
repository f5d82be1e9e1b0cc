// What both server benchmarks (SQLite in bench-server.ts, PostgreSQL in server-postgres.ts) say to the
// server over HTTP, and how they time it, so that their figures are measured the same way.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import autocannon from 'autocannon';
import { startServerProcess, type ServerProcess } from '../../test/support/server-process.js';

export const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy'];
export const PUBLIC_KEY = (JSON.parse(readFileSync(new URL('../../server/test-fixtures/public-keys.json', import.meta.url), 'utf8')) as { valid: { alice: string } }).valid.alice;
/** Rate limits high enough that the benchmark's own registrations and logins never meet them; no send limits. */
const SERVER_ENV = { REGISTRATIONS_PER_ADDRESS: '1000000', LOGIN_FAILURES_PER_ADDRESS: '1000000', SENDS_PER_MINUTE: '0', MESSAGE_QUOTA: '0' };

/** The server as production runs it (compiled, plain node; see buildServer) on `databaseUrl`, with those limits (and `env`). */
export function startBenchServer(databaseUrl: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  return startServerProcess({ compiled: true, databaseUrl, env: { ...SERVER_ENV, ...env } });
}

export const b64 = (n: number) => randomBytes(n).toString('base64');
/** The encrypted fields of a message, of realistic sizes (RSA-4096 wrapped keys and signature). */
export const sendFields = () => ({ sessionKey: b64(512), senderSessionKey: b64(512), body: b64(200), signature: b64(540) });

export interface Account {
  username: string;
  authHash: string;
}

export async function json(url: string, method: string, body?: unknown, token?: string): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: response.status, body: await response.json().catch(() => undefined) };
}

export async function registerAll(url: string): Promise<Account[]> {
  const accounts: Account[] = [];
  for (const username of USERS) {
    const authHash = b64(64);
    const reply = await json(`${url}/users`, 'POST', { username, authHash, publicKey: PUBLIC_KEY, encryptedPrivateKey: b64(2400), kdfSalt: b64(16), kdfIterations: 210_000 });
    if (reply.status !== 201) throw new Error(`registering ${username}: ${reply.status}`);
    accounts.push({ username, authHash });
  }
  return accounts;
}

/** Registers each of `usernames` as registerAll does; answers their tokens (registration hands one out), in order. */
export async function registerUsers(url: string, usernames: readonly string[]): Promise<string[]> {
  const tokens: string[] = [];
  for (const username of usernames) {
    const reply = await json(`${url}/users`, 'POST', { username, authHash: b64(64), publicKey: PUBLIC_KEY, encryptedPrivateKey: b64(2400), kdfSalt: b64(16), kdfIterations: 210_000 });
    if (reply.status !== 201) throw new Error(`registering ${username}: ${reply.status}`);
    tokens.push(reply.body.token as string);
  }
  return tokens;
}

export async function login(url: string, account: Account): Promise<string> {
  const reply = await json(`${url}/login`, 'POST', account);
  if (reply.status !== 200) throw new Error(`login ${account.username}: ${reply.status}`);
  return reply.body.token as string;
}

/** One autocannon run, in the figures the benchmarks print. */
export interface Load {
  rate: number;
  p50: number;
  p99: number;
  mean: number;
  non2xx: number;
  errors: number;
}

export function summarize(result: autocannon.Result): Load {
  return {
    rate: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    mean: result.latency.average,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export interface Timing {
  mean: number;
  p50: number;
  p99: number;
}

/** One request at a time over one kept-alive connection, timed to the microsecond. */
export async function sequential(url: string, headers: Record<string, string>, count: number): Promise<Timing> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const times: number[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const started = process.hrtime.bigint();
      const status = await new Promise<number>((resolve, reject) => {
        http
          .get(url, { agent, headers }, (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          })
          .on('error', reject);
      });
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
      if (status !== 200) throw new Error(`GET ${url} answered ${status}`);
    }
  } finally {
    agent.destroy();
  }
  times.sort((a, b) => a - b);
  return { mean: times.reduce((a, b) => a + b, 0) / times.length, p50: percentile(times, 50), p99: percentile(times, 99) };
}

/** A database a latency run can fill with messages directly (far faster than through the server). */
export interface FillableDatabase {
  url: string;
  fill(count: number, onProgress: (done: number) => void): Promise<void>;
  bytes(): number | Promise<number>;
}

/**
 * GET /messages latency with `count` stored messages: registers USERS, fills the database with the server
 * stopped, then times each query one request at a time after a warm-up, and prints the figures.
 */
export async function latencyAt(database: FillableDatabase, count: number, requests: number): Promise<Timing> {
  let server = await startBenchServer(database.url);
  const accounts = await registerAll(server.url);
  await server.stop();
  const started = Date.now();
  await database.fill(count, (done) => {
    if (count >= 100_000) process.stdout.write(`\r  filling: ${done.toLocaleString('en')} / ${count.toLocaleString('en')} messages (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  });
  if (count >= 100_000) process.stdout.write('\n');
  server = await startBenchServer(database.url);
  try {
    const token = await login(server.url, accounts[0]!);
    const headers = { authorization: `Bearer ${token}` };
    const results: Record<string, Timing> = {};
    for (const query of ['limit=50', 'order=desc&limit=50', 'peer=bob&order=desc&limit=50']) {
      const url = `${server.url}/messages?${query}`;
      await sequential(url, headers, 300); // warm-up
      results[query] = await sequential(url, headers, requests);
    }
    console.log(`  ${count.toLocaleString('en').padStart(9)} messages (${((await database.bytes()) / 1e6).toFixed(0)} MB):`);
    for (const [query, r] of Object.entries(results)) {
      console.log(`    GET /messages?${query.padEnd(30)} mean ${r.mean.toFixed(3)} ms  p50 ${r.p50.toFixed(3)} ms  p99 ${r.p99.toFixed(3)} ms`);
    }
    return results['limit=50']!;
  } finally {
    await server.stop();
  }
}
