// Server side: the filesystem BlobStore (ATTACHMENT_DIR). A blob is written to `<id>.<host>.<pid>.part`,
// fsynced, renamed to `<id>` and the directory fsynced, so after `put` resolves the blob survives a crash,
// and before, a crash leaves only a `.part` file, which counts for nothing and is removed by
// removeLeftovers. Several instances may share the folder (a network mount): the host and process in a
// temporary name say whose it is, so an instance removes at once only what a dead process of its own host
// left, and anything else only when nobody has written to it for a long time.
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { BlobStore, ByteRange, StoredBlob } from './blob-store.js';

const BLOB_NAME = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PART_NAME = /^([0-9a-f-]{36})\.([0-9a-f]{8})\.(\d+)\.part$/;
const HOST_TAG = createHash('sha256').update(os.hostname()).digest('hex').slice(0, 8);

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** fsync of a directory, so that a rename in it is on disk. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export class FileBlobStore implements BlobStore {
  /** Temporary files of this process's uploads in progress: never leftovers. */
  private readonly writing = new Set<string>();
  private ready: Promise<void> | undefined;

  constructor(readonly dir: string) {}

  /** Makes the folder (and its parents) on first use. */
  private prepare(): Promise<void> {
    return (this.ready ??= mkdir(this.dir, { recursive: true, mode: 0o700 }).then(() => undefined));
  }

  private pathOf(id: string): string {
    if (!BLOB_NAME.test(id)) throw new Error('not a blob id');
    return path.join(this.dir, id);
  }

  async put(id: string, source: AsyncIterable<Uint8Array>): Promise<void> {
    await this.prepare();
    const final = this.pathOf(id);
    const temp = path.join(this.dir, `${id}.${HOST_TAG}.${process.pid}.part`);
    this.writing.add(temp);
    try {
      const handle = await open(temp, 'wx', 0o600);
      try {
        for await (const chunk of source) {
          let offset = 0;
          while (offset < chunk.byteLength) {
            const { bytesWritten } = await handle.write(chunk, offset, chunk.byteLength - offset);
            offset += bytesWritten;
          }
        }
        await handle.sync();
      } catch (error) {
        await handle.close().catch(() => undefined);
        await rm(temp, { force: true });
        throw error;
      }
      await handle.close();
      await rename(temp, final);
      await syncDirectory(this.dir);
    } finally {
      this.writing.delete(temp);
    }
  }

  async get(id: string, range?: ByteRange): Promise<Readable> {
    const handle = await open(this.pathOf(id), 'r');
    return handle.createReadStream(range ? { start: range.start, end: range.end } : {});
  }

  async delete(id: string): Promise<void> {
    await rm(this.pathOf(id), { force: true });
  }

  async size(id: string): Promise<number | undefined> {
    try {
      return (await stat(this.pathOf(id))).size;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async *list(): AsyncIterable<StoredBlob> {
    await this.prepare();
    for (const name of await readdir(this.dir)) {
      if (!BLOB_NAME.test(name)) continue;
      try {
        yield { id: name, modifiedAt: (await stat(path.join(this.dir, name))).mtimeMs };
      } catch (error) {
        if (!isMissing(error)) throw error;
      }
    }
  }

  async removeLeftovers(staleMs: number): Promise<number> {
    await this.prepare();
    let removed = 0;
    for (const name of await readdir(this.dir)) {
      const match = PART_NAME.exec(name);
      const file = path.join(this.dir, name);
      if (!match || this.writing.has(file)) continue;
      const pid = Number(match[3]);
      // This host's: a process that is gone (or this one, whose own uploads are in `writing`) left it.
      let leftover = match[2] === HOST_TAG && (pid === process.pid || !processAlive(pid));
      if (!leftover) {
        try {
          leftover = Date.now() - (await stat(file)).mtimeMs > staleMs;
        } catch (error) {
          if (isMissing(error)) continue;
          throw error;
        }
      }
      if (leftover) {
        await rm(file, { force: true });
        removed++;
      }
    }
    return removed;
  }
}
