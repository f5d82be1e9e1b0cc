// Core side (runs in Node, Electron main and the browser worker; the window's test double words previews with
// it too): how a message, as shown, reads in one line under its conversation's name.
import type { FileView, MessageView } from '../api/view.js';

/** Characters of a message's own words a preview keeps (the sender's name or "You: " comes on top). */
export const PREVIEW_MAX_CHARS = 80;
export const FAILED_PREVIEW = 'Message could not be verified';
export const NEWER_VERSION_PREVIEW = 'Message needs a newer version of Encrypted Chat';
export const DELETED_PREVIEW = 'This message was deleted';
export const EMPTY_PREVIEW = 'Empty message';

export interface PreviewLine {
  text: string;
  failed: boolean;
}

/**
 * The preview of one message as shown (its changes applied); null for what a conversation shows nothing of
 * (a verified edit, deletion or reaction: the preview is then the message before it). A failed message is
 * named as failed, never by the words it claims; a verified one by its first line, files by their kind.
 */
export function previewLine(view: MessageView): PreviewLine | null {
  if (view.status === 'unreadable_format') return { text: NEWER_VERSION_PREVIEW, failed: true };
  if (view.status !== 'verified') return { text: FAILED_PREVIEW, failed: true };
  if (view.kind === 'change') return null;
  if (view.deleted !== null) return { text: DELETED_PREVIEW, failed: false };
  // An announcement's text names who did what ("alice added carol"): no sender in front.
  if (view.kind === 'announcement') return view.text === null ? null : { text: firstLine(view.text) || EMPTY_PREVIEW, failed: false };
  const caption = view.text === null ? '' : firstLine(view.text);
  const files = view.files ?? [];
  const words = files.length === 0 ? caption || EMPTY_PREVIEW : caption ? `${filesLabel(files)} — ${caption}` : filesLabel(files);
  return { text: `${whoWrote(view)}${words}`, failed: false };
}

/** "You: " for the signed-in person's own messages, "alice: " in a group, nothing in a direct conversation. */
function whoWrote(view: MessageView): string {
  if (view.outgoing) return 'You: ';
  return view.group === null ? '' : `${view.sender}: `;
}

/** "Photo", "3 photos", "File: report.pdf", "3 files" (a picture by its claimed type: a word only, nothing opens on it). */
function filesLabel(files: readonly FileView[]): string {
  const pictures = files.every((f) => f.image !== undefined || f.mime.toLowerCase().startsWith('image/'));
  if (files.length === 1) return pictures ? 'Photo' : `File: ${files[0]!.name}`;
  return pictures ? `${files.length} photos` : `${files.length} files`;
}

/** The first non-blank line, its control characters and runs of spaces made one space, cut to PREVIEW_MAX_CHARS. */
function firstLine(text: string): string {
  const line = text.trim().split(/\r\n|[\n\r\u0085\u2028\u2029]/u)[0] ?? '';
  // eslint-disable-next-line no-control-regex -- control characters are what is taken out
  const flat = line.replace(/[\u0000-\u001f\u007f-\u009f\s]+/gu, ' ').trim();
  const chars = [...flat];
  return chars.length <= PREVIEW_MAX_CHARS ? flat : `${chars.slice(0, PREVIEW_MAX_CHARS - 1).join('').trimEnd()}…`;
}
