// `npm run bench:attachments`: what files cost (PROTOCOL.md "Attachments"). Prints figures; asserts nothing.
//   seal / open of 100 MiB through the core's streams, beside raw AES-256-GCM of node:crypto on the same bytes   goal ≥ 0.5×
//   upload and download of a 100 MiB file through the real server on loopback (the CLI's path: disk → disk)
//   the server's peak RSS during 10 parallel 100 MiB uploads, above its idle RSS                               goal < 200 MiB
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { openingStream, sealingStream } from '../core/crypto/attachment-stream.js';
import { chunkAad, CHUNK_BYTES } from '../core/crypto/attachment-crypto.js';
import { ChatClient } from '../core/client/chat-client.js';
import { MemoryStore } from '../core/client/store.js';
import { registerFixture } from '../core/test-fixtures/accounts.js';
import { AttachmentProxy } from '../core/test-fixtures/attachment-proxy.js';
import { diskFileSource, nodeSha512, temporaryFile } from '../node/attachment-files.js';
import { transportWithCa } from '../node/transport.js';
import { startServerProcess } from '../test/support/server-process.js';

const MiB = 1024 * 1024;
const SIZE = 100 * MiB;
const PASSWORD = 'bench password 1';
const mibPerSecond = (bytes: number, ms: number) => bytes / MiB / (ms / 1000);

function source(data: Uint8Array, piece = CHUNK_BYTES): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= data.length) return controller.close();
      controller.enqueue(data.subarray(at, at + piece));
      at += piece;
    },
  });
}

async function drain(stream: ReadableStream<Uint8Array>, keep?: Uint8Array[]): Promise<number> {
  let n = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return n;
    n += value.length;
    keep?.push(value);
  }
}

/** Best of `runs` (the machine is shared: the fastest run is the one least disturbed). */
async function best(runs: number, run: () => Promise<unknown>): Promise<number> {
  let fastest = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await run();
    fastest = Math.min(fastest, performance.now() - t0);
  }
  return fastest;
}

async function cryptoThroughput(): Promise<void> {
  const plaintext = new Uint8Array(randomBytes(SIZE));
  const key = new Uint8Array(randomBytes(32));
  let parts: Uint8Array[] = [];
  let digest: Uint8Array = new Uint8Array(0);
  const sealMs = await best(3, async () => {
    const { stream, result } = sealingStream({ key, sha512: nodeSha512, expectedSize: SIZE });
    parts = [];
    await drain(source(plaintext).pipeThrough(stream), parts);
    digest = (await result).digest;
  });
  const blob = Buffer.concat(parts);
  const openMs = await best(3, () => drain(source(blob).pipeThrough(openingStream({ size: SIZE, key, digest, sha512: nodeSha512 }))));
  // node:crypto, the same chunks and AAD, one cipher per chunk (the protocol's construction), no hashing.
  const rawChunksMs = await best(3, async () => {
    for (let i = 0, n = SIZE / CHUNK_BYTES; i < n; i++) {
      const cipher = createCipheriv('aes-256-gcm', key, randomBytes(12));
      cipher.setAAD(chunkAad(i, i === n - 1));
      cipher.update(plaintext.subarray(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES));
      cipher.final();
      cipher.getAuthTag();
    }
  });
  // The work the protocol itself asks of a seal, done as cheaply as Node can on one thread: the per-chunk
  // AES-256-GCM above and the SHA-512 of the whole blob. What is left between this and the core's streams is
  // the streams' own cost.
  const rawWithDigestMs = await best(3, async () => {
    const hash = createHash('sha512');
    for (let i = 0, n = SIZE / CHUNK_BYTES; i < n; i++) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(chunkAad(i, i === n - 1));
      hash.update(iv);
      hash.update(cipher.update(plaintext.subarray(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES)));
      cipher.final();
      hash.update(cipher.getAuthTag());
    }
    hash.digest();
  });
  // node:crypto, one cipher over the whole 100 MiB (the fastest AES-256-GCM this machine does).
  const rawOneMs = await best(3, async () => {
    const cipher = createCipheriv('aes-256-gcm', key, randomBytes(12));
    for (let at = 0; at < SIZE; at += CHUNK_BYTES) cipher.update(plaintext.subarray(at, at + CHUNK_BYTES));
    cipher.final();
  });
  const raw = mibPerSecond(SIZE, rawChunksMs);
  console.log('\nEncrypt/decrypt of 100 MiB (best of 3; ours includes the SHA-512 of the blob, node:crypto\'s does not)');
  console.log(`  seal (core streams, WebCrypto AES-GCM + node:crypto SHA-512)  ${mibPerSecond(SIZE, sealMs).toFixed(0).padStart(5)} MiB/s  ${(mibPerSecond(SIZE, sealMs) / raw).toFixed(2)}× raw   goal ≥ 0.5×`);
  console.log(`  open (core streams, every tag, length and digest checked)     ${mibPerSecond(SIZE, openMs).toFixed(0).padStart(5)} MiB/s  ${(mibPerSecond(SIZE, openMs) / raw).toFixed(2)}× raw   goal ≥ 0.5×`);
  console.log(`  raw AES-256-GCM, node:crypto, one cipher per 64 KiB chunk     ${raw.toFixed(0).padStart(5)} MiB/s`);
  const floor = mibPerSecond(SIZE, rawWithDigestMs);
  console.log(`  raw AES-256-GCM per chunk + SHA-512 of blob, node:crypto  ${floor.toFixed(0).padStart(5)} MiB/s  (seal ${(mibPerSecond(SIZE, sealMs) / floor).toFixed(2)}×, open ${(mibPerSecond(SIZE, openMs) / floor).toFixed(2)}× of this)`);
  console.log(`  raw AES-256-GCM, node:crypto, one cipher over all of it       ${mibPerSecond(SIZE, rawOneMs).toFixed(0).padStart(5)} MiB/s  (seal ${(mibPerSecond(SIZE, sealMs) / mibPerSecond(SIZE, rawOneMs)).toFixed(2)}×, open ${(mibPerSecond(SIZE, openMs) / mibPerSecond(SIZE, rawOneMs)).toFixed(2)}×)`);
}

/** VmRSS of a process, in bytes (Linux /proc). */
function rssOf(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : Number.NaN;
}

async function throughServer(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'bench-attachments-'));
  const server = await startServerProcess({ env: { ATTACHMENT_DIR: join(work, 'blobs'), REGISTRATIONS_PER_ADDRESS: '100000', SENDS_PER_MINUTE: '0' } });
  try {
    if (!(await AttachmentProxy.serverHasAttachments(server.url))) {
      console.log('\nThrough the server: skipped — this server has no POST /attachments yet.');
      return;
    }
    const names = ['alice_b', 'bob_b', ...Array.from({ length: 10 }, (_, i) => `up_${i}`)];
    await Promise.all(names.map((n, i) => registerFixture(server.url, i === 1 ? 'bob' : 'alice', n, PASSWORD)));
    const signIn = async (username: string) => {
      const client = new ChatClient({ serverUrl: server.url, store: new MemoryStore(), transport: transportWithCa(null) });
      await client.login({ username, password: PASSWORD });
      return client;
    };
    const path = join(work, 'file.bin');
    writeFileSync(path, randomBytes(SIZE));
    const [alice, bob] = await Promise.all([signIn('alice_b'), signIn('bob_b')]);

    let t0 = performance.now();
    const sent = await alice.sendFileStreams({ to: 'bob_b', files: [await diskFileSource(path)] });
    const upMs = performance.now() - t0;
    const temp = await temporaryFile(work);
    t0 = performance.now();
    await bob.receiveFile({ conversation: 'alice_b', messageId: sent.id, index: 0 }, temp.sink);
    const downMs = performance.now() - t0;
    await temp.discard();
    console.log('\nThrough the real server on loopback (100 MiB file, disk to disk, sealed/opened on the way)');
    console.log(`  upload (send-file)   ${(upMs / 1000).toFixed(2)} s   ${mibPerSecond(SIZE, upMs).toFixed(0)} MiB/s`);
    console.log(`  download (get-file)  ${(downMs / 1000).toFixed(2)} s   ${mibPerSecond(SIZE, downMs).toFixed(0)} MiB/s`);

    const uploaders = await Promise.all(names.slice(2).map(signIn));
    await new Promise((r) => setTimeout(r, 1000));
    const idle = rssOf(server.pid);
    let peak = idle;
    const timer = setInterval(() => (peak = Math.max(peak, rssOf(server.pid))), 25);
    t0 = performance.now();
    await Promise.all(uploaders.map(async (client) => client.sendFileStreams({ to: 'bob_b', files: [await diskFileSource(path)] })));
    const parallelMs = performance.now() - t0;
    clearInterval(timer);
    console.log(`\n10 parallel 100 MiB uploads: ${(parallelMs / 1000).toFixed(1)} s (${mibPerSecond(10 * SIZE, parallelMs).toFixed(0)} MiB/s in all; the clients seal in this same process)`);
    console.log(`  server RSS idle ${(idle / MiB).toFixed(0)} MiB, peak ${(peak / MiB).toFixed(0)} MiB: ${((peak - idle) / MiB).toFixed(0)} MiB above idle   goal < 200 MiB`);
    await Promise.all([alice, bob, ...uploaders].map((c) => c.close()));
  } finally {
    await server.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

console.log(`bench:attachments — ${new Date().toISOString()}, ${cpus().length} × ${cpus()[0]?.model.trim()}, ${(totalmem() / 1024 ** 3).toFixed(1)} GiB RAM, Node ${process.version}`);
// BENCH_ONLY=crypto or BENCH_ONLY=server runs one part.
if (process.env.BENCH_ONLY !== 'server') await cryptoThroughput();
if (process.env.BENCH_ONLY !== 'crypto') await throughServer();
