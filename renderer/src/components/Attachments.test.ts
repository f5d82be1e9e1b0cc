// Files in the window (jsdom, against the fake): a received file as a card with Save, an image inline from its
// thumbnail and full size on click (only when its bytes are an image), a failed file shown failed and never
// saved, and the composer's attach button, drop and paste, with the upload's progress and Cancel.
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openConversation, rowOf, signedInAsAlice } from '../../test/chat-fixtures.js';
import type { FileRef, SendFilesRequest } from '../../../core/api/chat-api.js';
import { NOT_AN_IMAGE, UPLOAD_CANCELLED } from '../state/conversation-files.svelte.js';

/** A 1×1 PNG, as a sender's thumbnail would be. */
const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const pngBytes = () => Uint8Array.from(atob(PNG_1X1), (c) => c.charCodeAt(0));
const pdfBytes = new TextEncoder().encode('%PDF-1.7 a small report');

let created: Blob[] = [];
let revoked: string[] = [];
beforeEach(() => {
  created = [];
  revoked = [];
  // jsdom has no object URLs.
  URL.createObjectURL = vi.fn((blob: Blob) => {
    created.push(blob);
    return `blob:test/${created.length}`;
  });
  URL.revokeObjectURL = vi.fn((url: string) => void revoked.push(url));
});
afterEach(() => vi.restoreAllMocks());

function withFiles() {
  const api = signedInAsAlice();
  const message = api.receiveFiles(
    'bob',
    [
      { name: '../../holiday.png', mime: 'image/png', bytes: pngBytes(), image: { width: 1200, height: 800, thumbnail: PNG_1X1 } },
      { name: 'report.pdf', mime: 'application/pdf', bytes: pdfBytes },
    ],
    'from the trip',
  );
  return { api, message };
}

describe('received files', () => {
  it('shows a file as a card with its name, size and kind, and saves it', async () => {
    const { api, message } = withFiles();
    const user = await openConversation(api, 'bob');
    const row = await rowOf('bob', 'from the trip');
    const card = row.querySelector('.file-card') as HTMLElement;
    expect(card).toHaveTextContent('report.pdf');
    expect(card).toHaveTextContent('23 bytes · PDF document');
    expect(within(card).getByRole('img', { name: 'PDF document' })).toBeInTheDocument();
    await user.click(within(card).getByRole('button', { name: 'Save report.pdf' }));
    await within(card).findByText('Saved');
    expect(api.savedFiles).toEqual([expect.objectContaining({ conversation: 'bob', messageId: message.id, index: 1 })]);
  });

  it('says nothing was saved when the person cancels the save dialog', async () => {
    const { api } = withFiles();
    api.saveAnswer = false;
    const user = await openConversation(api, 'bob');
    const card = (await rowOf('bob', 'from the trip')).querySelector('.file-card') as HTMLElement;
    await user.click(within(card).getByRole('button', { name: 'Save report.pdf' }));
    await waitFor(() => expect(api.callsOf('saveFile')).toHaveLength(1));
    expect(within(card).queryByText('Saved')).toBeNull();
  });

  it('shows an image inline from its thumbnail under its safe name, and full size on click from a Blob URL', async () => {
    const { api, message } = withFiles();
    const user = await openConversation(api, 'bob');
    const row = await rowOf('bob', 'from the trip');
    const thumbnail = within(row).getByRole('img', { name: 'holiday.png' });
    expect(thumbnail.getAttribute('src')).toBe(`data:image/png;base64,${PNG_1X1}`);
    expect(thumbnail).toHaveAttribute('width', '240');
    expect(thumbnail).toHaveAttribute('height', '160');
    expect(row).toHaveTextContent('1200 × 800');
    await user.click(within(row).getByRole('button', { name: 'Open holiday.png full size' }));
    const dialog = await screen.findByRole('dialog', { name: 'holiday.png' });
    expect(within(dialog).getByRole('img', { name: 'holiday.png' })).toHaveAttribute('src', 'blob:test/1');
    // The Blob is typed by the bytes' own magic type, not by the sender's claim.
    expect(created[0]!.type).toBe('image/png');
    expect((api.callsOf('fileBytes')[0]![0] as FileRef)).toMatchObject({ messageId: message.id, index: 0 });
    await user.click(within(dialog).getByRole('button', { name: 'Close' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(revoked).toEqual(['blob:test/1']);
  });

  it('never shows full size a file whose bytes are not an image, whatever its thumbnail and type say', async () => {
    const api = signedInAsAlice();
    const svg = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>');
    api.receiveFiles('bob', [{ name: 'cat.png', mime: 'image/png', bytes: svg, image: { width: 10, height: 10, thumbnail: PNG_1X1 } }], 'a cat');
    const user = await openConversation(api, 'bob');
    const row = await rowOf('bob', 'a cat');
    await user.click(within(row).getByRole('button', { name: 'Open cat.png full size' }));
    await within(row).findByText(NOT_AN_IMAGE);
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(created).toEqual([]);
  });

  it('shows a file that did not verify as failed with the reason, and offers no Save any more', async () => {
    const { api, message } = withFiles();
    api.failingFiles.set(`${message.id}/1`, 'Chunk 3 was changed.');
    const user = await openConversation(api, 'bob');
    const card = (await rowOf('bob', 'from the trip')).querySelector('.file-card') as HTMLElement;
    await user.click(within(card).getByRole('button', { name: 'Save report.pdf' }));
    const alert = await within(card).findByRole('alert');
    expect(alert).toHaveTextContent('Failed: report.pdf did not verify: Chunk 3 was changed. It was not saved.');
    expect(card).toHaveAttribute('data-file-state', 'failed');
    expect(within(card).queryByRole('button', { name: /Save/ })).toBeNull();
    expect(api.savedFiles).toEqual([]);
  });

  it('shows a download’s progress with Cancel', async () => {
    const { api } = withFiles();
    api.hold('saveFile');
    const user = await openConversation(api, 'bob');
    const card = (await rowOf('bob', 'from the trip')).querySelector('.file-card') as HTMLElement;
    await user.click(within(card).getByRole('button', { name: 'Save report.pdf' }));
    await waitFor(() => expect(api.callsOf('saveFile')).toHaveLength(1));
    const { transfer } = api.callsOf('saveFile')[0]![0] as FileRef;
    api.emit({ type: 'transfer', transfer, done: 11, total: 23, state: 'running' });
    const bar = await within(card).findByRole('progressbar', { name: 'Downloading report.pdf' });
    await waitFor(() => expect(bar).toHaveAttribute('value', '47'));
    await user.click(within(card).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(api.cancelledTransfers.has(transfer)).toBe(true));
    api.release('saveFile');
    await waitFor(() => expect(within(card).queryByRole('progressbar')).toBeNull());
  });
});

describe('the composer’s files', () => {
  const report = () => new File([pdfBytes], 'report.pdf', { type: 'application/pdf' });

  it('attaches files with the button as removable chips, and sends them with the text as caption', async () => {
    const api = signedInAsAlice();
    const user = await openConversation(api, 'bob');
    const input = screen.getByTestId('attach-input') as HTMLInputElement;
    await user.upload(input, [report(), new File(['hello'], 'notes.txt', { type: 'text/plain' })]);
    const chips = screen.getByRole('list', { name: 'Files to send' });
    expect(within(chips).getAllByRole('listitem').map((li) => li.textContent?.replace(/\s+/g, ' ').trim())).toEqual(['report.pdf 23 bytes', 'notes.txt 5 bytes']);
    await user.click(within(chips).getByRole('button', { name: 'Remove notes.txt' }));
    expect(within(chips).getAllByRole('listitem')).toHaveLength(1);
    await user.type(screen.getByRole('textbox', { name: 'Message to bob' }), 'the report');
    await user.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(api.callsOf('sendFiles')).toHaveLength(1));
    const request = api.callsOf('sendFiles')[0]![0] as SendFilesRequest;
    expect(request).toMatchObject({ to: 'bob', text: 'the report', files: [{ name: 'report.pdf', mime: 'application/pdf' }] });
    expect([...request.files[0]!.bytes]).toEqual([...pdfBytes]);
    expect(request.transfer).toMatch(/^upload-/);
    const sent = await rowOf('bob', 'the report');
    expect(sent.querySelector('.file-card')).toHaveTextContent('report.pdf');
    expect(screen.queryByRole('list', { name: 'Files to send' })).toBeNull();
    expect(screen.getByRole('textbox', { name: 'Message to bob' })).toHaveValue('');
  });

  it('sends files without a caption', async () => {
    const api = signedInAsAlice();
    const user = await openConversation(api, 'bob');
    await user.upload(screen.getByTestId('attach-input') as HTMLInputElement, report());
    await user.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(api.callsOf('sendFiles')).toHaveLength(1));
    expect(api.callsOf('sendFiles')[0]![0]).not.toHaveProperty('text');
  });

  it('takes files dropped onto the conversation', async () => {
    const api = signedInAsAlice();
    await openConversation(api, 'bob');
    const conversation = screen.getByRole('region', { name: 'Conversation with bob' });
    const dataTransfer = { types: ['Files'], files: [report()], dropEffect: 'none' };
    await fireEvent.dragEnter(conversation, { dataTransfer });
    expect(await screen.findByText('Drop files to send to bob')).toBeInTheDocument();
    await fireEvent.drop(conversation, { dataTransfer });
    expect(within(screen.getByRole('list', { name: 'Files to send' })).getByText('report.pdf')).toBeInTheDocument();
    expect(screen.queryByText('Drop files to send to bob')).toBeNull();
  });

  it('takes files pasted into the text box (a screenshot), and leaves pasted text alone', async () => {
    const api = signedInAsAlice();
    await openConversation(api, 'bob');
    const textbox = screen.getByRole('textbox', { name: 'Message to bob' });
    await fireEvent.paste(textbox, { clipboardData: { files: [new File([pngBytes()], 'image.png', { type: 'image/png' })] } });
    expect(within(screen.getByRole('list', { name: 'Files to send' })).getByText('image.png')).toBeInTheDocument();
    await fireEvent.paste(textbox, { clipboardData: { files: [] } });
    expect(within(screen.getByRole('list', { name: 'Files to send' })).getAllByRole('listitem')).toHaveLength(1);
  });

  it('keeps at most ten files, and says how many were left out', async () => {
    const api = signedInAsAlice();
    const user = await openConversation(api, 'bob');
    const many = Array.from({ length: 12 }, (_, i) => new File([`${i}`], `f${i}.txt`, { type: 'text/plain' }));
    await user.upload(screen.getByTestId('attach-input') as HTMLInputElement, many);
    expect(within(screen.getByRole('list', { name: 'Files to send' })).getAllByRole('listitem')).toHaveLength(10);
    expect(screen.getByRole('alert')).toHaveTextContent('At most 10 files go in one message: 2 were left out.');
  });

  it('shows the upload’s progress with Cancel; cancelled, the files and the caption stay to send again', async () => {
    const api = signedInAsAlice();
    api.hold('sendFiles');
    const user = await openConversation(api, 'bob');
    await user.upload(screen.getByTestId('attach-input') as HTMLInputElement, report());
    await user.type(screen.getByRole('textbox', { name: 'Message to bob' }), 'the report');
    await user.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(api.callsOf('sendFiles')).toHaveLength(1));
    const { transfer } = api.callsOf('sendFiles')[0]![0] as SendFilesRequest;
    api.emit({ type: 'transfer', transfer, done: 17, total: 23, state: 'running' });
    const bar = await screen.findByRole('progressbar', { name: 'Sending 1 file' });
    await waitFor(() => expect(bar).toHaveAttribute('value', '73'));
    expect(screen.getByRole('button', { name: 'Remove report.pdf' })).toBeDisabled();
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(api.cancelledTransfers.has(transfer)).toBe(true));
    api.release('sendFiles');
    expect(await screen.findByText(`Not sent: ${UPLOAD_CANCELLED}`)).toBeInTheDocument();
    expect(screen.queryByRole('progressbar')).toBeNull();
    expect(within(screen.getByRole('list', { name: 'Files to send' })).getByText('report.pdf')).toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: 'Message to bob' })).toHaveValue('the report');
    expect(api.messages.filter((m) => m.outgoing)).toEqual([]);
  });

  it('says in words why sending failed, the files kept', async () => {
    const api = signedInAsAlice();
    api.failNext.set('sendFiles', { code: 'too_large', message: 'report.pdf is larger than the 100 MiB this server takes.' });
    const user = await openConversation(api, 'bob');
    await user.upload(screen.getByTestId('attach-input') as HTMLInputElement, report());
    await user.click(screen.getByRole('button', { name: 'Send' }));
    expect(await screen.findByText('Not sent: report.pdf is larger than the 100 MiB this server takes.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Remove report.pdf' })).toBeEnabled();
  });
});
