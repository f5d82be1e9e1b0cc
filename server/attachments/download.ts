// Server side: GET /attachments/{id} (PROTOCOL.md "Attachments"): the blob, streamed from the BlobStore,
// with Content-Length, and one `Range: bytes=` honoured with 206 (several ranges: the whole blob, 200; a
// range past the end: 416). Only its uploader and the participants of a message naming it find it (404
// for anyone else, as for a blob that does not exist). Always bytes to save, never something to render.
import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { attachmentIdSchema } from '../../core/protocol/schemas-attachments.js';
import { requireCaller } from '../auth/authenticate.js';
import type { Database } from '../db/database.js';
import { ApiError, parseOr400 } from '../http/errors.js';
import type { BlobStore, ByteRange } from './blob-store.js';
import { readableSize } from './records.js';

const pathSchema = z.strictObject({ id: attachmentIdSchema });

/** The single range asked for, 'unsatisfiable', or undefined for the whole blob (no header, several ranges, or one that does not parse). */
function requestedRange(req: Request, size: number): ByteRange | 'unsatisfiable' | undefined {
  if (req.headers.range === undefined) return undefined;
  const ranges = req.range(size, { combine: false });
  if (ranges === -1) return 'unsatisfiable';
  if (ranges === undefined || ranges === -2 || ranges.type !== 'bytes' || ranges.length !== 1) return undefined;
  return { start: ranges[0]!.start, end: ranges[0]!.end };
}

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';

export function downloadHandler(db: Database, store: BlobStore) {
  return async (req: Request, res: Response): Promise<void> => {
    const username = requireCaller(res);
    const { id } = parseOr400(pathSchema, req.params, 'path');
    const notFound = () => new ApiError('not_found', `there is no attachment ${id} that you may read`);
    const size = await readableSize(db, username, id);
    if (size === undefined) throw notFound();
    const range = requestedRange(req, size);
    res.setHeader('Accept-Ranges', 'bytes');
    if (range === 'unsatisfiable') {
      res.setHeader('Content-Range', `bytes */${size}`);
      res.status(416).json({ error: { code: 'range_not_satisfiable', message: `the range is outside the attachment's ${size} bytes` } });
      return;
    }
    let body;
    try {
      body = await store.get(id, range);
    } catch (error) {
      // Erased between the check and the read.
      if (isMissing(error)) throw notFound();
      throw error;
    }
    res.setHeader('Content-Type', 'application/octet-stream');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Disposition', 'attachment');
    res.setHeader('Cache-Control', 'private, no-store');
    if (range) {
      res.status(206);
      res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${size}`);
      res.setHeader('Content-Length', String(range.end - range.start + 1));
    } else {
      res.status(200);
      res.setHeader('Content-Length', String(size));
    }
    if (req.method === 'HEAD') {
      body.destroy();
      res.end();
      return;
    }
    // A client that goes away mid-download ends the pipeline; nothing to answer then.
    await pipeline(body, res).catch(() => undefined);
  };
}
