// Group figures for `npm run bench:crypto`: sealing one group message (sealGroupMessage: one PSS signature,
// the session key wrapped for every member and once more for the sender's own copy) beside the raw operations
// it is made of, on the same RSA-4096 fixture keys as the rest of the benchmark.
//   group send to N members ≈ 1 private-key operation (PSS sign) + N + 1 public-key operations (OAEP wraps
//   of a 32-byte key: one per member, one for the sender's copy)                                 goal ≤ 1.25×
// Imports only core/crypto and core/protocol (and reads the key fixtures' JSON), so it runs while other
// parts of core/ are being changed.
import { readFileSync } from 'node:fs';
import { decodeBase64 } from '../../core/protocol/base64.js';
import { newMessageId, signedBytes } from '../../core/crypto/message-crypto.js';
import { groupHeader, sealGroupMessage } from '../../core/crypto/message-v2.js';
import { importPrivateKey, importPublicKey, sign, wrapKey, type PrivateKeys, type PublicKeys } from '../../core/crypto/rsa.js';
import { utf8 } from '../../core/crypto/webcrypto.js';

const GOAL = 1.25;

interface KeyJson {
  publicKey: string;
  privateKeyPkcs8: string;
}

/** The fixed RSA-4096 key pairs of core/test-fixtures (alice, bob, carol), read from their JSON files. */
export async function fixtureKeys(): Promise<Array<{ privateKey: PrivateKeys; publicKey: PublicKeys }>> {
  const read = (file: string) => JSON.parse(readFileSync(new URL(`../../core/test-fixtures/${file}`, import.meta.url), 'utf8')) as unknown;
  const vectors = read('test-vectors.json') as { accounts: Record<'alice' | 'bob', KeyJson> };
  const pairs: KeyJson[] = [vectors.accounts.alice, vectors.accounts.bob, read('carol-key.json') as KeyJson];
  return Promise.all(pairs.map(async (k) => ({ privateKey: await importPrivateKey(decodeBase64(k.privateKeyPkcs8)), publicKey: await importPublicKey(k.publicKey) })));
}

/** `count` members m001, m002, … with the fixture public keys in turn (three distinct RSA-4096 keys). */
export function members(count: number, keys: readonly PublicKeys[]): Array<{ username: string; publicKey: PublicKeys }> {
  return Array.from({ length: count }, (_, i) => ({ username: `m${String(i + 1).padStart(3, '0')}`, publicKey: keys[i % keys.length]! }));
}

/** A format 2 text content object of about a hundred bytes of text, as a client seals it. */
export function groupPlaintext(): Uint8Array {
  return utf8(JSON.stringify({ type: 'text', text: 'A typical group message of about a hundred bytes, with some ünïcödé ✓ to keep the encoder honest.', sentAt: new Date().toISOString() }));
}

export type PerCall = (run: () => Promise<unknown>, seconds?: number, batch?: number) => Promise<number>;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const fmt = (ms: number) => `${ms.toFixed(2)} ms`;

/**
 * Prints, for each group size, the median time to seal one group message and its ratio to the raw operations
 * (one sign, then every wrap, each awaited before the next: what the construction costs at the least on one
 * core), measured in alternating rounds (the order swapped each round) and compared by the median of the
 * per-round ratios, so a burst of load from other processes weighs on both sides alike. The same raw
 * operations started all at once (as the seal starts them, on libuv's thread pool) are printed beside.
 */
export async function groupSendBench(
  perCall: PerCall,
  /** `openssl speed`'s private- and public-key op of this run, if measured: printed beside, not alternated. */
  openssl?: { signMs: number; verifyMs: number },
  sizes: readonly number[] = [10, 100],
  rounds = 5,
  seconds = 1.2,
): Promise<void> {
  const keys = await fixtureKeys();
  const sender = keys[0]!;
  const plaintext = groupPlaintext();
  const group = newMessageId();
  for (const size of sizes) {
    const recipients = members(size, keys.map((k) => k.publicKey));
    const wrapFor = [...recipients.map((r) => r.publicKey), sender.publicKey];
    const seal = async () => {
      const sealed = await sealGroupMessage({ id: newMessageId(), sender: 'm000', group, recipients, plaintext, senderPrivateKey: sender.privateKey, senderPublicKey: sender.publicKey });
      if (Object.keys(sealed.keys).length !== size) throw new Error('benchmark group message has the wrong number of keys');
    };
    const sessionKey = new Uint8Array(32);
    // What the seal signs: UTF-8(H + "\n") || plaintext, H naming every member.
    const data = signedBytes(groupHeader('m000', group, newMessageId(), recipients.map((r) => r.username)), plaintext);
    const rawSequential = async () => {
      await sign(sender.privateKey, data);
      for (const publicKey of wrapFor) await wrapKey(publicKey, sessionKey);
    };
    const rawParallel = () => Promise.all([sign(sender.privateKey, data), ...wrapFor.map((publicKey) => wrapKey(publicKey, sessionKey))]);
    const batch = size >= 100 ? 3 : 10;
    const results: Array<{ seal: number; raw: number; parallel: number; sign: number; wrap: number }> = [];
    for (let i = 0; i < rounds; i++) {
      const r = { seal: 0, raw: 0, parallel: 0, sign: 0, wrap: 0 };
      const measureSeal = async () => (r.seal = await perCall(seal, seconds, batch));
      const measureRaw = async () => {
        r.raw = await perCall(rawSequential, seconds, batch);
        r.parallel = await perCall(rawParallel, seconds / 2, batch);
      };
      if (i % 2 === 0) {
        await measureSeal();
        await measureRaw();
      } else {
        await measureRaw();
        await measureSeal();
      }
      r.sign = await perCall(() => sign(sender.privateKey, data), 0.3);
      r.wrap = await perCall(() => wrapKey(sender.publicKey, sessionKey), 0.2);
      results.push(r);
    }
    const m = (pick: (r: (typeof results)[number]) => number) => median(results.map(pick));
    const ratio = m((r) => r.seal / r.raw);
    console.log(
      `group send to ${String(size).padStart(3)} members (seal once):  ${fmt(m((r) => r.seal))}  vs raw 1 sign + ${size + 1} wraps one after the other ${fmt(m((r) => r.raw))}  ` +
        `= ${ratio.toFixed(2)}×  (goal ≤ ${GOAL}×: ${ratio <= GOAL ? 'met' : 'NOT met'})`,
    );
    console.log(
      `  ${size + 1} wraps = ${size} members + the sender's copy; one sign ${fmt(m((r) => r.sign))}, one wrap ${fmt(m((r) => r.wrap))}; ` +
        `the same raw ops started at once (as the seal does): ${fmt(m((r) => r.parallel))}, seal = ${m((r) => r.seal / r.parallel).toFixed(2)}× of that ` +
        `(median of ${results.length} alternating rounds)`,
    );
    if (openssl) {
      const raw = openssl.signMs + (size + 1) * openssl.verifyMs;
      console.log(`  against openssl speed's figures above (1 private + ${size + 1} public ops, ${fmt(raw)}; not alternated with the seal): ${(m((r) => r.seal) / raw).toFixed(2)}×`);
    }
  }
}
