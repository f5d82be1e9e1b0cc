// The attachment blob against ../shared/test-vectors-v2.json: rebuilt byte for byte from the recipe, key and
// IVs, opened back, and every tampered blob refused before anything is shown.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeBase64, encodeBase64 } from '../protocol/base64.js';
import { importAesKey, seal as sealChunk } from './aead.js';
import { blobLength, chunkAad, CHUNK_BYTES, CHUNK_OVERHEAD, openAttachment, sealAttachment } from './attachment-crypto.js';
import { concatBytes, sha512 } from './webcrypto.js';

interface FileObject {
  size: number;
  key: string;
  digest: string;
}
const { attachment: v } = JSON.parse(readFileSync(new URL('../test-fixtures/test-vectors-v2.json', import.meta.url), 'utf8')) as {
  attachment: {
    plaintextLength: number;
    plaintextSha512: string;
    key: string;
    chunkIvs: string[];
    blobLength: number;
    blobSha512: string;
    firstChunk: string;
    lastChunk: string;
    fileObject: FileObject;
    tampered: Array<{ case: string; blobLength: number; blobSha512: string }>;
    emptyFile: { key: string; iv: string; blob: string };
    exactMultiple: { key: string; plaintextLength: number; valid: { ivs: string[]; blobLength: number; blobSha512: string }; extraEmptyChunk: { ivs: string[]; blobLength: number; blobSha512: string } };
    twoFullChunks: { plaintextLength: number; key: string; chunks: Array<{ iv: string }>; blobLength: number; blobSha512: string; fileObject: FileObject; extraEmptyChunk: { ivs: string[]; blobLength: number; blobSha512: string } };
  };
};

/** "byte j (0-based) = (j * 31 + floor(j / 65536) * 101) mod 256" */
function recipe(length: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(length);
  for (let j = 0; j < length; j++) out[j] = (j * 31 + Math.floor(j / 65536) * 101) % 256;
  return out;
}
const bytes = (b64: string) => decodeBase64(b64) as Uint8Array<ArrayBuffer>;
const digestOf = async (blob: Uint8Array) => encodeBase64(await sha512(blob));
const seal = (length: number, key: string, ivs: string[]) => sealAttachment(recipe(length), { key: bytes(key), ivs: ivs.map(bytes) });
const join = concatBytes;
const piece = (blob: Uint8Array, i: number) => blob.subarray(i * (CHUNK_BYTES + CHUNK_OVERHEAD), (i + 1) * (CHUNK_BYTES + CHUNK_OVERHEAD));

describe('attachment blobs (v2 vectors)', () => {
  it('rebuilds the 150,000-byte blob and opens it back to the plaintext', async () => {
    const plaintext = recipe(v.plaintextLength);
    expect(await digestOf(plaintext)).toBe(v.plaintextSha512);
    const sealed = await seal(v.plaintextLength, v.key, v.chunkIvs);
    expect(sealed.blob.length).toBe(v.blobLength);
    expect(blobLength(v.plaintextLength)).toBe(v.blobLength);
    expect(encodeBase64(piece(sealed.blob, 0))).toBe(v.firstChunk);
    expect(encodeBase64(piece(sealed.blob, 2))).toBe(v.lastChunk);
    expect(encodeBase64(sealed.digest)).toBe(v.blobSha512);
    expect(encodeBase64(sealed.digest)).toBe(v.fileObject.digest);
    const opened = await openAttachment(sealed.blob, v.fileObject);
    expect(opened.ok && encodeBase64(await sha512(opened.plaintext))).toBe(v.plaintextSha512);
  });

  it('refuses every tampered blob', async () => {
    const { blob } = await seal(v.plaintextLength, v.key, v.chunkIvs);
    const [c0, c1, c2] = [0, 1, 2].map((i) => piece(blob, i));
    const flipped = new Uint8Array(blob);
    flipped[70000]! ^= 0x01;
    const tampered = [blob.slice(0, 2 * 65564), blob.slice(0, blob.length - 1), join(c1!, c0!, c2!), flipped, join(blob, c2!)];
    for (const [i, t] of tampered.entries()) {
      expect({ case: v.tampered[i]!.case, length: t.length, digest: await digestOf(t) }).toEqual({ case: v.tampered[i]!.case, length: v.tampered[i]!.blobLength, digest: v.tampered[i]!.blobSha512 });
      const opened = await openAttachment(t, v.fileObject);
      expect(opened).toMatchObject({ ok: false, failure: 'digest_mismatch' });
      // Even a sender who signs the tampered blob's digest cannot make it open.
      expect(await openAttachment(t, { ...v.fileObject, digest: await digestOf(t) })).toMatchObject({ ok: false });
    }
  });

  it('an empty file is one empty chunk flagged last', async () => {
    const sealed = await seal(0, v.emptyFile.key, [v.emptyFile.iv]);
    expect(encodeBase64(sealed.blob)).toBe(v.emptyFile.blob);
    expect(await openAttachment(sealed.blob, { size: 0, key: v.emptyFile.key, digest: encodeBase64(sealed.digest) })).toMatchObject({ ok: true });
  });

  it('a file of whole chunks has no empty chunk after them; one that has is refused', async () => {
    for (const c of [v.exactMultiple, { ...v.twoFullChunks, valid: { ivs: v.twoFullChunks.chunks.map((k) => k.iv), blobLength: v.twoFullChunks.blobLength, blobSha512: v.twoFullChunks.blobSha512 } }]) {
      const sealed = await seal(c.plaintextLength, c.key, c.valid.ivs);
      expect([sealed.blob.length, encodeBase64(sealed.digest)]).toEqual([c.valid.blobLength, c.valid.blobSha512]);
      // The same chunks all flagged "more", then an empty chunk flagged last: the rule says no, whatever the digest.
      const key = await importAesKey(bytes(c.key));
      const plaintext = recipe(c.plaintextLength);
      const chunks = [];
      for (const [i, iv] of c.extraEmptyChunk.ivs.entries()) {
        const last = i === c.extraEmptyChunk.ivs.length - 1;
        chunks.push(await sealChunk(key, last ? new Uint8Array(0) : plaintext.subarray(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES), chunkAad(i, last), bytes(iv)));
      }
      const extra = join(...chunks);
      expect([extra.length, await digestOf(extra)]).toEqual([c.extraEmptyChunk.blobLength, c.extraEmptyChunk.blobSha512]);
      expect(await openAttachment(extra, { size: c.plaintextLength, key: c.key, digest: c.extraEmptyChunk.blobSha512 })).toMatchObject({ ok: false, failure: 'wrong_length' });
    }
  });
});
