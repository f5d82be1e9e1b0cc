// Server side: where attachment blobs are kept, behind one small interface, so that the filesystem store
// (file-store.ts) can be replaced by an S3-compatible one without touching the routes, the sweep or the
// database rules. The database is the truth about which blobs count (server/attachments/records.ts); a
// store only holds bytes: a blob that is stored but has no row counts for nothing and is removed by the sweep.
import type { Readable } from 'node:stream';

/** Inclusive byte range, as HTTP's Range: bytes=start-end. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface StoredBlob {
  id: string;
  /** Last modification, ms since the epoch: an unknown blob younger than a grace period may be being committed. */
  modifiedAt: number;
}

export interface BlobStore {
  /**
   * Stores the bytes `source` yields under `id`, durably, all or nothing: when `put` resolves the blob is
   * complete under its final name and survives a crash; when `source` throws (or the process dies) nothing
   * is left under `id`. The caller computes what it needs (size, digest) while `source` yields.
   */
  put(id: string, source: AsyncIterable<Uint8Array>): Promise<void>;
  /** The blob's bytes, or the inclusive `range` of them; fails with code ENOENT for a blob it does not hold. */
  get(id: string, range?: ByteRange): Promise<Readable>;
  /** Removes the blob; nothing happens for one it does not hold. */
  delete(id: string): Promise<void>;
  /** Its size in bytes, or undefined when it holds no blob `id`. */
  size(id: string): Promise<number | undefined>;
  /** Every complete blob it holds (for the sweep's check against the database). */
  list(): AsyncIterable<StoredBlob>;
  /**
   * Removes what interrupted uploads left: at start those of an earlier run of this process, and those of
   * any instance older than `staleMs`.
   */
  removeLeftovers(staleMs: number): Promise<number>;
}
