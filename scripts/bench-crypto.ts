// `npm run bench:crypto`: what the protocol's cryptography costs per message and per login, beside the raw
// operations it is made of, measured in the same run. Prints figures; asserts nothing.
//   send  ≈ 1 RSA-4096 private-key operation (PSS sign) + 2 public-key operations (OAEP wraps)   goal ≤ 1.25×
//   read  ≈ 1 private-key operation (OAEP unwrap) + 1 public-key operation (PSS verify)          goal ≤ 1.25×
//   group send to N members ≈ 1 private-key operation + N + 1 public-key operations (scripts/bench/group-crypto.ts)   goal ≤ 1.25×
//   login ≈ 2 PBKDF2-HMAC-SHA512 derivations (auth hash, key-encryption key)                      goal ≤ 1.1×
import { execFileSync } from 'node:child_process';
import { pbkdf2 } from 'node:crypto';
import { cpus } from 'node:os';
import { promisify } from 'node:util';
import { AUTH_ITERATIONS, MIN_KDF_ITERATIONS } from '../core/protocol/constants.js';
import { newMessageId, openMessage, sealMessage, verifyOpened } from '../core/crypto/message-crypto.js';
import { sign, unwrapKey, verify, wrapKey } from '../core/crypto/rsa.js';
import { utf8 } from '../core/crypto/webcrypto.js';
import { deriveAuthHash, deriveKek } from '../core/crypto/kdf.js';
import { importedKeys } from '../core/test-fixtures/vectors.js';
import { startServerProcess } from '../test/support/server-process.js';
import { groupSendBench } from './bench/group-crypto.js';

const SECONDS = 3;

function opensslRsa4096(): { signMs: number; verifyMs: number } {
  // -elapsed: wall-clock time, as ours is measured (by default openssl speed divides by CPU time, which other
  // processes sharing the machine do not slow down, while they do slow a wall-clock measurement).
  const out = execFileSync('openssl', ['speed', '-elapsed', '-seconds', String(SECONDS), 'rsa4096'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  // OpenSSL 3.0/3.1: "rsa 4096 bits 0.003067s 0.000046s 326.0 21522.0" (sign, verify, sign/s, verify/s).
  // OpenSSL 3.2+: "rsa 4096 bits 0.003s 0.00005s 0.0001s 0.003s ..." with sign, verify, encrypt, decrypt columns.
  const line = out.split('\n').find((l) => /^rsa\s+4096 bits/.test(l));
  if (!line) throw new Error(`cannot read "openssl speed rsa4096" output:\n${out}`);
  const seconds = [...line.matchAll(/([\d.]+)s\b/g)].map((m) => Number(m[1]));
  return { signMs: seconds[0]! * 1000, verifyMs: seconds[1]! * 1000 };
}

/** Median over batches of the mean time per call: robust against other processes sharing the CPU. */
async function perCall(run: () => Promise<unknown>, seconds = SECONDS, batch = 10): Promise<number> {
  await run(); // warm up
  const means: number[] = [];
  const started = performance.now();
  while (performance.now() - started < seconds * 1000 || means.length < 3) {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) await run();
    means.push((performance.now() - t0) / batch);
  }
  means.sort((a, b) => a - b);
  return means[Math.floor(means.length / 2)]!;
}

const fmt = (ms: number) => `${ms.toFixed(2)} ms`;

async function main(): Promise<void> {
  console.log(`bench:crypto — ${new Date().toISOString()} — ${cpus()[0]?.model ?? 'cpu'} ×${cpus().length}, Node ${process.versions.node}, OpenSSL ${process.versions.openssl}`);
  const [alice, bob] = await Promise.all([importedKeys('alice'), importedKeys('bob')]);
  const text = utf8('A typical chat message of about a hundred bytes, with some ünïcödé ✓ to keep the encoder honest.');
  const send = () =>
    sealMessage({
      id: newMessageId(),
      sender: 'alice',
      recipient: 'bob',
      plaintext: text,
      senderPrivateKey: alice.privateKey,
      senderPublicKey: alice.publicKey,
      recipientPublicKey: bob.publicKey,
    });
  const record = { ...(await send()), sender: 'alice' };
  const read = async () => {
    const opened = await openMessage(record, 'bob', bob.privateKey);
    if (!opened.ok || !(await verifyOpened(opened, alice.publicKey))) throw new Error('benchmark message did not verify');
  };

  // Rounds of OpenSSL, then ours, then the same raw operations through WebCrypto in this process; compared by
  // the median of per-round ratios, so a burst of load from other processes weighs on both sides alike.
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const wrapped = await wrapKey(bob.publicKey, new Uint8Array(32));
  const signature = await sign(alice.privateKey, text);
  const rounds: Array<Record<'sign' | 'verify' | 'send' | 'read' | 'webSign' | 'webUnwrap' | 'webWrap' | 'webVerify', number>> = [];
  for (let i = 0; i < 3; i++) {
    const raw = opensslRsa4096();
    rounds.push({
      sign: raw.signMs,
      verify: raw.verifyMs,
      send: await perCall(send, 1.5),
      read: await perCall(read, 1.5),
      webSign: await perCall(() => sign(alice.privateKey, text), 1),
      webUnwrap: await perCall(() => unwrapKey(bob.privateKey, wrapped), 1),
      webWrap: await perCall(() => wrapKey(bob.publicKey, new Uint8Array(32)), 0.5),
      webVerify: await perCall(() => verify(alice.publicKey, signature, text), 0.5),
    });
  }
  const m = (pick: (r: (typeof rounds)[number]) => number) => median(rounds.map(pick));
  console.log(`openssl speed -elapsed -seconds ${SECONDS} rsa4096 (median of ${rounds.length} runs): private-key op (sign) ${fmt(m((r) => r.sign))}, public-key op (verify) ${fmt(m((r) => r.verify))}`);
  console.log(
    `send (seal one message):  ${fmt(m((r) => r.send))}  vs raw 1 sign + 2 public ops ${fmt(m((r) => r.sign + 2 * r.verify))}  = ${m((r) => r.send / (r.sign + 2 * r.verify)).toFixed(2)}×  (goal ≤ 1.25×)`,
  );
  console.log(
    `read (open + verify):     ${fmt(m((r) => r.read))}  vs raw 1 private + 1 public op ${fmt(m((r) => r.sign + r.verify))}  = ${m((r) => r.read / (r.sign + r.verify)).toFixed(2)}×  (goal ≤ 1.25×)`,
  );
  console.log(
    `  the same raw ops through WebCrypto here: sign ${fmt(m((r) => r.webSign))}, unwrap ${fmt(m((r) => r.webUnwrap))}, wrap ${fmt(m((r) => r.webWrap))}, verify ${fmt(m((r) => r.webVerify))}; ` +
      `send = ${m((r) => r.send / (r.webSign + 2 * r.webWrap)).toFixed(2)}×, read = ${m((r) => r.read / (r.webUnwrap + r.webVerify)).toFixed(2)}× of them`,
  );

  await groupSendBench(perCall, { signMs: m((r) => r.sign), verifyMs: m((r) => r.verify) });

  // The client (core/client) is loaded only here, so the figures above are printed even while it does not load.
  let client;
  try {
    client = await Promise.all([import('../core/client/chat-client.js'), import('../core/client/store.js'), import('../core/test-fixtures/accounts.js')]);
  } catch (error) {
    console.log(`login figures skipped: core/client does not load (${error instanceof Error ? error.message : String(error)})`);
    return;
  }
  const [{ ChatClient }, { MemoryStore }, { registerFixture }] = client;

  // Login and the raw derivations are measured in alternation, round by round, and compared by the median of
  // the per-round ratios, so a burst of load from other processes weighs on both sides of each ratio alike.
  // The raw baseline of a round is the faster of node:crypto and WebCrypto (the stricter ratio).
  const derive = promisify(pbkdf2);
  const timed = async (run: () => Promise<unknown>) => {
    const t0 = performance.now();
    await run();
    return performance.now() - t0;
  };
  const server = await startServerProcess();
  try {
    await registerFixture(server.url, 'alice', 'alice', 'benchmark password 1');
    // A device that signed in before remembers the salt of the second derivation and runs both side by side.
    const deviceStore = new MemoryStore();
    const login = async (store: InstanceType<typeof MemoryStore>) => {
      const client = new ChatClient({ serverUrl: server.url, store });
      await client.login({ username: 'alice', password: 'benchmark password 1' });
      await client.close();
    };
    await login(deviceStore); // warm up
    const rounds: Array<{ raw: number; login: number; again: number }> = [];
    for (let i = 0; i < 10; i++) {
      const nodeRaw = await timed(async () => {
        await derive('password', 'encrypted-chat/v1/auth/alice', AUTH_ITERATIONS, 64, 'sha512');
        await derive('password', 'sixteen byte salt', MIN_KDF_ITERATIONS, 32, 'sha512');
      });
      const webRaw = await timed(async () => {
        await deriveAuthHash('alice', 'password');
        await deriveKek('password', new Uint8Array(16), MIN_KDF_ITERATIONS);
      });
      rounds.push({ raw: Math.min(nodeRaw, webRaw), login: await timed(() => login(new MemoryStore())), again: await timed(() => login(deviceStore)) });
    }
    const rawMs = median(rounds.map((r) => r.raw));
    console.log(`raw 2 × PBKDF2-HMAC-SHA512 (210000 iterations each, one after the other): ${fmt(rawMs)}  (median of ${rounds.length} alternating rounds)`);
    console.log(
      `login, first on a device (local server): ${fmt(median(rounds.map((r) => r.login)))}  = ${median(rounds.map((r) => r.login / r.raw)).toFixed(2)}×  (goal ≤ 1.1×)`,
    );
    console.log(
      `login, device signed in before:          ${fmt(median(rounds.map((r) => r.again)))}  = ${median(rounds.map((r) => r.again / r.raw)).toFixed(2)}×  (both derivations side by side)`,
    );
  } finally {
    await server.stop();
  }
}

await main();
