// `npm run bench:hostile`: normal traffic on a real server process (compiled, SQLite, loopback) alone, then
// the same beside hostile clients — BENCH_STALLED (500) GET /events streams that never read a byte after
// their headers, and BENCH_SLOW (200) connections that send their request headers one byte a second (and
// reconnect when cut, as an attacker would). Prints normal p99 quiet vs loaded (goal: within 2x), the
// server's RSS before, during (highest) and after (goal: bounded), and what the server shed, by what.
//
// Normal traffic: autocannon, BENCH_CONNECTIONS (10) connections, alternating POST /messages with a sealed
// message of realistic size (to the stalled users, so the server keeps writing to the streams that do not
// read) and GET /messages?limit=50. Clients come from distinct loopback addresses, as they would from
// distinct machines: normal traffic from 127.0.0.1, the stalled streams from 127.0.0.2-11 (50 each, the
// STREAMS_PER_ADDRESS default, plus one more each to show its 429), the slow ones from 127.0.1.1-4.
// Needs about 1,000 file descriptors (the npm script raises `ulimit -n`). Options (env): BENCH_DURATION
// seconds of the loaded run (30: past HEADERS_TIMEOUT's 20 s), BENCH_QUIET seconds of the quiet run (15).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { buildServer } from '../test/support/server-process.js';
import { login, registerAll, registerUsers, sendFields, startBenchServer, summarize, type Load } from './bench/server-api.js';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const LOADED_SECONDS = Number(process.env.BENCH_DURATION ?? 30);
const QUIET_SECONDS = Number(process.env.BENCH_QUIET ?? 15);
const STALLED = Number(process.env.BENCH_STALLED ?? 500);
const SLOW = Number(process.env.BENCH_SLOW ?? 200);
const STREAMS_PER_ADDRESS = 50;
const STREAMS_PER_USER = 10;
const SLOW_ADDRESSES = 4;

const folders: string[] = [];
process.once('exit', () => folders.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function rssMiB(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

const progress = (what: string) => process.stderr.write(`  [${new Date().toISOString().slice(11, 19)}] ${what}\n`);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Stalled {
  socket: net.Socket;
  status: number;
}

/** Opens GET /events from `localAddress`, reads the response head, then never reads again. */
function openStalled(url: URL, token: string, localAddress: string): Promise<Stalled> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: url.hostname, port: Number(url.port), localAddress });
    let head = '';
    socket.on('error', () => undefined);
    socket.write(`GET /events HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${token}\r\n\r\n`);
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
      if (status === 200 && !head.includes(': connected')) return;
      if (status === 0) return;
      socket.off('data', onData);
      if (status === 200) socket.pause();
      else socket.destroy();
      resolve({ socket, status });
    };
    socket.on('data', onData);
    socket.once('close', () => resolve({ socket, status: 0 }));
  });
}

interface SlowFigures {
  /** Cut with 408: headersTimeout. */
  cutByHeadersTimeout: number;
  /** Closed with no answer (CONNECTIONS_PER_ADDRESS at accept, or reset). */
  closedSilently: number;
  /** Seconds from connecting to the cut, for the 408s. */
  secondsToCut: number[];
  /** Bytes of headers the longest one got in before its cut. */
  mostBytes: number;
}

/** SLOW connections dripping headers one byte a second, each reconnecting when cut, until `stop`. */
function slowClients(url: URL, stop: { stopped: boolean }): { figures: SlowFigures; done: Promise<void> } {
  const figures: SlowFigures = { cutByHeadersTimeout: 0, closedSilently: 0, secondsToCut: [], mostBytes: 0 };
  const request = `GET /health HTTP/1.1\r\nHost: ${url.host}\r\nUser-Agent: ${'slow'.repeat(100)}\r\n\r\n`;
  const one = async (localAddress: string): Promise<void> => {
    while (!stop.stopped) {
      await new Promise<void>((resolve) => {
        const socket = net.connect({ host: url.hostname, port: Number(url.port), localAddress });
        const started = Date.now();
        let answer = '';
        let sent = 0;
        socket.on('error', () => undefined);
        socket.setEncoding('latin1').on('data', (chunk: string) => (answer += chunk));
        const drip = setInterval(() => {
          if (stop.stopped) socket.destroy();
          else if (sent < request.length) socket.write(request[sent++]!);
        }, 1000);
        socket.once('close', () => {
          clearInterval(drip);
          if (!stop.stopped) {
            if (/^HTTP\/1\.1 408 /.test(answer)) {
              figures.cutByHeadersTimeout++;
              figures.secondsToCut.push((Date.now() - started) / 1000);
            } else figures.closedSilently++;
            figures.mostBytes = Math.max(figures.mostBytes, sent);
          }
          resolve();
        });
      });
      if (!stop.stopped) await pause(100);
    }
  };
  const done = Promise.all(Array.from({ length: SLOW }, (_, i) => one(`127.0.1.${(i % SLOW_ADDRESSES) + 1}`))).then(() => undefined);
  return { figures, done };
}

function normalTraffic(url: string, token: string, recipients: readonly string[], seconds: number): Promise<Load> {
  const fields = sendFields();
  let next = 0;
  const auth = { authorization: `Bearer ${token}` };
  return autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        path: '/messages',
        headers: { ...auth, 'content-type': 'application/json' },
        setupRequest: (req) => ({ ...req, body: JSON.stringify({ id: randomUUID(), recipient: recipients[next++ % recipients.length], ...fields }) }),
      },
      { method: 'GET', path: '/messages?limit=50', headers: auth },
    ],
  }).then(summarize);
}

function line(name: string, r: Load, quiet?: Load): string {
  const ratio = quiet ? `   p99 ${(r.p99 / Math.max(quiet.p99, 1)).toFixed(2)}x quiet (goal <= 2x)` : '';
  const bad = r.non2xx + r.errors > 0 ? `  (!! ${r.non2xx} non-2xx, ${r.errors} errors)` : '';
  return `  ${name.padEnd(28)} ${r.rate.toFixed(0).padStart(6)} req/s  p50 ${String(r.p50).padStart(3)} ms  p99 ${String(r.p99).padStart(4)} ms${ratio}${bad}`;
}

async function main(): Promise<void> {
  await buildServer();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'chat-bench-hostile-'));
  folders.push(dir);
  // The defaults under test: HEADERS_TIMEOUT 20 s, STREAMS_PER_ADDRESS 50, CONNECTIONS_PER_ADDRESS 256,
  // STREAM_BUFFER_LIMIT 1 MiB (none set here).
  const server = await startBenchServer(`sqlite:${path.join(dir, 'chat.sqlite')}`);
  const url = new URL(server.url);
  try {
    const accounts = await registerAll(server.url);
    const token = await login(server.url, accounts[0]!);
    const idleCount = Math.ceil(STALLED / STREAMS_PER_USER);
    const idleNames = Array.from({ length: idleCount }, (_, i) => `idle${i}`);
    const idleTokens = await registerUsers(server.url, idleNames);

    console.log(`\nHostile clients beside normal traffic (${CONNECTIONS} connections: POST /messages to the stalled users + GET /messages?limit=50)`);
    await normalTraffic(server.url, token, idleNames, 3); // warm-up
    const rssBefore = rssMiB(server.pid);
    const quiet = await normalTraffic(server.url, token, idleNames, QUIET_SECONDS);
    progress('quiet run done; opening the stalled streams');

    // The stalled streams: STREAMS_PER_ADDRESS from each of their addresses, then one more each.
    const addresses = Math.ceil(STALLED / STREAMS_PER_ADDRESS);
    const stalled: Stalled[] = [];
    for (let a = 0; a < addresses; a++) {
      const opening: Promise<Stalled>[] = [];
      for (let i = 0; i < STREAMS_PER_ADDRESS && a * STREAMS_PER_ADDRESS + i < STALLED; i++) {
        const n = a * STREAMS_PER_ADDRESS + i;
        opening.push(openStalled(url, idleTokens[n % idleCount]!, `127.0.0.${a + 2}`));
      }
      stalled.push(...(await Promise.all(opening)));
    }
    const overCap = await Promise.all(Array.from({ length: addresses }, (_, a) => openStalled(url, idleTokens[a]!, `127.0.0.${a + 2}`)));
    const openedStalled = stalled.filter((s) => s.status === 200).length;
    const refusedOverCap = overCap.filter((s) => s.status === 429).length;

    progress(`${openedStalled} stalled streams open; the loaded run (${LOADED_SECONDS} s)`);
    const stop = { stopped: false };
    const slow = slowClients(url, stop);
    let rssDuring = 0;
    const sampler = setInterval(() => (rssDuring = Math.max(rssDuring, rssMiB(server.pid))), 500);
    const loaded = await normalTraffic(server.url, token, idleNames, LOADED_SECONDS);
    clearInterval(sampler);
    rssDuring = Math.max(rssDuring, rssMiB(server.pid));
    stop.stopped = true;
    await slow.done;
    progress('loaded run done; reading the stalled streams');

    // Which stalled streams did the server cut (STREAM_BUFFER_LIMIT)? Read them now: a cut one ends.
    let cut = 0;
    await Promise.all(
      stalled
        .filter((s) => s.status === 200)
        .map(
          (s) =>
            new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, 3_000);
              s.socket.once('end', () => {
                cut++;
                clearTimeout(timer);
                resolve();
              });
              s.socket.resume();
            }),
        ),
    );
    for (const s of [...stalled, ...overCap]) s.socket.destroy();
    await pause(5_000);
    const rssAfter = rssMiB(server.pid);

    console.log(line('quiet', quiet));
    console.log(line('beside the hostile clients', loaded, quiet));
    console.log(`  server RSS: before ${rssBefore.toFixed(0)} MiB, during (highest) ${rssDuring.toFixed(0)} MiB, after ${rssAfter.toFixed(0)} MiB`);
    console.log(`  stalled /events streams: ${openedStalled} of ${STALLED} opened from ${addresses} addresses; ${refusedOverCap} of ${overCap.length} over STREAMS_PER_ADDRESS refused with 429`);
    console.log(`    cut for a full buffer (STREAM_BUFFER_LIMIT) during the run: ${cut}; the rest held open at a bounded cost (heartbeats only)`);
    const f = slow.figures;
    const times = f.secondsToCut.sort((x, y) => x - y);
    const median = times.length ? times[Math.floor(times.length / 2)]!.toFixed(1) : '-';
    console.log(
      `  slow-header connections (${SLOW} at a time, reconnecting): ${f.cutByHeadersTimeout} cut by headersTimeout (408, median ${median} s after connecting), ` +
        `${f.closedSilently} closed without an answer; the longest got ${f.mostBytes} bytes of headers in`,
    );
  } finally {
    await server.stop();
  }
}

await main();
