// What the window is shown of a `file` message's files: the sender's claims cut to what is safe — a base name,
// the type as a word, and a thumbnail only when its bytes really are a small JPEG or PNG.
import { describe, expect, it } from 'vitest';
import { encodeBase64 } from '../protocol/base64.js';
import type { FileContent } from '../protocol/content.js';
import { fileViews, thumbnailUrl } from './content-view.js';

const PNG = encodeBase64(Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3));
const JPEG = encodeBase64(Uint8Array.of(0xff, 0xd8, 0xff, 0xe0, 1, 2));
const GIF = encodeBase64(new TextEncoder().encode('GIF89a....'));
const SVG = encodeBase64(new TextEncoder().encode('<svg onload="alert(1)"/>'));
const file = (fields: Partial<FileContent['files'][number]>): FileContent['files'][number] => ({
  attachment: crypto.randomUUID(),
  name: 'a.bin',
  mime: 'application/octet-stream',
  size: 10,
  key: encodeBase64(new Uint8Array(32)),
  digest: encodeBase64(new Uint8Array(64)),
  ...fields,
});
const content = (files: FileContent['files']): FileContent => ({ type: 'file', files, sentAt: '2026-12-03T10:00:00.000Z' });

describe('file views', () => {
  it('makes data: URLs of real JPEG and PNG thumbnails only, whatever they claim', () => {
    expect(thumbnailUrl(PNG)).toBe(`data:image/png;base64,${PNG}`);
    expect(thumbnailUrl(JPEG)).toBe(`data:image/jpeg;base64,${JPEG}`);
    for (const refused of [GIF, SVG, '', 'not base64!', encodeBase64(new Uint8Array(8 * 1024 + 1).fill(0xff)), undefined]) expect(thumbnailUrl(refused)).toBeNull();
    expect(thumbnailUrl(encodeBase64(Uint8Array.from({ length: 8 * 1024 }, (_, i) => (i < 3 ? [0xff, 0xd8, 0xff][i]! : 0))))).toMatch(/^data:image\/jpeg;base64,/);
  });

  it('shows the base name, the claimed type, the size, and an image only with a real thumbnail and sane sides', () => {
    const views = fileViews(
      content([
        file({ name: '../../.ssh/\u202eevil.exe', mime: 'text/html', size: 5 }),
        file({ name: 'p.png', mime: 'image/png', image: { width: 640, height: 480, thumbnail: PNG } }),
        file({ name: 'g.gif', mime: 'image/gif', image: { width: 1, height: 1, thumbnail: SVG } }),
        file({ name: 'w.png', image: { width: 0, height: 1, thumbnail: PNG } }),
      ]),
    );
    expect(views).toEqual([
      { index: 0, name: 'evil.exe', mime: 'text/html', size: 5 },
      { index: 1, name: 'p.png', mime: 'image/png', size: 10, image: { width: 640, height: 480, thumbnail: `data:image/png;base64,${PNG}` } },
      { index: 2, name: 'g.gif', mime: 'image/gif', size: 10 },
      { index: 3, name: 'w.png', mime: 'application/octet-stream', size: 10 },
    ]);
  });
});
