// Window: how a file is described in words — its size, and the kind of file its claimed type names (for an
// icon only: the claim decides nothing about how the file is opened).

/**
 * At most this many files in one message (PROTOCOL.md "Attachments"; core/protocol/schemas-attachments.ts says
 * it too, but builds zod schemas as it loads, which the page's CSP without 'unsafe-eval' reports; a test holds
 * the two equal).
 */
export const MAX_MESSAGE_ATTACHMENTS = 10;

/** "0 bytes", "1 byte", "512 bytes", "12.5 KB", "3.4 MB", "1.2 GB" (powers of 1024, as file managers show). */
export function sizeLabel(bytes: number): string {
  if (bytes < 1024) return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 100 ? Math.round(value) : Number(value.toFixed(1))} ${units[unit]}`;
}

export type FileKind = 'image' | 'video' | 'audio' | 'pdf' | 'archive' | 'text' | 'document' | 'file';

const ARCHIVES = new Set(['application/zip', 'application/gzip', 'application/x-tar', 'application/x-7z-compressed', 'application/x-rar-compressed', 'application/vnd.rar', 'application/x-bzip2', 'application/x-xz']);
const DOCUMENTS = /^application\/(msword|rtf|vnd\.oasis\.opendocument\.|vnd\.openxmlformats-officedocument\.|vnd\.ms-)/;

/** The kind of file the sender says it is (its MIME type's class). */
export function fileKind(mime: string): FileKind {
  const type = mime.toLowerCase().split(';')[0]!.trim();
  if (type.startsWith('image/')) return 'image';
  if (type.startsWith('video/')) return 'video';
  if (type.startsWith('audio/')) return 'audio';
  if (type === 'application/pdf') return 'pdf';
  if (ARCHIVES.has(type)) return 'archive';
  if (type.startsWith('text/') || type === 'application/json') return 'text';
  if (DOCUMENTS.test(type)) return 'document';
  return 'file';
}

/** The kind in words, for screen readers and the card's small print. */
export const KIND_WORDS: Record<FileKind, string> = {
  image: 'Image',
  video: 'Video',
  audio: 'Audio',
  pdf: 'PDF document',
  archive: 'Archive',
  text: 'Text file',
  document: 'Document',
  file: 'File',
};

/** Percent done of a transfer, 0 to 100 (an empty one is done at once). */
export function percentDone(done: number, total: number): number {
  if (total <= 0) return 100;
  return Math.min(100, Math.max(0, Math.floor((done / total) * 100)));
}
