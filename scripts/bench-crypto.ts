// `npm run bench:crypto`: what the protocol's cryptography costs per message and per login, beside the raw
// operations it is made of, measured in the same run. Prints figures; asserts nothing.
//   send  ≈ 1 RSA-4096 private-key operation (PSS sign) + 2 public-key operations (OAEP wraps)   goal ≤ 1.25×
//   read  ≈ 1 private-key operation (OAEP unwrap) + 1 public-key operation (PSS verify)          goal ≤ 1.25×
//   login ≈ 2 PBKDF2-HMAC-SHA512 derivations (auth hash, key-encryption key)                      goal ≤ 1.1×
import { execFileSync } from 'node:child_process';
import { pbkdf2 } from 'node:crypto';
import { cpus } from 'node:os';
import { promisify } from 'node:util';
import { ChatClient } from '../core/client/chat-client.js';
import { MemoryStore } from '../core/client/store.js';
import { AUTH_ITERATIONS, MIN_KDF_ITERATIONS } from '../core/protocol/constants.js';
import { newMessageId, openMessage, sealMessage, verifyOpened } from '../core/crypto/message-crypto.js';
import { sign, unwrapKey, verify, wrapKey } from '../core/crypto/rsa.js';
import { utf8 } from '../core/crypto/webcrypto.js';
import { deriveAuthHash, deriveKek } from '../core/crypto/kdf.js';
import { registerFixture } from '../core/test-fixtures/accounts.js';
import { importedKeys } from '../core/test-fixtures/vectors.js';
import { startServerProcess } from '../test/support/server-process.js';

const SECONDS = 3;

function opensslRsa4096(): { signMs: number; verifyMs: number } {
  const out = execFileSync('openssl', ['speed', '-seconds', String(SECONDS), 'rsa4096'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
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
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;

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

  // OpenSSL before and after ours, averaged, so load from other processes weighs on both sides alike.
  const before = opensslRsa4096();
  const sendMs = await perCall(send);
  const readMs = await perCall(read);
  const after = opensslRsa4096();
  const raw = { signMs: (before.signMs + after.signMs) / 2, verifyMs: (before.verifyMs + after.verifyMs) / 2 };
  console.log(`openssl speed -seconds ${SECONDS} rsa4096 (mean of 2 runs): private-key op (sign) ${fmt(raw.signMs)}, public-key op (verify) ${fmt(raw.verifyMs)}`);
  const sendRaw = raw.signMs + 2 * raw.verifyMs;
  const readRaw = raw.signMs + raw.verifyMs;
  console.log(`send (seal one message):  ${fmt(sendMs)}  vs raw 1 sign + 2 public ops ${fmt(sendRaw)}  = ${ratio(sendMs, sendRaw)}  (goal ≤ 1.25×)`);
  console.log(`read (open + verify):     ${fmt(readMs)}  vs raw 1 private + 1 public op ${fmt(readRaw)}  = ${ratio(readMs, readRaw)}  (goal ≤ 1.25×)`);

  // The same raw operations through WebCrypto in this process: what the protocol adds over its primitives here.
  const wrapped = await wrapKey(bob.publicKey, new Uint8Array(32));
  const signature = await sign(alice.privateKey, text);
  const webSign = await perCall(() => sign(alice.privateKey, text));
  const webUnwrap = await perCall(() => unwrapKey(bob.privateKey, wrapped));
  const webWrap = await perCall(() => wrapKey(bob.publicKey, new Uint8Array(32)));
  const webVerify = await perCall(() => verify(alice.publicKey, signature, text));
  const sendAgain = await perCall(send);
  const readAgain = await perCall(read);
  console.log(
    `in-process WebCrypto raw ops: sign ${fmt(webSign)}, unwrap ${fmt(webUnwrap)}, wrap ${fmt(webWrap)}, verify ${fmt(webVerify)}; ` +
      `send ${fmt(sendAgain)} = ${ratio(sendAgain, webSign + 2 * webWrap)}, read ${fmt(readAgain)} = ${ratio(readAgain, webUnwrap + webVerify)} of them`,
  );

  // Raw PBKDF2 both through node:crypto and through WebCrypto; the faster is the baseline (the stricter ratio).
  const derive = promisify(pbkdf2);
  const nodePbkdf2 = await perCall(
    async () => {
      await derive('password', 'encrypted-chat/v1/auth/alice', AUTH_ITERATIONS, 64, 'sha512');
      await derive('password', 'sixteen byte salt', MIN_KDF_ITERATIONS, 32, 'sha512');
    },
    5,
    2,
  );
  const webPbkdf2 = await perCall(
    async () => {
      await deriveAuthHash('alice', 'password');
      await deriveKek('password', new Uint8Array(16), MIN_KDF_ITERATIONS);
    },
    5,
    2,
  );
  const twoPbkdf2Ms = Math.min(nodePbkdf2, webPbkdf2);
  console.log(`raw 2 × PBKDF2-HMAC-SHA512 (210000 iterations): node:crypto ${fmt(nodePbkdf2)}, WebCrypto ${fmt(webPbkdf2)}`);

  const server = await startServerProcess();
  try {
    await registerFixture(server.url, 'alice', 'alice', 'benchmark password 1');
    const loginMs = await perCall(async () => {
      const client = new ChatClient({ serverUrl: server.url, store: new MemoryStore() });
      await client.login({ username: 'alice', password: 'benchmark password 1' });
      await client.close();
    }, 8, 2);
    console.log(`login (local server):     ${fmt(loginMs)}  vs raw 2 × PBKDF2-HMAC-SHA512 ${fmt(twoPbkdf2Ms)}  = ${ratio(loginMs, twoPbkdf2Ms)}  (goal ≤ 1.1×)`);
  } finally {
    await server.stop();
  }
}

await main();
