// Server side: a request body as chunks, read as they arrive (never the whole body in memory: at most the
// socket's buffer). Unlike a Readable's own async iterator, stopping early does not destroy the request, so
// the route can still answer (413) on the same connection before it is closed.
import type { IncomingMessage } from 'node:http';

export class BodyTimeout extends Error {}
export class BodyAborted extends Error {}

/** Yields the body's chunks; throws BodyTimeout when nothing arrives for `idleMs`, BodyAborted when the client goes. */
export async function* bodyChunks(req: IncomingMessage, idleMs: number): AsyncGenerator<Buffer> {
  for (;;) {
    const chunk = req.read() as Buffer | null;
    if (chunk !== null) {
      yield chunk;
      continue;
    }
    if (req.readableEnded) return;
    if (req.destroyed) throw new BodyAborted('the client closed the connection during the upload');
    await new Promise<void>((resolve, reject) => {
      const done = (error?: Error) => {
        clearTimeout(timer);
        req.off('readable', onReadable).off('end', onReadable).off('close', onClose).off('error', onError);
        if (error) reject(error);
        else resolve();
      };
      const onReadable = () => done();
      const onClose = () => done(req.readableEnded ? undefined : new BodyAborted('the client closed the connection during the upload'));
      const onError = () => done(new BodyAborted('the upload was cut off'));
      const timer = setTimeout(() => done(new BodyTimeout(`no upload data arrived for ${Math.round(idleMs / 1000)} s`)), idleMs);
      req.on('readable', onReadable).on('end', onReadable).on('close', onClose).on('error', onError);
    });
  }
}
