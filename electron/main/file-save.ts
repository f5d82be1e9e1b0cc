// Main process, no Electron import: a received file saved where the person chose (PROTOCOL.md "Attachments":
// a file that fails is never saved). The plaintext streams into a temporary file beside the chosen one —
// readable by this user only — which takes the chosen name only once the whole file verified; on any failure
// it is deleted, so nothing half-written or unverified is ever left under a name the person would open.
import { randomUUID } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { FileRef, FileView } from '../../core/api/chat-api.js';
import type { FileSink } from '../../core/client/attachments.js';

/** What saving needs of the ChatClient: its streaming download, which resolves only after verifying. */
export interface FileReceiver {
  receiveFile(ref: Omit<FileRef, 'transfer'> & { transfer?: string }, sink: FileSink, options?: { signal?: AbortSignal }): Promise<FileView>;
}

/** The temporary name beside `target`: hidden (a leading dot), unique, and plainly not the finished file. */
export function temporaryPathFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${randomUUID()}.part`);
}

/** Streams one verified file to `target` (replacing what is there only at the end); resolves with its view. */
export async function saveReceivedFile(client: FileReceiver, ref: FileRef, target: string, options: { signal?: AbortSignal } = {}): Promise<FileView> {
  const temporary = temporaryPathFor(target);
  // 'wx': never follows or reuses something already at that name.
  const handle = await open(temporary, 'wx', 0o600);
  let closed = false;
  try {
    const sink: FileSink = {
      write: async (chunk) => {
        let offset = 0;
        while (offset < chunk.length) offset += (await handle.write(chunk, offset, chunk.length - offset)).bytesWritten;
      },
    };
    const view = await client.receiveFile(ref, sink, options);
    await handle.sync();
    await handle.close();
    closed = true;
    await rename(temporary, target);
    return view;
  } catch (error) {
    if (!closed) await handle.close().catch(() => undefined);
    await rm(temporary, { force: true });
    throw error;
  }
}
