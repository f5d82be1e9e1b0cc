// Core side (runs anywhere, WebCrypto and web streams only): the attachment blob of PROTOCOL.md "Attachments"
// sealed and opened as TransformStreams, chunk by chunk, so memory stays at a few 65,536-byte chunks whatever
// the file's size. The sealer holds one chunk back, because only the end of the input says which is last.
import { GCM_IV_BYTES, GCM_TAG_BYTES } from '../protocol/constants.js';
import { ATTACHMENT_KEY_BYTES, blobLength, chunkAad, CHUNK_BYTES, CHUNK_OVERHEAD, chunkCount } from './attachment-crypto.js';
import { importAesKey } from './aead.js';
import type { Sha512, Sha512Factory } from './sha512.js';
import { bytesEqual, concatBytes, randomBytes, subtle } from './webcrypto.js';

/** Chunks sealed or opened at once: enough to keep WebCrypto's worker threads busy, few enough to bound memory. */
const IN_FLIGHT = 4;

export type StreamFailure = 'decrypt_failed' | 'truncated' | 'extra_bytes' | 'wrong_size' | 'digest_mismatch' | 'bad_key';

/** Why a blob did not open, in words for a person; `failure` for a program. */
export class AttachmentError extends Error {
  readonly failure: StreamFailure;

  constructor(failure: StreamFailure, reason: string) {
    super(reason);
    this.name = 'AttachmentError';
    this.failure = failure;
  }
}

export interface SealedResult {
  /** SHA-512 of the blob, as the server must answer it. */
  digest: Uint8Array;
  /** Plaintext bytes sealed. */
  size: number;
  /** Blob bytes produced: size + 28·n. */
  blobSize: number;
}

export interface SealOptions {
  /** F, 32 bytes (the caller draws it: it goes into the file object). */
  key: Uint8Array;
  sha512: Sha512Factory;
  /** When known, a plaintext of any other length fails the stream (a file that changed while being read). */
  expectedSize?: number;
  /** Fixed IVs, for rebuilding test vectors only; every real seal draws fresh ones. */
  ivs?: (index: number) => Uint8Array<ArrayBuffer>;
}

/**
 * Plaintext in, blob out. `result` settles when the stream ends: the blob's digest and sizes, or the error
 * that stopped it.
 */
export function sealingStream(options: SealOptions): { stream: TransformStream<Uint8Array, Uint8Array>; result: Promise<SealedResult> } {
  if (options.key.length !== ATTACHMENT_KEY_BYTES) throw new RangeError('an attachment key has 32 bytes');
  const keyPromise = importAesKey(options.key);
  const hash: Sha512 = options.sha512();
  let settle!: { ok: (r: SealedResult) => void; fail: (e: unknown) => void };
  const result = new Promise<SealedResult>((ok, fail) => (settle = { ok, fail }));
  result.catch(() => undefined);
  /** A full chunk not sealed yet: whether it is the last one is known only once something follows it. */
  let held: Uint8Array | null = null;
  let fill = new Uint8Array(CHUNK_BYTES);
  let filled = 0;
  let index = 0;
  let size = 0;
  let blobSize = 0;

  /** Chunks being encrypted, oldest first: several at once keep WebCrypto's threads busy; output stays in order. */
  const inFlight: Array<Promise<[iv: Uint8Array, sealed: Uint8Array]>> = [];
  const emitOldest = async (controller: TransformStreamDefaultController<Uint8Array>) => {
    // The IV and the ciphertext with its tag go out as two pieces of the blob (no copy to join them).
    for (const piece of await inFlight.shift()!) {
      hash.update(piece);
      blobSize += piece.length;
      controller.enqueue(piece);
    }
  };
  const sealChunk = async (controller: TransformStreamDefaultController<Uint8Array>, chunk: Uint8Array, last: boolean) => {
    const iv = options.ivs?.(index) ?? randomBytes(GCM_IV_BYTES);
    if (iv.length !== GCM_IV_BYTES) throw new RangeError('an AES-GCM IV has 12 bytes');
    const aad = chunkAad(index, last);
    index++;
    const sealed = keyPromise
      .then((key) => subtle().encrypt({ name: 'AES-GCM', iv, additionalData: aad, tagLength: GCM_TAG_BYTES * 8 }, key, chunk as Uint8Array<ArrayBuffer>))
      .then((ct): [Uint8Array, Uint8Array] => [iv, new Uint8Array(ct)]);
    sealed.catch(() => undefined);
    inFlight.push(sealed);
    while (inFlight.length > IN_FLIGHT || (last && inFlight.length > 0)) await emitOldest(controller);
  };

  const stream = new TransformStream<Uint8Array, Uint8Array>({
    async transform(piece, controller) {
      try {
        size += piece.length;
        if (options.expectedSize !== undefined && size > options.expectedSize) throw new AttachmentError('wrong_size', 'The file grew while it was being read; send it again.');
        let at = 0;
        while (at < piece.length) {
          const take = Math.min(CHUNK_BYTES - filled, piece.length - at);
          fill.set(piece.subarray(at, at + take), filled);
          filled += take;
          at += take;
          if (filled === CHUNK_BYTES) {
            // Bytes follow the held chunk, so it is not the last.
            if (held) await sealChunk(controller, held, false);
            held = fill;
            fill = new Uint8Array(CHUNK_BYTES);
            filled = 0;
          }
        }
      } catch (error) {
        settle.fail(error);
        throw error;
      }
    },
    async flush(controller) {
      try {
        if (options.expectedSize !== undefined && size !== options.expectedSize) throw new AttachmentError('wrong_size', 'The file shrank while it was being read; send it again.');
        if (filled > 0) {
          if (held) await sealChunk(controller, held, false);
          await sealChunk(controller, fill.subarray(0, filled), true);
        } else {
          // A last chunk of 1 to 65536 bytes, or the one empty chunk of an empty file.
          await sealChunk(controller, held ?? new Uint8Array(0), true);
        }
        held = null;
        settle.ok({ digest: hash.digest(), size, blobSize });
      } catch (error) {
        settle.fail(error);
        throw error;
      }
    },
  });
  return { stream, result };
}

export interface OpenOptions {
  /** From the file object: the plaintext bytes, F (32 bytes) and the digest the server answered the sender. */
  size: number;
  key: Uint8Array;
  digest: Uint8Array;
  sha512: Sha512Factory;
}

/**
 * Blob in, plaintext out. Every chunk's tag is checked with its index and flag (so a moved, cut or swapped
 * chunk fails), nothing may follow the last chunk, the plaintext has exactly `size` bytes, and at the end the
 * digest must match: the stream errors with an AttachmentError otherwise. What came out before an error must
 * be thrown away by the caller (a temporary file, a buffer).
 */
export function openingStream(options: OpenOptions): TransformStream<Uint8Array, Uint8Array> {
  const { size } = options;
  if (!Number.isSafeInteger(size) || size < 0) throw new AttachmentError('wrong_size', 'The file object gives an impossible size.');
  const n = chunkCount(size);
  const keyPromise =
    options.key.length === ATTACHMENT_KEY_BYTES ? importAesKey(options.key) : Promise.reject(new AttachmentError('bad_key', 'The file key has the wrong size.'));
  keyPromise.catch(() => undefined);
  const hash = options.sha512();
  const sealedLength = (i: number) => (i < n - 1 ? CHUNK_BYTES + CHUNK_OVERHEAD : size - (n - 1) * CHUNK_BYTES + CHUNK_OVERHEAD);
  let index = 0;
  let buffer = new Uint8Array(sealedLength(0));
  let filled = 0;
  let plainBytes = 0;
  let received = 0;

  /** Chunks being decrypted, oldest first (several at once; output in order); each settles to its plaintext or its error. */
  const inFlight: Array<Promise<Uint8Array | AttachmentError>> = [];
  const emitOldest = async (controller: TransformStreamDefaultController<Uint8Array>) => {
    const plain = await inFlight.shift()!;
    if (plain instanceof AttachmentError) throw plain;
    plainBytes += plain.length;
    controller.enqueue(plain);
  };
  const openChunk = async (controller: TransformStreamDefaultController<Uint8Array>) => {
    const sealed = buffer;
    const at = index;
    const last = at === n - 1;
    index++;
    if (index < n) buffer = new Uint8Array(sealedLength(index));
    inFlight.push(
      keyPromise.then(
        (key) =>
          subtle()
            .decrypt({ name: 'AES-GCM', iv: sealed.subarray(0, GCM_IV_BYTES), additionalData: chunkAad(at, last), tagLength: GCM_TAG_BYTES * 8 }, key, sealed.subarray(GCM_IV_BYTES))
            .then(
              (plain) => new Uint8Array(plain),
              () =>
                new AttachmentError(
                  'decrypt_failed',
                  `Part ${at + 1} of ${n} of the file could not be decrypted: the file was altered, its parts were moved, or it was not sealed with the key its message gives.`,
                ),
            ),
        (error: unknown) => (error instanceof AttachmentError ? error : new AttachmentError('bad_key', 'The file key could not be used.')),
      ),
    );
    while (inFlight.length > IN_FLIGHT || (last && inFlight.length > 0)) await emitOldest(controller);
  };

  return new TransformStream<Uint8Array, Uint8Array>({
    async transform(piece, controller) {
      received += piece.length;
      hash.update(piece);
      let at = 0;
      while (at < piece.length) {
        if (index >= n) {
          throw new AttachmentError('extra_bytes', `The file has ${received - blobLength(size)} more bytes after its last part: something was added to it.`);
        }
        const take = Math.min(buffer.length - filled, piece.length - at);
        buffer.set(piece.subarray(at, at + take), filled);
        filled += take;
        at += take;
        if (filled === buffer.length) {
          await openChunk(controller);
          filled = 0;
        }
      }
    },
    async flush(controller) {
      // What was started is finished first, so a part that did not open is said before a cut after it.
      while (inFlight.length > 0) await emitOldest(controller);
      if (index < n) {
        const where = filled === 0 ? `after part ${index} of ${n}` : `in the middle of part ${index + 1} of ${n}`;
        throw new AttachmentError('truncated', `The file was cut short: it ends ${where}.`);
      }
      if (plainBytes !== size) throw new AttachmentError('wrong_size', `The file has ${plainBytes} bytes, not the ${size} its message gives.`);
      if (!bytesEqual(hash.digest(), options.digest)) {
        throw new AttachmentError('digest_mismatch', 'The file is not the one its sender uploaded: its digest does not match.');
      }
    },
  });
}

/** Bytes as a stream, in pieces of at most `piece` bytes (tests, and callers holding a whole buffer). */
export function bytesStream(bytes: Uint8Array, piece = CHUNK_BYTES): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= bytes.length) {
        controller.close();
        return;
      }
      controller.enqueue(bytes.subarray(at, Math.min(bytes.length, at + piece)));
      at += piece;
    },
  });
}

/** Everything a stream gives, joined (for files the caller means to hold whole: fileBytes, tests). */
export async function collectStream(stream: ReadableStream<Uint8Array>): Promise<Uint8Array<ArrayBuffer>> {
  const parts: Uint8Array[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
  }
  return concatBytes(...parts);
}
