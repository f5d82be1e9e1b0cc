// Fan-out figures for `npm run bench:server`: every member of a group holds a GET /events stream (its own
// user and token), one sender posts group messages one at a time, and each is timed from the POST's answer
// (its commit) until the last member's stream delivered the event; also to the first member's stream.
// A group of 10 beside the group of 100 on the same server shows how the time grows with the members.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { openEventStream } from '../bench-support/event-stream.js';
import { createGroup, GROUP_ENV, GROUP_SIZE, memberNames, registerMembers, sealedGroupBody } from './group-load.js';
import { percentile, startBenchServer } from './server-api.js';

const WARM_UP = 20;
const TIMEOUT_MS = 10_000;

/** Each message's arrivals on the streams, and who waits for the last one. */
class Arrivals {
  private readonly pending = new Map<string, { left: number; first: number; last: number; done: () => void }>();

  expect(id: string, streams: number): Promise<{ first: number; last: number }> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`message ${id}: ${entry.left} of ${streams} streams did not deliver it within ${TIMEOUT_MS / 1000} s`));
      }, TIMEOUT_MS);
      const entry = {
        left: streams,
        first: Infinity,
        last: 0,
        done: () => {
          clearTimeout(timer);
          this.pending.delete(id);
          resolve({ first: entry.first, last: entry.last });
        },
      };
      this.pending.set(id, entry);
    });
  }

  arrived(id: string, at: number): void {
    const entry = this.pending.get(id);
    if (!entry) return;
    entry.first = Math.min(entry.first, at);
    entry.last = Math.max(entry.last, at);
    if (--entry.left === 0) entry.done();
  }
}

/** POST over one kept-alive connection; resolves with the time the whole answer was in. */
function post(agent: http.Agent, url: string, token: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}/messages`, { method: 'POST', agent, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 201 ? resolve(performance.now()) : reject(new Error(`POST /messages: ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

interface Spread {
  post: number[];
  first: number[];
  last: number[];
}

async function sendOneAtATime(agent: http.Agent, url: string, token: string, body: (id: string) => string, arrivals: Arrivals, streams: number, count: number): Promise<Spread> {
  const spread: Spread = { post: [], first: [], last: [] };
  for (let i = 0; i < count; i++) {
    const id = randomUUID();
    const text = body(id);
    const arrived = arrivals.expect(id, streams);
    const started = performance.now();
    const answered = await post(agent, url, token, text);
    const { first, last } = await arrived;
    spread.post.push(answered - started);
    spread.first.push(first - answered);
    spread.last.push(last - answered);
  }
  for (const list of [spread.post, spread.first, spread.last]) list.sort((a, b) => a - b);
  return spread;
}

const ms = (values: number[], p: number) => `${percentile(values, p).toFixed(1).padStart(6)} ms`;

/** The fan-out run on a server of its own (SQLite at `databaseUrl`); prints its figures. */
export async function fanOut(databaseUrl: string, messages: number): Promise<void> {
  console.log(`\n1b. Fan-out: ${GROUP_SIZE} members each with a GET /events stream, one sender posts ${messages} group messages one at a time`);
  const server = await startBenchServer(databaseUrl, { ...GROUP_ENV, STREAMS_PER_ADDRESS: String(GROUP_SIZE + 50) });
  const streams: http.ClientRequest[] = [];
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const sender = 'fanout_sender';
    const names = memberNames(GROUP_SIZE);
    const tokens = await registerMembers(server.url, [sender, ...names]);
    const senderToken = tokens.get(sender)!;
    const arrivals = new Arrivals();
    for (const name of names) streams.push(await openEventStream(server.url, tokens.get(name)!, name, { onEvent: ({ id }, at) => arrivals.arrived(id, at) }));
    const rows: Array<[string, Spread]> = [];
    for (const size of [10, GROUP_SIZE]) {
      const recipients = names.slice(0, size);
      const group = await createGroup(server.url, senderToken, recipients);
      const body = await sealedGroupBody(sender, group, recipients);
      await sendOneAtATime(agent, server.url, senderToken, body, arrivals, size, WARM_UP);
      rows.push([`${size} members`, await sendOneAtATime(agent, server.url, senderToken, body, arrivals, size, messages)]);
    }
    console.log(`  ${''.padEnd(12)} ${'POST answered'.padEnd(21)} ${'answer → first stream'.padEnd(23)} answer → last stream`);
    for (const [name, s] of rows) {
      console.log(`  ${name.padEnd(12)} p50 ${ms(s.post, 50)} p99 ${ms(s.post, 99)}  p50 ${ms(s.first, 50)} p99 ${ms(s.first, 99)}  p50 ${ms(s.last, 50)} p99 ${ms(s.last, 99)}`);
    }
    const [small, big] = rows.map(([, s]) => percentile(s.last, 50) - percentile(s.first, 50)) as [number, number];
    console.log(`  first → last stream (p50): ${small.toFixed(1)} ms over 10 members, ${big.toFixed(1)} ms over ${GROUP_SIZE} (${((big - small) / (GROUP_SIZE - 10)).toFixed(2)} ms per further member)`);
  } finally {
    for (const req of streams) req.destroy();
    agent.destroy();
    await server.stop();
  }
}
