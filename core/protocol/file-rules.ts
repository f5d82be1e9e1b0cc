// Core side (runs anywhere): what a client may do with a received file's claims (PROTOCOL.md "Attachments"):
// `name` and `mime` are the sender's word, so the name is cut to a safe base name and only real JPEG, PNG, GIF
// and WebP bytes are ever shown inline — never SVG, HTML or anything scriptable.

/** The base name after the last / or \, without control or format characters (Cc, Cf: bidi controls too), without leading dots and spaces; "attachment" when nothing is left. */
export function safeFileName(name: string): string {
  const base = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  const clean = base.replace(/[\p{Cc}\p{Cf}]/gu, '').replace(/^[. ]+/, '');
  return clean === '' ? 'attachment' : clean;
}

export type InlineImageType = 'image/jpeg' | 'image/png' | 'image/gif' | 'image/webp';

const startsWith = (bytes: Uint8Array, prefix: readonly number[], at = 0) => prefix.every((b, i) => bytes[at + i] === b);
const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

/** The image type the bytes themselves are, whatever the sender called them; null for anything else. */
export function inlineImageType(bytes: Uint8Array): InlineImageType | null {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a'))) return 'image/gif';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'image/webp';
  return null;
}
