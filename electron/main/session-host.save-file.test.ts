// The session host's saveFile (main process, vitest in Node): the save dialog proposes the file's safe name,
// the verified bytes land where the person chose, and a file that fails leaves nothing behind.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { FileRef } from '../../core/api/chat-api.js';
import { ChatError } from '../../core/api/errors.js';
import { messageView } from '../../core/test-fixtures/views.js';
import { messageId, SERVER, sessionHostKit } from './session-host.fixture.js';
import { newFolderEachTest } from './temporary-folder.fixture.js';

const { makeHost } = sessionHostKit();
const ref: FileRef = { conversation: 'bob', messageId, index: 1, transfer: 'download-1' };
const fileMessage = messageView({
  id: messageId,
  sender: 'bob',
  recipient: 'alice',
  conversation: 'bob',
  text: null,
  files: [
    { index: 0, name: 'photo.png', mime: 'image/png', size: 10 },
    { index: 1, name: 'report.pdf', mime: 'application/pdf', size: 3 },
  ],
});

let dir: string;
newFolderEachTest('save-file-', (made) => (dir = made));

async function signedIn() {
  const kit = makeHost();
  await kit.host.start(SERVER);
  await kit.host.login({ username: 'alice', password: 'pw' });
  const client = kit.clients.at(-1)!;
  client.readMessages.mockResolvedValue([fileMessage]);
  return { ...kit, client };
}

describe('saveFile', () => {
  it('asks where with the safe name proposed and streams the verified file there', async () => {
    const { host, deps, client } = await signedIn();
    const target = path.join(dir, 'chosen.pdf');
    vi.mocked(deps.chooseSavePath).mockResolvedValueOnce(target);
    expect(await host.saveFile(ref)).toEqual({ saved: true });
    expect(deps.chooseSavePath).toHaveBeenCalledWith('report.pdf');
    expect(client.readMessages).toHaveBeenCalledWith([messageId]);
    expect(client.receiveFile.mock.calls[0]![0]).toEqual(ref);
    expect([...(await readFile(target))]).toEqual([1, 2, 3]);
    expect(await readdir(dir)).toEqual(['chosen.pdf']);
  });

  it('saves nothing when the person cancels the dialog', async () => {
    const { host, client } = await signedIn();
    expect(await host.saveFile(ref)).toEqual({ saved: false });
    expect(client.receiveFile).not.toHaveBeenCalled();
  });

  it('leaves nothing behind of a file that does not verify, and says why', async () => {
    const { host, deps, client } = await signedIn();
    client.fileFailure = new ChatError('file_failed', 'report.pdf did not verify: chunk 1 was changed. It was not saved.');
    vi.mocked(deps.chooseSavePath).mockResolvedValueOnce(path.join(dir, 'report.pdf'));
    await expect(host.saveFile(ref)).rejects.toMatchObject({ info: { code: 'file_failed', message: expect.stringContaining('chunk 1') } });
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses a file the message does not hold, one from another conversation, a failed message, and no session', async () => {
    const { host, deps, client } = await signedIn();
    await expect(host.saveFile({ ...ref, index: 5 })).rejects.toMatchObject({ info: { code: 'not_found' } });
    await expect(host.saveFile({ ...ref, conversation: 'carol' })).rejects.toMatchObject({ info: { code: 'not_found' } });
    client.readMessages.mockResolvedValueOnce([{ ...fileMessage, status: 'bad_signature', reason: 'The signature does not match.' }]);
    await expect(host.saveFile(ref)).rejects.toMatchObject({ info: { code: 'file_failed' } });
    await expect(host.saveFile({ ...ref, transfer: 'no spaces allowed' })).rejects.toThrow();
    expect(deps.chooseSavePath).not.toHaveBeenCalled();
    await host.logout();
    await expect(host.saveFile(ref)).rejects.toMatchObject({ info: { code: 'locked' } });
  });
});
