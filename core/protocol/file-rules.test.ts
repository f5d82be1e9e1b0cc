import { describe, expect, it } from 'vitest';
import { inlineImageType, safeFileName } from './file-rules.js';

describe('safeFileName', () => {
  it.each([
    ['report.pdf', 'report.pdf'],
    ['../../etc/passwd', 'passwd'],
    ['C:\\Users\\x\\evil.exe', 'evil.exe'],
    ['..hidden', 'hidden'],
    [' . .profile', 'profile'],
    ['invoice\u202Efdp.exe', 'invoicefdp.exe'],
    ['a\u0000b\u0007c', 'abc'],
    ['dir/', 'attachment'],
    ['\u200B', 'attachment'],
  ])('%j → %j', (name, expected) => expect(safeFileName(name)).toBe(expected));
});

describe('inlineImageType', () => {
  it('knows the four image types by their bytes, and nothing else', () => {
    expect(inlineImageType(Uint8Array.of(0xff, 0xd8, 0xff, 0xe0))).toBe('image/jpeg');
    expect(inlineImageType(Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0))).toBe('image/png');
    expect(inlineImageType(new TextEncoder().encode('GIF89a...'))).toBe('image/gif');
    expect(inlineImageType(new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8 '))).toBe('image/webp');
    expect(inlineImageType(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
    expect(inlineImageType(new TextEncoder().encode('<html>'))).toBeNull();
    expect(inlineImageType(new Uint8Array(0))).toBeNull();
  });
});
