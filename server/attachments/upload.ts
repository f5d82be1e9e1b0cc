// Server side: POST /attachments (PROTOCOL.md "Attachments"). The body streams to the BlobStore while its
// bytes are counted and hashed (SHA-512), never held whole in memory; past the largest blob a file of
// ATTACHMENT_LIMIT makes, or past the uploader's ATTACHMENT_QUOTA, the upload stops at once with 413. The
// row that makes a blob count is committed only after the store holds the complete blob under its final
// name, so an answered 201 survives a crash, and an interrupted upload leaves nothing that counts.
import { createHash, randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { SHA512_BYTES } from '../../core/protocol/schemas-attachments.js';
import { requireCaller } from '../auth/authenticate.js';
import type { Database } from '../db/database.js';
import { sendError, type ServerErrorCode } from '../http/errors.js';
import type { BlobStore } from './blob-store.js';
import { commitBlob, storedBytes } from './records.js';
import { BodyAborted, BodyTimeout, bodyChunks } from './request-body.js';

/** Plaintext bytes per chunk, and what each chunk adds (IV and tag), as PROTOCOL.md "Attachments" says. */
export const CHUNK_BYTES = 65536;
export const CHUNK_OVERHEAD = 28;

/** The largest blob a file of `limit` bytes makes: `limit + 28·ceil(limit/65536)`. */
export const largestBlob = (limit: number): number => limit + CHUNK_OVERHEAD * Math.ceil(limit / CHUNK_BYTES);

/** An upload that stalls this long is given up. */
const IDLE_MS = 60_000;
/** After an early answer, what still arrives is read and dropped this long (so the client sees the answer, not a reset), then the connection is closed. */
const LINGER_MS = 2_000;

export interface UploadOptions {
  limitBytes: number;
  /** 0: no limit. */
  quotaBytes: number;
}

class Refusal extends Error {
  constructor(
    readonly code: ServerErrorCode,
    message: string,
  ) {
    super(message);
  }
}

function formatBytes(bytes: number): string {
  for (const [unit, size] of [['GiB', 1024 ** 3], ['MiB', 1024 ** 2], ['KiB', 1024]] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size} ${unit}`;
  }
  return `${bytes} bytes`;
}

/**
 * Answers before the body is read to its end: what is still coming is dropped for a moment, then the
 * connection is closed, so a client cannot make the server read a body it refused.
 */
function refuseEarly(req: Request, res: Response, code: ServerErrorCode, message: string): void {
  sendError(res, code, message);
  if (req.complete) return;
  req.resume();
  const socket = req.socket;
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref();
  req.once('end', () => clearTimeout(timer));
  socket.once('close', () => clearTimeout(timer));
}

export function uploadHandler(db: Database, store: BlobStore, options: UploadOptions) {
  const maxBlob = largestBlob(options.limitBytes);
  /** Bytes of this process's uploads in progress, per user, so parallel uploads of one user share the quota. */
  const inFlight = new Map<string, number>();
  const tooLarge = `the upload is larger than this server takes: files up to ${formatBytes(options.limitBytes)} (${maxBlob} bytes encrypted)`;
  const overQuota = `your stored attachments would exceed this server's limit of ${formatBytes(options.quotaBytes)} per user`;

  return async (req: Request, res: Response): Promise<void> => {
    const uploader = requireCaller(res);
    if (!req.is('application/octet-stream')) {
      refuseEarly(req, res, 'unsupported_media_type', 'an attachment is sent as its bytes with Content-Type: application/octet-stream');
      return;
    }
    const declared = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
    if (declared !== undefined && declared > maxBlob) {
      refuseEarly(req, res, 'too_large', tooLarge);
      return;
    }
    const used = options.quotaBytes > 0 ? await storedBytes(db, uploader) : 0;
    const overBy = (received: number) => options.quotaBytes > 0 && used + (inFlight.get(uploader) ?? 0) + received > options.quotaBytes;
    if (overBy(declared ?? CHUNK_OVERHEAD)) {
      refuseEarly(req, res, 'quota_exceeded', overQuota);
      return;
    }

    const id = randomUUID();
    const hash = createHash('sha512');
    let size = 0;
    async function* counted(): AsyncGenerator<Buffer> {
      for await (const chunk of bodyChunks(req, IDLE_MS)) {
        if (size + chunk.length > maxBlob) throw new Refusal('too_large', tooLarge);
        if (overBy(chunk.length)) throw new Refusal('quota_exceeded', overQuota);
        size += chunk.length;
        inFlight.set(uploader, (inFlight.get(uploader) ?? 0) + chunk.length);
        hash.update(chunk);
        yield chunk;
      }
      if (size < CHUNK_OVERHEAD) throw new Refusal('invalid_request', `an attachment blob has at least ${CHUNK_OVERHEAD} bytes (one chunk's IV and tag); got ${size}`);
    }
    try {
      await store.put(id, counted());
    } catch (error) {
      if (error instanceof Refusal) refuseEarly(req, res, error.code, error.message);
      else if (error instanceof BodyTimeout) refuseEarly(req, res, 'invalid_request', `${error.message}; the upload was given up`);
      else if (!(error instanceof BodyAborted)) throw error;
      return;
    } finally {
      const left = (inFlight.get(uploader) ?? 0) - size;
      if (left > 0) inFlight.set(uploader, left);
      else inFlight.delete(uploader);
    }
    const digest = hash.digest();
    if (digest.length !== SHA512_BYTES) throw new Error('SHA-512 gave a digest of the wrong size');
    let outcome: Awaited<ReturnType<typeof commitBlob>>;
    try {
      outcome = await commitBlob(db, { id, uploader, size, digest: digest.toString('base64') }, options.quotaBytes);
    } catch (error) {
      await store.delete(id).catch(() => undefined);
      throw error;
    }
    if (outcome === 'quota-exceeded') {
      await store.delete(id);
      sendError(res, 'quota_exceeded', overQuota);
      return;
    }
    res.status(201).json({ id, size, digest: digest.toString('base64') });
  };
}
