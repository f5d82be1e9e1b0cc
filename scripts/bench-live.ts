// `npm run bench:live`: many live connections on one server instance (the compiled server as a child process,
// SQLite in a temporary folder). Opens 1,000 and then 5,000 GET /events streams of distinct users, held by two
// client processes (scripts/bench-support/live-clients.ts) so the load generator does not distort the server,
// and prints for each count:
//   - server memory per open stream: RSS and V8 heap (after a full GC, asked over IPC from
//     scripts/bench-support/server-memory-probe.mjs) before and after opening, divided by the streams opened;
//   - CPU of the server at idle with every stream open (heartbeats only), from /proc/<pid>/stat;
//   - commit-to-delivery of messages sent among the users at a steady rate: from the POST's 201 answer (and from
//     the moment it was sent) to the event's arrival on the recipient's stream, p50 / p99.
// Goals: ≤ 50 KiB per idle stream, p99 delivery ≤ 100 ms at 1,000 streams with 200 messages/s, idle CPU ≤ 5%.
// The npm script raises the file-descriptor limit (ulimit -n 65536): each stream is one socket on both sides.
// Options (env): BENCH_STREAMS ("1000,5000"), BENCH_RATE (200) messages/s, BENCH_SEND_SECONDS (20),
// BENCH_IDLE_SECONDS (20), BENCH_CLIENT_PROCESSES (2); BENCH_CPU_PROFILE=<folder>: the servers write a V8 CPU profile there.
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildServer } from '../test/support/server-process.js';
import { b64, percentile, PUBLIC_KEY, sendFields } from './bench/server-api.js';

const COUNTS = (process.env.BENCH_STREAMS ?? '1000,5000').split(',').map(Number);
const RATE = Number(process.env.BENCH_RATE ?? 200);
const SEND_SECONDS = Number(process.env.BENCH_SEND_SECONDS ?? 20);
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 20);
const CLIENT_PROCESSES = Number(process.env.BENCH_CLIENT_PROCESSES ?? 2);
const HEARTBEAT_SECONDS = 20; // the server's default HEARTBEAT_INTERVAL
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Account {
  username: string;
  token: string;
}

interface MemoryUsage {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

/** The compiled server with the memory probe loaded, limits opened for one client address holding every stream. */
async function startServer(databaseUrl: string): Promise<{ url: string; child: ChildProcess; memory: () => Promise<MemoryUsage> }> {
  const profile = process.env.BENCH_CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`] : [];
  const child = spawn(process.execPath, ['--expose-gc', ...profile, '--import', path.join(ROOT, 'scripts/bench-support/server-memory-probe.mjs'), path.join(ROOT, 'dist/server/main.js')], {
    cwd: ROOT,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'silent',
      DATABASE_URL: databaseUrl,
      REGISTRATIONS_PER_ADDRESS: '1000000',
      LOGIN_FAILURES_PER_ADDRESS: '1000000',
      SENDS_PER_MINUTE: '0',
      MESSAGE_QUOTA: '0',
      STREAMS_PER_ADDRESS: '1000000',
      CONNECTIONS_PER_ADDRESS: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  process.once('exit', () => child.kill('SIGKILL'));
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr = (stderr + c).slice(-5000)));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      const match = /^Encrypted Chat server listening on (\S+)$/m.exec(out);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`the server exited (${code}): ${stderr}`)));
  });
  const memory = () =>
    new Promise<MemoryUsage>((resolve) => {
      child.once('message', (m: { memory: MemoryUsage }) => resolve(m.memory));
      child.send('memory');
    });
  return { url, child, memory };
}

/** Registers `count` users over HTTP, `parallel` at a time; answers their tokens. */
async function registerMany(url: string, count: number, parallel = 16): Promise<Account[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: parallel });
  const accounts: Account[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const username = `live${String(i).padStart(5, '0')}`;
      const body = JSON.stringify({ username, authHash: b64(64), publicKey: PUBLIC_KEY, encryptedPrivateKey: b64(2400), kdfSalt: b64(16), kdfIterations: 210_000 });
      const reply = await request(agent, `${url}/users`, 'POST', body);
      if (reply.status !== 201) throw new Error(`registering ${username}: ${reply.status} ${reply.body}`);
      accounts[i] = { username, token: (JSON.parse(reply.body) as { token: string }).token };
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  agent.destroy();
  return accounts;
}

function request(agent: http.Agent, url: string, method: string, body: string, token?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
    if (token) headers.authorization = `Bearer ${token}`;
    const req = http.request(url, { method, agent, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The client processes, each holding a share of the streams; arrivals of events come back over IPC. */
class Clients {
  readonly arrivals = new Map<string, number>();
  private readonly children: ChildProcess[] = [];
  private waiting: ((id: string) => void) | undefined;

  async start(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      const child = fork(path.join(ROOT, 'scripts/bench-support/live-clients.ts'), [], { execArgv: ['--import', 'tsx'], cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      child.on('message', (m: { arrivals?: Array<[string, number]> }) => {
        for (const [id, at] of m.arrivals ?? []) {
          this.arrivals.set(id, at);
          this.waiting?.(id);
        }
      });
      await new Promise<void>((resolve) => child.once('message', () => resolve()));
      this.children.push(child);
    }
  }

  /** Opens a stream for each account, spread over the client processes. */
  async open(url: string, accounts: Account[]): Promise<void> {
    const shares = this.children.map((_, i) => accounts.filter((_, j) => j % this.children.length === i));
    const replies = await Promise.all(
      this.children.map(
        (child, i) =>
          new Promise<{ opened: number; failed: number; firstError: string }>((resolve) => {
            const onMessage = (m: { opened?: number; failed: number; firstError: string }) => {
              if (m.opened === undefined) return;
              child.off('message', onMessage);
              resolve(m as { opened: number; failed: number; firstError: string });
            };
            child.on('message', onMessage);
            child.send({ open: shares[i], url });
          }),
      ),
    );
    const failed = replies.reduce((n, r) => n + r.failed, 0);
    if (failed > 0) throw new Error(`${failed} of ${accounts.length} streams did not open: ${replies.find((r) => r.failed)!.firstError}`);
  }

  /** Resolves when every id has arrived, or after `ms`. */
  async waitFor(ids: string[], ms: number): Promise<void> {
    const missing = new Set(ids.filter((id) => !this.arrivals.has(id)));
    if (missing.size === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.waiting = (id) => {
        missing.delete(id);
        if (missing.size === 0) {
          clearTimeout(timer);
          resolve();
        }
      };
    });
    this.waiting = undefined;
  }

  stop(): void {
    for (const child of this.children) child.send({ close: true });
  }
}

/** User + system CPU seconds of a process so far (/proc/<pid>/stat fields 14 and 15, in clock ticks). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

interface Delivery {
  answered: number[];
  sent: number[];
  lost: number;
  failed: number;
  achievedRate: number;
}

/** Sends `rate` messages a second for `seconds` between random pairs of `accounts`, each to a recipient holding a stream. */
async function sendLoad(url: string, accounts: Account[], clients: Clients, rate: number, seconds: number): Promise<Delivery> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const fields = sendFields();
  const records: Array<{ id: string; sent: number; answered: number }> = [];
  let failed = 0;
  const pending: Promise<void>[] = [];
  const started = performance.now();
  let due = 0;
  while (performance.now() - started < seconds * 1000) {
    const target = Math.floor(((performance.now() - started) / 1000) * rate);
    for (; due < target; due++) {
      const from = accounts[Math.floor(Math.random() * accounts.length)]!;
      let to = accounts[Math.floor(Math.random() * accounts.length)]!;
      if (to === from) to = accounts[(accounts.indexOf(from) + 1) % accounts.length]!;
      const id = randomUUID();
      const sent = now();
      pending.push(
        request(agent, `${url}/messages`, 'POST', JSON.stringify({ id, recipient: to.username, ...fields }), from.token).then((reply) => {
          if (reply.status === 201) records.push({ id, sent, answered: now() });
          else failed++;
        }),
      );
    }
    await sleep(2);
  }
  await Promise.all(pending);
  const elapsed = (performance.now() - started) / 1000;
  await clients.waitFor(
    records.map((r) => r.id),
    10_000,
  );
  agent.destroy();
  const answered: number[] = [];
  const sent: number[] = [];
  let lost = 0;
  for (const r of records) {
    const at = clients.arrivals.get(r.id);
    if (at === undefined) lost++;
    else {
      answered.push(at - r.answered);
      sent.push(at - r.sent);
    }
  }
  answered.sort((a, b) => a - b);
  sent.sort((a, b) => a - b);
  return { answered, sent, lost, failed, achievedRate: records.length / elapsed };
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const ms = (values: number[], p: number) => `${percentile(values, p).toFixed(1)} ms`;

async function main(): Promise<void> {
  const limit = execFileSync('bash', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
  console.log(`Encrypted Chat live connections — ${new Date().toISOString()}`);
  console.log(
    `  machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}; open-file limit ${limit}`,
  );
  const most = Math.max(...COUNTS);
  if (limit !== 'unlimited' && Number(limit) < most + 1000) {
    console.log(`  the open-file limit (${limit}) is below ${most + 1000}: run it as \`npm run bench:live\` (which raises it) or raise it with ulimit -n`);
    process.exitCode = 1;
    return;
  }
  await buildServer();
  // The users are registered over HTTP (as clients do) on a first server whose database lives in memory
  // (/dev/shm: each registration's fsync costs nothing there), then the file is copied to disk and the
  // measured server starts on the copy: same users, same tokens, a fresh process.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'chat-bench-live-'));
  const fillDir = mkdtempSync(path.join(existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir(), 'chat-bench-live-fill-'));
  process.once('exit', () => [dir, fillDir].forEach((d) => rmSync(d, { recursive: true, force: true })));
  const t0 = performance.now();
  const filler = await startServer(`sqlite:${path.join(fillDir, 'chat.sqlite')}`);
  const accounts = await registerMany(filler.url, most);
  filler.child.kill('SIGTERM');
  await new Promise((r) => filler.child.once('exit', r));
  cpSync(fillDir, dir, { recursive: true });
  console.log(`  ${most.toLocaleString('en')} users registered over HTTP in ${((performance.now() - t0) / 1000).toFixed(1)} s; streams held by ${CLIENT_PROCESSES} client processes; heartbeat every ${HEARTBEAT_SECONDS} s (the default)`);
  const server = await startServer(`sqlite:${path.join(dir, 'chat.sqlite')}`);
  const clients = new Clients();
  try {
    await clients.start(CLIENT_PROCESSES);
    await sleep(1000);
    const base = await server.memory();
    console.log(`  server before any stream: RSS ${mib(base.rss)}, heap ${mib(base.heapUsed)}`);
    let open = 0;
    for (const count of COUNTS) {
      const before = open === 0 ? base : await server.memory();
      const opening = performance.now();
      await clients.open(server.url, accounts.slice(open, count));
      const openSeconds = (performance.now() - opening) / 1000;
      const added = count - open;
      open = count;
      await sleep(2000);
      const after = await server.memory();
      console.log(`\n  ${count.toLocaleString('en')} open streams (${added.toLocaleString('en')} opened in ${openSeconds.toFixed(1)} s)`);
      const outside = (m: MemoryUsage) => m.external + m.arrayBuffers;
      console.log(
        `    memory per stream opened: RSS ${kib((after.rss - before.rss) / added)}, heap ${kib((after.heapUsed - before.heapUsed) / added)}, ` +
          `external + array buffers ${kib((outside(after) - outside(before)) / added)} (goal ≤ 50 KiB); ` +
          `since no stream was open: RSS ${kib((after.rss - base.rss) / count)}, heap ${kib((after.heapUsed - base.heapUsed) / count)} per stream ` +
          `(server RSS ${mib(after.rss)}, heap ${mib(after.heapUsed)})`,
      );
      await sleep(1000);
      const cpu0 = cpuSeconds(server.child.pid!);
      const w0 = performance.now();
      await sleep(IDLE_SECONDS * 1000);
      const idle = (cpuSeconds(server.child.pid!) - cpu0) / ((performance.now() - w0) / 1000);
      console.log(`    server CPU at idle over ${IDLE_SECONDS} s (heartbeats only): ${(idle * 100).toFixed(2)}% of one core (goal ≤ 5%)`);
      const cpu1 = cpuSeconds(server.child.pid!);
      const w1 = performance.now();
      const d = await sendLoad(server.url, accounts.slice(0, count), clients, RATE, SEND_SECONDS);
      const busy = (cpuSeconds(server.child.pid!) - cpu1) / ((performance.now() - w1) / 1000);
      const total = d.answered.length + d.lost;
      console.log(
        `    ${RATE} messages/s for ${SEND_SECONDS} s (achieved ${d.achievedRate.toFixed(0)}/s, ${total.toLocaleString('en')} answered 201, ${d.failed} failed, ${d.lost} never arrived), server CPU ${(busy * 100).toFixed(0)}%:`,
      );
      if (d.answered.length > 0) {
        console.log(`      201 answered → event on the recipient's stream: p50 ${ms(d.answered, 50)}, p99 ${ms(d.answered, 99)}, max ${ms(d.answered, 100)}${count === COUNTS[0] ? ' (goal p99 ≤ 100 ms)' : ''}`);
        console.log(`      POST sent → event on the recipient's stream:    p50 ${ms(d.sent, 50)}, p99 ${ms(d.sent, 99)}, max ${ms(d.sent, 100)}`);
      }
    }
  } finally {
    clients.stop();
    server.child.kill('SIGTERM');
    await new Promise((r) => server.child.once('exit', r));
  }
}

await main();
