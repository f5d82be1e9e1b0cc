// `npm run bench:keylog`, part 3: what accepting one contact key costs the client (PROTOCOL.md "Key
// transparency", rules 2 and 3), with core's own code. For each sample, a random entry to accept and a kept
// head at a random older size (signed with the log's own key, read from the database: a head this device
// could have kept when it last looked), then:
//  - the computation alone, on answers fetched beforehand through core's KeyLogApi: checkHead (the pinned log
//    key imported, as KeyLog does for each check, the newest head's signature, the consistency proof from the
//    kept head) and checkContactKey (the exact entry and its inclusion proof in the newest head);
//  - the whole accept over HTTP: core's KeyLog.confirmKey — what KeyDirectory calls when it takes a contact's
//    key — on a device whose state core made itself (log key pinned, a head kept) but with the older head
//    kept: GET /keylog/head, /keylog/consistency, /keylog/entries and /keylog/proof, the checks, the save.
import { importPublicKey } from '../../core/crypto/rsa.js';
import { treeHeadBytes, type LogEntry, type SignedTreeHead } from '../../core/keylog/entries.js';
import { checkContactKey, checkHead } from '../../core/keylog/client-checks.js';
import { storedRoot } from '../../core/keylog/tree-store.js';
import { encodeBase64 } from '../../core/protocol/base64.js';
import { HttpApi } from '../../core/client/http-api.js';
import { KeyLog } from '../../core/client/key-log.js';
import { KeyLogApi } from '../../core/client/key-log-api.js';
import type { Session } from '../../core/client/session.js';
import { MemoryStore } from '../../core/client/store.js';
import type { LogKey } from '../../server/keylog/log-key.js';
import { nodeReader, type Select } from '../../server/keylog/nodes.js';
import type { Timing } from './server-api.js';

export interface ClientCost {
  samples: number;
  /** checkHead: log key import, signature, consistency proof (hashes in the proofs: min–max) */
  head: Timing;
  consistencyHashes: [number, number];
  /** checkContactKey: the entry and its inclusion proof */
  key: Timing;
  /** both, one after the other: the computation of one accept */
  both: Timing;
  /** KeyLog.confirmKey over HTTP, four GETs included */
  accept: Timing;
}

interface Sample {
  index: number;
  kept: SignedTreeHead;
  entry: LogEntry;
  inclusion: string[];
  consistency: string[];
}

class CountingApi extends KeyLogApi {
  consistencyCalls = 0;

  override consistency(from: number, to: number): Promise<string[]> {
    this.consistencyCalls++;
    return super.consistency(from, to);
  }
}

type Timed = (count: number, work: (i: number) => Promise<unknown>) => Promise<Timing>;

/**
 * `newest`: the server's newest head (every sample is checked against it: the server signs no other while the
 * bench runs); `logKey`: the log's key, to sign the kept heads; `random(n)`: the bench's seeded 0..n−1.
 */
export async function clientCost(options: {
  url: string;
  token: string;
  newest: SignedTreeHead;
  logKey: LogKey;
  select: Select;
  samples: number;
  random: (below: number) => number;
  timed: Timed;
}): Promise<ClientCost> {
  const { url, token, newest, logKey, select, random, timed } = options;
  const http = new HttpApi(url);
  http.token = token;
  const api = new KeyLogApi(http);
  const keyInfo = await api.logKey();
  if (!keyInfo || keyInfo.publicKey !== logKey.publicKey) throw new Error('the server shows another log key than the database holds');

  const samples: Sample[] = [];
  for (let i = 0; i < options.samples; i++) {
    const index = random(newest.size);
    const keptSize = 1 + random(newest.size - 1);
    const root = encodeBase64(await storedRoot(keptSize, nodeReader(select)));
    const timestamp = new Date().toISOString();
    const kept = { size: keptSize, root, timestamp, signature: await logKey.sign(treeHeadBytes({ size: keptSize, root, timestamp })) };
    const [entry] = await api.entries(index, 1);
    samples.push({ index, kept, entry: entry!, inclusion: await api.proof(index, newest.size), consistency: await api.consistency(keptSize, newest.size) });
  }

  const checkTheHead = async (s: Sample) => {
    const pinned = await importPublicKey(keyInfo.publicKey);
    const check = await checkHead({ kept: s.kept, offered: newest, source: 'server', proof: s.consistency, logKey: pinned, now: Date.now() });
    if (check.verdict !== 'advance') throw new Error(`the head check of sample ${s.index} said ${check.verdict}`);
  };
  const checkTheKey = async (s: Sample) => {
    const verdict = await checkContactKey({ username: s.entry.username, publicKey: s.entry.publicKey!, keyIndex: s.index, entry: s.entry, proof: s.inclusion, head: newest, seenKeyEntries: [] });
    if (verdict !== 'accepted') throw new Error(`the key of entry ${s.index} was not accepted: ${verdict}`);
  };
  const warm = Math.min(20, samples.length);
  await timed(warm, (i) => checkTheHead(samples[i]!).then(() => checkTheKey(samples[i]!)));
  const head = await timed(samples.length, (i) => checkTheHead(samples[i]!));
  const key = await timed(samples.length, (i) => checkTheKey(samples[i]!));
  const both = await timed(samples.length, async (i) => {
    await checkTheHead(samples[i]!);
    await checkTheKey(samples[i]!);
  });

  // The device's state as core keeps it after its first look at the log, then the older head put in as the kept one.
  const session = { username: 'bench_user' } as unknown as Session;
  const counted = new CountingApi(http);
  const device = async (kept: SignedTreeHead) => {
    const store = new MemoryStore();
    const first = new KeyLog({ api, serverUrl: url, store, session: () => session, changed: () => undefined });
    if ((await first.refreshHead())?.size !== newest.size) throw new Error('the device did not keep the newest head');
    const name = store.keys().find((k) => k.startsWith('keylog/'));
    const state = JSON.parse((await store.get(name!))!) as { head: SignedTreeHead };
    await store.set(name!, JSON.stringify({ ...state, head: kept }));
    return new KeyLog({ api: counted, serverUrl: url, store, session: () => session, changed: () => undefined });
  };
  const devices: KeyLog[] = [];
  for (const s of samples) devices.push(await device(s.kept));
  const accept = await timed(samples.length, async (i) => {
    const s = samples[i]!;
    const result = await devices[i]!.confirmKey(s.entry.username, s.entry.publicKey!, s.index);
    if (result.state !== 'confirmed') throw new Error(`confirmKey of entry ${s.index}: ${JSON.stringify(result)}`);
  });
  // Each accept checked its kept head against the newest with a consistency proof (not a head it took as new).
  if (counted.consistencyCalls !== samples.length) throw new Error(`${counted.consistencyCalls} consistency proofs asked for ${samples.length} accepts`);
  const lengths = samples.map((s) => s.consistency.length);
  return { samples: samples.length, head, consistencyHashes: [Math.min(...lengths), Math.max(...lengths)], key, both, accept };
}
