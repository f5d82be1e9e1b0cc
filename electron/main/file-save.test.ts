import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FileRef, FileView } from '../../core/api/chat-api.js';
import { ChatError } from '../../core/api/errors.js';
import type { FileSink } from '../../core/client/attachments.js';
import { saveReceivedFile, temporaryPathFor, type FileReceiver } from './file-save.js';
import { newFolderEachTest } from './temporary-folder.fixture.js';

const ref: FileRef = { conversation: 'bob', messageId: '7b0b4a6e-1c1f-4f55-9a57-3a3b3b7d4c11', index: 0, transfer: 'download-1' };
const view: FileView = { index: 0, name: 'report.pdf', mime: 'application/pdf', size: 6 };

/** A client whose download writes `chunks`, then verifies or fails with `failure`; it records what it saw in the folder meanwhile. */
function receiver(chunks: Uint8Array[], failure: Error | null = null, during?: () => Promise<void>): FileReceiver {
  return {
    async receiveFile(_ref, sink: FileSink) {
      for (const chunk of chunks) await sink.write(chunk);
      await during?.();
      if (failure) throw failure;
      return view;
    },
  };
}

let dir: string;
newFolderEachTest('file-save-', (made) => (dir = made));

describe('saveReceivedFile', () => {
  it('writes the verified bytes under the chosen name only at the end, readable by this user only', async () => {
    const target = path.join(dir, 'report.pdf');
    let seenDuring: string[] = [];
    const saved = await saveReceivedFile(
      receiver([new Uint8Array([1, 2, 3]), new Uint8Array([4, 5, 6])], null, async () => {
        seenDuring = await readdir(dir);
      }),
      ref,
      target,
    );
    expect(saved).toEqual(view);
    // While the download ran only the hidden temporary file was there, never the chosen name.
    expect(seenDuring).toHaveLength(1);
    expect(seenDuring[0]).toMatch(/^\.report\.pdf\.[0-9a-f-]{36}\.part$/);
    expect([...(await readFile(target))]).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await readdir(dir)).toEqual(['report.pdf']);
    if (process.platform !== 'win32') expect((await stat(target)).mode & 0o777).toBe(0o600);
  });

  it('deletes what it wrote when the file does not verify, and leaves an existing file of that name alone', async () => {
    const target = path.join(dir, 'report.pdf');
    await writeFile(target, 'the earlier one');
    const failure = new ChatError('file_failed', 'report.pdf did not verify: its digest does not match. It was not saved.');
    await expect(saveReceivedFile(receiver([new Uint8Array([9, 9, 9])], failure), ref, target)).rejects.toBe(failure);
    expect(await readdir(dir)).toEqual(['report.pdf']);
    expect(await readFile(target, 'utf8')).toBe('the earlier one');
  });

  it('deletes the temporary file when the download is cancelled before any byte', async () => {
    const target = path.join(dir, 'photo.png');
    await expect(saveReceivedFile(receiver([], new ChatError('cancelled', 'The transfer was cancelled.')), ref, target)).rejects.toMatchObject({ info: { code: 'cancelled' } });
    expect(await readdir(dir)).toEqual([]);
  });

  it('replaces a file the person chose to overwrite once the new one verified', async () => {
    const target = path.join(dir, 'notes.txt');
    await writeFile(target, 'old');
    await saveReceivedFile(receiver([new TextEncoder().encode('new text')]), ref, target);
    expect(await readFile(target, 'utf8')).toBe('new text');
  });
});

describe('temporaryPathFor', () => {
  it('is a hidden, unique name in the same folder (so the rename stays on one file system)', () => {
    const a = temporaryPathFor('/home/alice/Downloads/a.pdf');
    expect(path.dirname(a)).toBe('/home/alice/Downloads');
    expect(path.basename(a)).toMatch(/^\.a\.pdf\..+\.part$/);
    expect(temporaryPathFor('/home/alice/Downloads/a.pdf')).not.toBe(a);
  });
});
