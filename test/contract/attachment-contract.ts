// The ChatApi contract for files (PROTOCOL.md "Attachments"), as the window sees it: sending files as one
// message, reading them back verified, progress as transfer events, and every bad request refused in words.
import { describe, expect, it } from 'vitest';
import type { ChatEvent, SendFilesRequest } from '../../core/api/chat-api.js';
import { chatError, freshWorldEachTest, type ContractSetup, type ContractWorld } from './contract-world.js';

/** A 1×1 PNG (its real bytes), as a window's canvas would make a thumbnail. */
const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + 3) % 256);

export function describeAttachmentContract(name: string, setup: ContractSetup): void {
  describe(`the ChatApi contract, files: ${name}`, () => {
    let w: ContractWorld;
    let events: ChatEvent[];
    const request = (fields: Partial<SendFilesRequest> = {}): SendFilesRequest => ({
      to: w.third,
      files: [{ name: 'notes.txt', mime: 'text/plain', bytes: bytes(70_000) }],
      transfer: `t-${crypto.randomUUID()}`,
      ...fields,
    });

    freshWorldEachTest(setup, (world, recorded) => {
      w = world;
      events = recorded;
    });

    it('refuses file calls before sign-in with locked, and bad requests with invalid_input', async () => {
      await chatError(w.api.sendFiles(request()), 'locked');
      await chatError(w.api.fileBytes({ conversation: w.third, messageId: crypto.randomUUID(), index: 0, transfer: 't1' }), 'locked');
      await w.api.login(w.me);
      await chatError(w.api.sendFiles(request({ files: [] })), 'invalid_input');
      await chatError(w.api.sendFiles({ ...request(), files: [{ name: 'a', mime: 'text/plain', bytes: 'not bytes' as unknown as Uint8Array }] }), 'invalid_input');
      // A thumbnail that is not a JPEG or PNG (here: GIF bytes) is never sent.
      const gif = btoa('GIF89a\x01\x00\x01\x00');
      await chatError(w.api.sendFiles(request({ files: [{ name: 'a.gif', mime: 'image/gif', bytes: bytes(10), image: { width: 1, height: 1, thumbnail: gif } }] })), 'invalid_input');
      await chatError(w.api.sendFiles(request({ files: [{ name: 'a.png', mime: 'image/png', bytes: bytes(10), image: { width: 0, height: 1, thumbnail: PNG_1X1 } }] })), 'invalid_input');
      await chatError(w.api.sendFiles({ ...request(), transfer: 'has spaces' }), 'invalid_input');
      await chatError(w.api.fileBytes({ conversation: w.third, messageId: 'nope', index: 0, transfer: 't1' }), 'invalid_input');
      await chatError(w.api.cancelTransfer(''), 'invalid_input');
    });

    it('sends files as one message, shows them by safe name, and reads each back byte for byte', async () => {
      await w.api.login(w.me);
      const photo = bytes(1000);
      const req = request({
        files: [
          { name: '../../etc/notes.txt', mime: 'text/plain', bytes: bytes(70_000) },
          { name: 'photo.png', mime: 'image/png', bytes: photo, image: { width: 640, height: 480, thumbnail: PNG_1X1 } },
        ],
        text: 'two files',
      });
      const sent = await w.api.sendFiles(req);
      expect(sent).toMatchObject({ outgoing: true, conversation: w.third, text: 'two files', status: 'verified', kind: 'message' });
      expect(sent.files).toEqual([
        { index: 0, name: 'notes.txt', mime: 'text/plain', size: 70_000 },
        { index: 1, name: 'photo.png', mime: 'image/png', size: 1000, image: { width: 640, height: 480, thumbnail: `data:image/png;base64,${PNG_1X1}` } },
      ]);
      const back = await w.api.fileBytes({ conversation: w.third, messageId: sent.id, index: 1, transfer: 'read-1' });
      expect(back).toBeInstanceOf(Uint8Array);
      expect([...back]).toEqual([...photo]);
      const transfers = events.filter((e) => e.type === 'transfer');
      expect(transfers.filter((e) => e.transfer === req.transfer).at(-1)).toMatchObject({ state: 'done' });
      expect(transfers.filter((e) => e.transfer === 'read-1').at(-1)).toMatchObject({ state: 'done', done: expect.any(Number), total: expect.any(Number) });
      await chatError(w.api.fileBytes({ conversation: w.third, messageId: sent.id, index: 2, transfer: 'read-2' }), 'invalid_input');
      // Cancelling a transfer that is not running changes nothing.
      await w.api.cancelTransfer('read-1');
    });
  });
}
