// Bench side (Node, run by `npm run bench:peers`): the project's server beside ejabberd under the same load
// generator (autocannon), the same connections and duration, in alternating rounds: POST /messages of a
// really sealed 1 KiB message (RSA-4096 wrapped keys and signature, format 2) vs ejabberd's mod_http_api
// `send_message` of a 1.4 KB body to a user who is offline (kept by mod_offline). Both spread the messages
// over the same number of recipients, in turn.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { sealDirectV2 } from '../../core/crypto/message-v2.js';
import { utf8 } from '../../core/crypto/webcrypto.js';
import { importedKeys } from '../../core/test-fixtures/vectors.js';
import { buildServer } from '../../test/support/server-process.js';
import { registerUsers, startBenchServer, summarize, type Load } from '../bench/server-api.js';
import { EJABBERD_HOST, ensureEjabberd, startEjabberd, type Ejabberd } from './ejabberd.js';

const ID_PLACEHOLDER = '00000000-0000-4000-8000-000000000000';
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export interface ServerPeerOptions {
  rounds: number;
  duration: number;
  connections: number;
  recipients: number;
}

/** POST /messages bodies, one really sealed 1 KiB message per recipient, under a fresh id each time. */
async function sealedBodies(sender: string, recipients: readonly string[]): Promise<{ next: () => string; bytes: number }> {
  const [alice, bob] = await Promise.all([importedKeys('alice'), importedKeys('bob')]);
  const content = utf8(JSON.stringify({ type: 'text', text: 'x'.repeat(1000) })).subarray(0, 1024);
  const templates = await Promise.all(
    recipients.map(async (recipient) => {
      const sealed = await sealDirectV2({ id: ID_PLACEHOLDER, sender, recipient, plaintext: content, senderPrivateKey: alice.privateKey, senderPublicKey: alice.publicKey, recipientPublicKey: bob.publicKey });
      return JSON.stringify(sealed).split(ID_PLACEHOLDER) as [string, string];
    }),
  );
  let turn = 0;
  return {
    next: () => {
      const [before, after] = templates[turn++ % templates.length]!;
      return before + randomUUID() + after;
    },
    bytes: Buffer.byteLength(templates[0]!.join(ID_PLACEHOLDER)),
  };
}

function line(name: string, loads: Load[], extra = ''): string {
  const rate = median(loads.map((l) => l.rate));
  const p99 = median(loads.map((l) => l.p99));
  const bad = loads.reduce((n, l) => n + l.non2xx + l.errors, 0);
  const rounds = loads.map((l) => l.rate.toFixed(0)).join(', ');
  return `  ${name.padEnd(44)} ${rate.toFixed(0).padStart(6)} req/s  p99 ${String(p99).padStart(4)} ms   (rounds: ${rounds} req/s)${bad ? `  !! ${bad} non-2xx or errors` : ''}${extra}`;
}

export async function serverVsEjabberd(options: ServerPeerOptions): Promise<void> {
  console.log(`\nServer vs ejabberd: autocannon, ${options.connections} connections, ${options.duration} s a round, ${options.rounds} rounds each, alternating; messages spread over ${options.recipients} fresh recipients each round`);
  const why = ensureEjabberd();
  if (why) {
    console.log(`  ejabberd: cannot be run here (${why}); skipped`);
    return;
  }
  let ejabberd: Ejabberd;
  try {
    ejabberd = await startEjabberd();
  } catch (error) {
    console.log(`  ejabberd: did not start (${(error as Error).message.split('\n')[0]}); skipped`);
    return;
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'chat-bench-peers-'));
  await buildServer();
  const server = await startBenchServer(`sqlite:${path.join(dir, 'chat.sqlite')}`);
  try {
    // Fresh recipients for every round (and the warm-up): ejabberd keeps an offline queue per user in a dets
    // bag, whose inserts slow down as the queue grows, so each round starts both sides on empty queues.
    const sets = Array.from({ length: options.rounds + 1 }, (_, round) => Array.from({ length: options.recipients }, (_, i) => `peer${round}_${String(i + 1).padStart(3, '0')}`));
    const recipients = sets.flat();
    const sender = 'peer_sender';
    // The project: registered over HTTP as clients do; ejabberd: with ejabberdctl.
    const [token] = await registerUsers(server.url, [sender, ...recipients]);
    for (const name of [sender, ...recipients]) await ejabberd.ctl('register', name, EJABBERD_HOST, randomBytes(12).toString('hex'));

    const xmppBody = randomBytes(1050).toString('base64'); // 1,400 characters: a 1 KiB ciphertext in base64
    const loads = await Promise.all(
      sets.map(async (set) => {
        const bodies = await sealedBodies(sender, set);
        let turn = 0;
        const xmppRequest = () => JSON.stringify({ type: 'chat', from: `${sender}@${EJABBERD_HOST}`, to: `${set[turn++ % set.length]}@${EJABBERD_HOST}`, subject: '', body: xmppBody });
        const ours: autocannon.Options = {
          url: server.url,
          requests: [{ method: 'POST', path: '/messages', headers: { authorization: `Bearer ${token!}`, 'content-type': 'application/json' }, setupRequest: (req) => ({ ...req, body: bodies.next() }) }],
        };
        const theirs: autocannon.Options = {
          url: ejabberd.url,
          requests: [{ method: 'POST', path: '/api/send_message', headers: { 'content-type': 'application/json' }, setupRequest: (req) => ({ ...req, body: xmppRequest() }) }],
        };
        return { ours, theirs, bytes: bodies.bytes };
      }),
    );
    let peerAnswered = 0;
    const run = async (o: autocannon.Options, duration: number) => autocannon({ connections: options.connections, duration, ...o });
    await run(loads[0]!.ours, 2); // warm-up
    peerAnswered += (await run(loads[0]!.theirs, 2))['2xx'];
    const project: Load[] = [];
    const peer: Load[] = [];
    for (let i = 0; i < options.rounds; i++) {
      const { ours, theirs } = loads[i + 1]!;
      const p = async () => project.push(summarize(await run(ours, options.duration)));
      const q = async () => {
        const r = await run(theirs, options.duration);
        peerAnswered += r['2xx'];
        peer.push(summarize(r));
      };
      if (i % 2 === 0) await q().then(p);
      else await p().then(q);
    }
    const stored = await Promise.all(
      recipients.map(async (user) => {
        const r = await fetch(`${ejabberd.url}/api/get_offline_count`, { method: 'POST', body: JSON.stringify({ user, host: EJABBERD_HOST }) });
        return ((await r.json()) as { value: number }).value;
      }),
    );
    const storedTotal = stored.reduce((a, b) => a + b, 0);
    const offlineStorage = await ejabberd.storageType('offline_msg');
    console.log(line(`project POST /messages (${loads[0]!.bytes} B sealed 1 KiB)`, project));
    console.log(line(`ejabberd ${ejabberd.version} send_message (1.4 KB body)`, peer));
    const [ourRate, theirRate] = [median(project.map((l) => l.rate)), median(peer.map((l) => l.rate))];
    console.log(`  project / ejabberd rate: ${(ourRate / theirRate).toFixed(2)}× (goal ≥ 1); p99 ${(median(project.map((l) => l.p99)) / Math.max(1, median(peer.map((l) => l.p99)))).toFixed(2)}×`);
    console.log(`  ejabberd offline queues after the run: ${storedTotal.toLocaleString('en')} messages stored for ${peerAnswered.toLocaleString('en')} answered with 2xx (warm-up included; requests in flight when a round ended are stored but not counted)`);
    console.log(
      '  durability, project: each POST is answered 201 only after its transaction committed in SQLite in WAL mode with synchronous=FULL ' +
        '(server/db/database.ts, write-transaction.ts), i.e. after the WAL was fsynced: an answered message survives a killed process and a power failure.',
    );
    console.log(
      `  durability, ejabberd (this config, Mnesia, the default): mod_offline's table offline_msg is ${offlineStorage} ` +
        '(a dets file), written by mnesia:dirty_write (no transaction, no log) and never fsynced per message (strace of the node under ' +
        'this load: pwrite64 calls, no fsync or fdatasync): an answered message may be lost on a power failure or an OS crash.',
    );
  } finally {
    await server.stop();
    await ejabberd.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
