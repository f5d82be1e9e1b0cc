// The streamed sealer and opener: round trips at the chunk edges, the v2 vectors rebuilt through the stream
// byte for byte, and every kind of tampering refused with its reason.
import { createHash, randomBytes as nodeRandom } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeBase64, encodeBase64 } from '../protocol/base64.js';
import { blobLength, CHUNK_BYTES, CHUNK_OVERHEAD, openAttachment } from './attachment-crypto.js';
import { AttachmentError, bytesStream, collectStream, openingStream, sealingStream, type StreamFailure } from './attachment-stream.js';
import { jsSha512, type Sha512Factory } from './sha512.js';
import { concatBytes, sha512 } from './webcrypto.js';

const randomBytes = (n: number) => new Uint8Array(nodeRandom(n)) as Uint8Array<ArrayBuffer>;

const nodeSha512: Sha512Factory = () => createHash('sha512');
const SEALED = CHUNK_BYTES + CHUNK_OVERHEAD;

function recipe(length: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(length);
  for (let j = 0; j < length; j++) out[j] = (j * 31 + Math.floor(j / 65536) * 101) % 256;
  return out;
}

async function seal(plaintext: Uint8Array, options: { piece?: number; key?: Uint8Array; sha?: Sha512Factory; ivs?: (i: number) => Uint8Array<ArrayBuffer> } = {}) {
  const key = options.key ?? randomBytes(32);
  const { stream, result } = sealingStream({ key, sha512: options.sha ?? nodeSha512, expectedSize: plaintext.length, ivs: options.ivs });
  const blob = await collectStream(bytesStream(plaintext, options.piece).pipeThrough(stream));
  return { blob, key, ...(await result) };
}

const open = (blob: Uint8Array, file: { size: number; key: Uint8Array; digest: Uint8Array }, piece?: number, sha: Sha512Factory = nodeSha512) =>
  collectStream(bytesStream(blob, piece).pipeThrough(openingStream({ ...file, sha512: sha })));

async function refused(blob: Uint8Array, file: { size: number; key: Uint8Array; digest: Uint8Array }): Promise<{ failure: StreamFailure; reason: string }> {
  try {
    await open(blob, file, 10_000);
  } catch (error) {
    if (error instanceof AttachmentError) return { failure: error.failure, reason: error.message };
    throw error;
  }
  throw new Error('the tampered blob opened');
}

describe('attachment streams', () => {
  it('round-trips files at the chunk edges, whatever the pieces they arrive in', async () => {
    for (const [size, piece] of [
      [0, 1],
      [1, 1],
      [65_535, 4096],
      [65_536, 65_536],
      [65_537, 1000],
      [10 * 1024 * 1024, 300_000],
    ] as const) {
      const plaintext = randomBytes(size);
      const sealed = await seal(plaintext, { piece });
      expect(sealed.blob.length).toBe(blobLength(size));
      expect(sealed).toMatchObject({ size, blobSize: blobLength(size) });
      expect(encodeBase64(sealed.digest)).toBe(encodeBase64(await sha512(sealed.blob)));
      const opened = await open(sealed.blob, { size, key: sealed.key, digest: sealed.digest }, 17_000);
      expect(opened.length).toBe(size);
      expect(opened.every((b, i) => b === plaintext[i])).toBe(true);
      // The whole-buffer opener reads what the stream sealed.
      if (size <= 65_537) expect(await openAttachment(sealed.blob, { size, key: encodeBase64(sealed.key), digest: encodeBase64(sealed.digest) })).toMatchObject({ ok: true });
    }
  });

  it('hashes the same with the pure-JS SHA-512 as with node:crypto', async () => {
    const plaintext = randomBytes(200_000);
    const key = randomBytes(32);
    const ivs = Array.from({ length: 4 }, () => randomBytes(12));
    const a = await seal(plaintext, { key, ivs: (i) => ivs[i]!, sha: jsSha512 });
    const b = await seal(plaintext, { key, ivs: (i) => ivs[i]!, sha: nodeSha512 });
    expect(encodeBase64(a.digest)).toBe(encodeBase64(b.digest));
    expect((await open(a.blob, { size: 200_000, key, digest: a.digest }, 5000, jsSha512)).length).toBe(200_000);
  });

  it('rebuilds the v2 vectors byte for byte', async () => {
    const { attachment: v } = JSON.parse(readFileSync(new URL('../test-fixtures/test-vectors-v2.json', import.meta.url), 'utf8')) as {
      attachment: { plaintextLength: number; key: string; chunkIvs: string[]; blobSha512: string; emptyFile: { key: string; iv: string; blob: string } };
    };
    const b = (s: string) => decodeBase64(s) as Uint8Array<ArrayBuffer>;
    const sealed = await seal(recipe(v.plaintextLength), { key: b(v.key), ivs: (i) => b(v.chunkIvs[i]!), piece: 12_345 });
    expect(encodeBase64(sealed.digest)).toBe(v.blobSha512);
    const empty = await seal(new Uint8Array(0), { key: b(v.emptyFile.key), ivs: () => b(v.emptyFile.iv) });
    expect(encodeBase64(empty.blob)).toBe(v.emptyFile.blob);
  });

  describe('refuses a tampered blob, saying how', () => {
    const size = 3 * CHUNK_BYTES + 1000;
    let sealed: Awaited<ReturnType<typeof seal>>;
    let file: { size: number; key: Uint8Array; digest: Uint8Array };
    beforeAll(async () => {
      sealed = await seal(randomBytes(size));
      file = { size, key: sealed.key, digest: sealed.digest };
    });
    const chunk = (i: number) => sealed.blob.subarray(i * SEALED, Math.min(sealed.blob.length, (i + 1) * SEALED));

    it.each([
      ['an IV', 5],
      ['a ciphertext', SEALED + 500],
      ['a tag', 2 * SEALED - 3],
      ['the last chunk', 3 * SEALED + 1000 + CHUNK_OVERHEAD - 1],
    ])('a flipped bit in %s', async (_, at) => {
      const flipped = new Uint8Array(sealed.blob);
      flipped[at]! ^= 0x10;
      const { failure, reason } = await refused(flipped, file);
      expect(failure).toBe('decrypt_failed');
      expect(reason).toMatch(new RegExp(`^Part ${Math.floor(at / SEALED) + 1} of 4 of the file could not be decrypted`));
    });

    it('a cut at a chunk boundary and in the middle of a chunk', async () => {
      expect(await refused(sealed.blob.slice(0, 2 * SEALED), file)).toEqual({ failure: 'truncated', reason: 'The file was cut short: it ends after part 2 of 4.' });
      expect(await refused(sealed.blob.slice(0, 2 * SEALED + 100), file)).toEqual({ failure: 'truncated', reason: 'The file was cut short: it ends in the middle of part 3 of 4.' });
      expect(await refused(sealed.blob.slice(0, sealed.blob.length - 1), file)).toMatchObject({ failure: 'truncated' });
    });

    it('chunks swapped', async () => {
      expect(await refused(concatBytes(chunk(1), chunk(0), chunk(2), chunk(3)), file)).toMatchObject({ failure: 'decrypt_failed', reason: expect.stringMatching(/^Part 1 of 4/) });
    });

    it('bytes after the last chunk', async () => {
      expect(await refused(concatBytes(sealed.blob, new Uint8Array(5)), file)).toEqual({ failure: 'extra_bytes', reason: 'The file has 5 more bytes after its last part: something was added to it.' });
      expect(await refused(concatBytes(sealed.blob, chunk(3)), file)).toMatchObject({ failure: 'extra_bytes' });
    });

    it('a size that is not the file’s', async () => {
      // Fewer chunks claimed: the one read as last was sealed as "more".
      expect(await refused(sealed.blob, { ...file, size: 3 * CHUNK_BYTES })).toMatchObject({ failure: 'decrypt_failed', reason: expect.stringMatching(/^Part 3 of 3/) });
      // Same chunk count, a shorter last chunk: its tag is not where it is looked for.
      expect(await refused(sealed.blob, { ...file, size: size - 10 })).toMatchObject({ failure: 'decrypt_failed', reason: expect.stringMatching(/^Part 4 of 4/) });
      expect(await refused(sealed.blob, { ...file, size: size + 10 })).toMatchObject({ failure: 'truncated' });
    });

    it('a wrong key, and a key of the wrong size', async () => {
      expect(await refused(sealed.blob, { ...file, key: randomBytes(32) })).toMatchObject({ failure: 'decrypt_failed', reason: expect.stringMatching(/^Part 1 of 4/) });
      expect(await refused(sealed.blob, { ...file, key: randomBytes(16) })).toEqual({ failure: 'bad_key', reason: 'The file key has the wrong size.' });
    });

    it('a wrong digest', async () => {
      expect(await refused(sealed.blob, { ...file, digest: randomBytes(64) })).toEqual({
        failure: 'digest_mismatch',
        reason: 'The file is not the one its sender uploaded: its digest does not match.',
      });
    });
  });

  it('the sealer refuses a file that changed size while it was read', async () => {
    const { stream, result } = sealingStream({ key: randomBytes(32), sha512: nodeSha512, expectedSize: 10 });
    await expect(collectStream(bytesStream(new Uint8Array(11)).pipeThrough(stream))).rejects.toMatchObject({ failure: 'wrong_size' });
    await expect(result).rejects.toMatchObject({ failure: 'wrong_size' });
  });
});
