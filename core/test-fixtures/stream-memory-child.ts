// Test fixture (a child process of attachment-stream-memory.test.ts): seals a file of the given size generated
// on the fly, opens the blob again as it comes, and counts the plaintext; it prints the baseline and the peak
// resident set size sampled meanwhile, as one JSON line. Nothing of the file is ever held whole.
import { createHash, randomBytes } from 'node:crypto';
import { openingStream, sealingStream } from '../crypto/attachment-stream.js';

const size = Number(process.argv[2]);
const key = new Uint8Array(randomBytes(32));
const sha512 = () => createHash('sha512');
const piece = new Uint8Array(randomBytes(60_000));

function source(total: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) return controller.close();
      const n = Math.min(piece.length, total - sent);
      controller.enqueue(piece.slice(0, n));
      sent += n;
    },
  });
}

async function drain(stream: ReadableStream<Uint8Array>): Promise<number> {
  let n = 0;
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) n += chunk.length;
  return n;
}

globalThis.gc?.();
const baseline = process.memoryUsage().rss;
let peak = baseline;
const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
// First pass: the digest (a reader needs it); second pass: seal again with the same key and IVs drawn anew,
// which changes the digest, so the opener is fed the first pass's blob bytes regenerated deterministically.
const ivs: Uint8Array<ArrayBuffer>[] = [];
const first = sealingStream({ key, sha512, expectedSize: size, ivs: (i) => (ivs[i] = new Uint8Array(randomBytes(12)) as Uint8Array<ArrayBuffer>) });
await drain(source(size).pipeThrough(first.stream));
const { digest } = await first.result;
const again = sealingStream({ key, sha512, expectedSize: size, ivs: (i) => ivs[i]! });
const plain = await drain(source(size).pipeThrough(again.stream).pipeThrough(openingStream({ size, key, digest, sha512 })));
peak = Math.max(peak, process.memoryUsage().rss);
clearInterval(timer);
process.stdout.write(`${JSON.stringify({ size, plain, baseline, peak })}\n`);
