// Node side (CLI and Electron main): files on disk for attachments — a file read as a web stream to upload
// (never whole in memory), a received file written to a temporary file beside its place and renamed only once
// it verified (deleted otherwise), node:crypto's SHA-512 for the core's streams, and a Node stream for axios.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { link, open, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { Readable } from 'node:stream';
import type { FileSink, FileSource } from '../core/client/chat-client.js';
import type { Sha512Factory } from '../core/crypto/sha512.js';
import { safeFileName } from '../core/protocol/file-rules.js';

export const nodeSha512: Sha512Factory = () => createHash('sha512');

/** What axios's http adapter sends as a streamed body: a Node stream read as the socket drains. */
export const nodeUploadBody = (body: ReadableStream<Uint8Array>): Readable => Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>);

const MIME_TYPES: Record<string, string> = {
  '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.gif': 'image/gif', '.webp': 'image/webp', '.pdf': 'application/pdf',
  '.txt': 'text/plain', '.md': 'text/markdown', '.csv': 'text/csv', '.json': 'application/json', '.zip': 'application/zip',
  '.mp3': 'audio/mpeg', '.mp4': 'video/mp4', '.svg': 'image/svg+xml', '.html': 'text/html', '.doc': 'application/msword',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', '.tar': 'application/x-tar', '.gz': 'application/gzip',
};

/** The type a file's name suggests (the reader treats it as a claim only). */
export function mimeTypeOf(path: string): string {
  return MIME_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/** A regular file on disk as an upload source; its size is taken now (a file that then changes fails the upload). */
export async function diskFileSource(path: string): Promise<FileSource> {
  const info = await stat(path);
  if (!info.isFile()) throw new Error(`${path} is not a regular file`);
  return {
    name: safeFileName(basename(path)),
    mime: mimeTypeOf(path),
    size: info.size,
    open: () => Readable.toWeb(createReadStream(path, { highWaterMark: 64 * 1024 })) as unknown as ReadableStream<Uint8Array>,
  };
}

/** A received file being written: to a hidden temporary name in `dir` until `keep` gives it its own name. */
export interface TemporaryFile {
  sink: FileSink;
  /** Renames it to `name` in the folder (or `name (1)`, `name (2)`… when taken: nothing is overwritten); answers the path. */
  keep(name: string): Promise<string>;
  /** Deletes what was written. */
  discard(): Promise<void>;
}

export async function temporaryFile(dir: string): Promise<TemporaryFile> {
  const path = join(dir, `.encrypted-chat-${randomBytes(8).toString('hex')}.part`);
  const handle: FileHandle = await open(path, 'wx', 0o600);
  let closed = false;
  const close = async () => {
    if (!closed) await handle.close();
    closed = true;
  };
  return {
    sink: {
      async write(chunk) {
        let at = 0;
        while (at < chunk.length) at += (await handle.write(chunk, at, chunk.length - at)).bytesWritten;
      },
    },
    async keep(name) {
      await handle.sync();
      await close();
      const safe = safeFileName(name);
      const ext = extname(safe);
      const stem = ext.length > 0 && ext.length < safe.length ? safe.slice(0, -ext.length) : safe;
      for (let n = 0; n < 1000; n++) {
        const target = join(dir, n === 0 ? safe : `${stem} (${n})${ext}`);
        try {
          // A hard link fails when the name is taken, so an existing file is never replaced.
          await link(path, target);
          await unlink(path);
          return target;
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code === 'EEXIST') continue;
          if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV' && code !== 'ENOSYS') throw error;
          // A file system without hard links: take the name if it is free.
          if (await stat(target).then(() => true, () => false)) continue;
          await rename(path, target);
          return target;
        }
      }
      throw new Error(`no free name for ${safe} in ${dir}`);
    },
    async discard() {
      await close().catch(() => undefined);
      await unlink(path).catch(() => undefined);
    },
  };
}
