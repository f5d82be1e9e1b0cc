// How a message reads under its conversation's name: first line, who wrote it, files by kind, deletions,
// and failed messages named as failed, never by what they claim.
import { describe, expect, it } from 'vitest';
import type { FileView } from '../api/view.js';
import { messageView } from '../test-fixtures/views.js';
import { DELETED_PREVIEW, FAILED_PREVIEW, NEWER_VERSION_PREVIEW, PREVIEW_MAX_CHARS, previewLine } from './preview-text.js';

const pdf: FileView = { index: 0, name: 'report.pdf', mime: 'application/pdf', size: 1200 };
const photo: FileView = { index: 0, name: 'beach.jpg', mime: 'image/jpeg', size: 50_000 };
const GROUP = '6f1c2a9e-7b4d-4e2a-9c1f-5d6e7f8a9b0c';

describe('previewLine', () => {
  it('shows the first non-blank line, trimmed, flattened and cut with an ellipsis', () => {
    expect(previewLine(messageView({ text: '  \n\n  See you at 8  \nand bring the map' }))).toEqual({ text: 'See you at 8', failed: false });
    expect(previewLine(messageView({ text: 'tab\there\u0007and\u202f  spaces' }))?.text).toBe('tab here and spaces');
    const long = `${'word '.repeat(40)}end`;
    const cut = previewLine(messageView({ text: long }))!.text;
    expect([...cut]).toHaveLength(PREVIEW_MAX_CHARS);
    expect(cut.endsWith('word…')).toBe(true);
    // Cut by characters, never inside one: 100 emoji keep 79 whole ones.
    expect(previewLine(messageView({ text: '😀'.repeat(100) }))!.text).toBe(`${'😀'.repeat(PREVIEW_MAX_CHARS - 1)}…`);
    expect(previewLine(messageView({ text: 'x'.repeat(PREVIEW_MAX_CHARS) }))!.text).toBe('x'.repeat(PREVIEW_MAX_CHARS));
  });

  it('says who wrote it: "You: " for the person’s own, the sender’s name in a group, nothing in a direct conversation', () => {
    expect(previewLine(messageView({ text: 'hi', outgoing: true, sender: 'bob', recipient: 'alice' }))?.text).toBe('You: hi');
    expect(previewLine(messageView({ text: 'hi', sender: 'alice', recipient: null, group: GROUP }))?.text).toBe('alice: hi');
    expect(previewLine(messageView({ text: 'hi', sender: 'bob', recipient: null, group: GROUP, outgoing: true }))?.text).toBe('You: hi');
    expect(previewLine(messageView({ text: 'hi' }))?.text).toBe('hi');
  });

  it('names files by kind: "Photo", "3 photos", "File: report.pdf", "2 files", with the caption after', () => {
    expect(previewLine(messageView({ text: null, files: [photo] }))?.text).toBe('Photo');
    expect(previewLine(messageView({ text: null, files: [{ ...pdf, mime: 'application/octet-stream', image: { width: 2, height: 2, thumbnail: 'data:image/png;base64,AA==' } }] }))?.text).toBe('Photo');
    expect(previewLine(messageView({ text: null, files: [photo, { ...photo, index: 1 }, { ...photo, index: 2 }] }))?.text).toBe('3 photos');
    expect(previewLine(messageView({ text: null, files: [pdf], outgoing: true }))?.text).toBe('You: File: report.pdf');
    expect(previewLine(messageView({ text: null, files: [photo, { ...pdf, index: 1 }] }))?.text).toBe('2 files');
    expect(previewLine(messageView({ text: 'from the trip\nday 2', files: [photo], sender: 'carol', recipient: null, group: GROUP }))?.text).toBe('carol: Photo — from the trip');
  });

  it('says a deleted message was deleted, and shows an announcement’s own words', () => {
    expect(previewLine(messageView({ text: null, deleted: 'by_sender', outgoing: true }))).toEqual({ text: DELETED_PREVIEW, failed: false });
    expect(previewLine(messageView({ text: null, deleted: 'by_server' }))).toEqual({ text: DELETED_PREVIEW, failed: false });
    const announcement = messageView({ kind: 'announcement', text: 'alice added carol', sender: 'alice', recipient: null, group: GROUP });
    expect(previewLine(announcement)).toEqual({ text: 'alice added carol', failed: false });
  });

  it('skips verified edits, deletions and reactions: the preview is the message before them', () => {
    expect(previewLine(messageView({ kind: 'change', text: null }))).toBeNull();
  });

  it('names a failed message as failed, never by the words or files it claims, whatever else it says', () => {
    for (const status of ['decrypt_failed', 'bad_signature', 'key_changed', 'unknown_sender_key', 'malformed', 'misplaced', 'earlier_key', 'disowned_key', 'may_not_change', 'invalid_announcement'] as const) {
      const failed = messageView({ status, text: 'send the money to carol', files: [pdf], reason: 'why', kind: status === 'may_not_change' ? 'change' : 'message' });
      expect([status, previewLine(failed)]).toEqual([status, { text: FAILED_PREVIEW, failed: true }]);
    }
    expect(previewLine(messageView({ status: 'unreadable_format', text: null }))).toEqual({ text: NEWER_VERSION_PREVIEW, failed: true });
  });
});
