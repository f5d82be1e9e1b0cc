// Core side (runs anywhere, WebCrypto only): the attachment blob of PROTOCOL.md "Attachments" — a file in
// 65,536-byte chunks, each IV || AES-256-GCM(F, chunk, aad = index and last/more flag) || tag — sealed by its
// sender and checked by a reader against the file object before a single byte is shown or saved.
import { decodeBase64 } from '../protocol/base64.js';
import { GCM_IV_BYTES, GCM_TAG_BYTES } from '../protocol/constants.js';
import { importAesKey, open, sealInto } from './aead.js';
import { bytesEqual, randomBytes, sha512, utf8 } from './webcrypto.js';

export const CHUNK_BYTES = 65_536;
export const CHUNK_OVERHEAD = GCM_IV_BYTES + GCM_TAG_BYTES;
export const ATTACHMENT_KEY_BYTES = 32;

export const chunkCount = (size: number) => Math.max(1, Math.ceil(size / CHUNK_BYTES));
export const blobLength = (size: number) => size + CHUNK_OVERHEAD * chunkCount(size);
export const chunkAad = (index: number, last: boolean) => utf8(`encrypted-chat/v2/attachment\n${index}\n${last ? 'last' : 'more'}`);

/**
 * Chunks sealed or opened at once. WebCrypto runs each call on a worker thread, so one at a time leaves the
 * other cores idle and pays a thread hop per chunk in turn; a few in flight keep every core busy.
 */
const CHUNKS_IN_FLIGHT = 8;

async function eachChunk(n: number, work: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < n) await work(next++);
  };
  await Promise.all(Array.from({ length: Math.min(CHUNKS_IN_FLIGHT, n) }, worker));
}

export interface SealedAttachment {
  blob: Uint8Array<ArrayBuffer>;
  /** F, which travels only inside the (encrypted) file object. */
  key: Uint8Array<ArrayBuffer>;
  digest: Uint8Array<ArrayBuffer>;
}

/** Seals a whole file; `fixed` rebuilds test vectors (real senders always draw a fresh key and IVs). */
export async function sealAttachment(plaintext: Uint8Array<ArrayBuffer>, fixed?: { key: Uint8Array<ArrayBuffer>; ivs: Uint8Array<ArrayBuffer>[] }): Promise<SealedAttachment> {
  const raw = fixed?.key ?? randomBytes(ATTACHMENT_KEY_BYTES);
  const key = await importAesKey(raw);
  const n = chunkCount(plaintext.length);
  const blob = new Uint8Array(blobLength(plaintext.length));
  await eachChunk(n, async (i) => {
    const chunk = plaintext.subarray(i * CHUNK_BYTES, Math.min(plaintext.length, (i + 1) * CHUNK_BYTES));
    await sealInto(key, chunk, chunkAad(i, i === n - 1), blob, i * (CHUNK_BYTES + CHUNK_OVERHEAD), fixed?.ivs[i]);
  });
  return { blob, key: raw, digest: await sha512(blob) };
}

export type AttachmentFailure = 'digest_mismatch' | 'wrong_length' | 'decrypt_failed' | 'bad_key';

export type OpenedAttachment = { ok: true; plaintext: Uint8Array<ArrayBuffer> } | { ok: false; failure: AttachmentFailure; reason: string };

/**
 * Checks a downloaded blob against the file object (`size`, `key`, `digest`, all base64 where bytes): the
 * digest, then every chunk's tag with its index and flag, that nothing follows the last chunk and that the
 * plaintext has exactly `size` bytes.
 */
export async function openAttachment(blob: Uint8Array<ArrayBuffer>, file: { size: number; key: string; digest: string }): Promise<OpenedAttachment> {
  const digest = decodeBase64(file.digest);
  // The digest is computed beside the chunks' decryption, but checked first: nothing is answered before it.
  const digestMatches = sha512(blob).then(
    (actual) => bytesEqual(actual, digest),
    () => false,
  );
  const digestMismatch: OpenedAttachment = { ok: false, failure: 'digest_mismatch', reason: 'The file is not the one its sender sent: its digest does not match.' };
  // With `size` known, every chunk's place and flag are known: a cut, an extra or a moved chunk cannot fit.
  if (blob.length !== blobLength(file.size)) {
    if (!(await digestMatches)) return digestMismatch;
    return { ok: false, failure: 'wrong_length', reason: 'The file has the wrong length for its size: it was cut short or has something added.' };
  }
  let raw: Uint8Array;
  try {
    raw = decodeBase64(file.key);
  } catch (error) {
    if (!(await digestMatches)) return digestMismatch;
    throw error;
  }
  if (raw.length !== ATTACHMENT_KEY_BYTES) {
    if (!(await digestMatches)) return digestMismatch;
    return { ok: false, failure: 'bad_key', reason: 'The file key has the wrong size.' };
  }
  const key = await importAesKey(raw);
  const n = chunkCount(file.size);
  const plaintext = new Uint8Array(file.size);
  let firstBad = n;
  await eachChunk(n, async (i) => {
    const start = i * (CHUNK_BYTES + CHUNK_OVERHEAD);
    const end = i === n - 1 ? blob.length : start + CHUNK_BYTES + CHUNK_OVERHEAD;
    try {
      plaintext.set(await open(key, blob.subarray(start, end), chunkAad(i, i === n - 1)), i * CHUNK_BYTES);
    } catch {
      firstBad = Math.min(firstBad, i);
    }
  });
  if (!(await digestMatches)) return digestMismatch;
  if (firstBad < n) return { ok: false, failure: 'decrypt_failed', reason: `Part ${firstBad + 1} of the file could not be decrypted: the file was altered.` };
  return { ok: true, plaintext };
}
