// The thumbnail's size fitting (the canvas path itself runs in a real browser: test/e2e/attachments.spec.ts).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fitThumbnail, makeThumbnail, MAX_THUMBNAIL_BYTES, scaledSize, THUMBNAIL_SIDE, THUMBNAIL_STEPS } from './thumbnail.js';

describe('scaledSize', () => {
  it('scales the longest side down to the bound, keeping the proportions, and never scales up', () => {
    expect(scaledSize(4000, 3000, 160)).toEqual({ width: 160, height: 120 });
    expect(scaledSize(300, 1200, 160)).toEqual({ width: 40, height: 160 });
    expect(scaledSize(100, 50, 160)).toEqual({ width: 100, height: 50 });
    // A sliver stays at least one pixel wide.
    expect(scaledSize(10000, 3, 160)).toEqual({ width: 160, height: 1 });
  });
});

describe('fitThumbnail', () => {
  it('answers the first encoding that fits in 8 KiB, trying lower quality before smaller sides', async () => {
    const tried: string[] = [];
    // An encoder whose output grows with pixels and quality, like JPEG's.
    const encode = async (size: { width: number; height: number }, quality: number) => {
      tried.push(`${size.width}x${size.height}@${quality}`);
      return new Uint8Array(Math.round(size.width * size.height * quality * 0.6));
    };
    const bytes = await fitThumbnail(1600, 1200, encode);
    expect(bytes).not.toBeNull();
    expect(bytes!.length).toBeLessThanOrEqual(MAX_THUMBNAIL_BYTES);
    // 160x120 at 0.8 = 9216 bytes (too big), at 0.65 = 7488 bytes: fits.
    expect(tried).toEqual(['160x120@0.8', '160x120@0.65']);
  });

  it('goes down to smaller sides when quality alone is not enough', async () => {
    const tried: number[] = [];
    const encode = async (size: { width: number; height: number }) => {
      tried.push(Math.max(size.width, size.height));
      return new Uint8Array(size.width * size.height);
    };
    const bytes = await fitThumbnail(1000, 1000, encode);
    expect(bytes!.length).toBe(64 * 64);
    expect(tried).toEqual([THUMBNAIL_SIDE, THUMBNAIL_SIDE, THUMBNAIL_SIDE, 128, 96, 64]);
  });

  it('answers null when nothing fits, and never an empty encoding', async () => {
    expect(await fitThumbnail(100, 100, async () => new Uint8Array(MAX_THUMBNAIL_BYTES + 1))).toBeNull();
    expect(await fitThumbnail(100, 100, async () => new Uint8Array(0))).toBeNull();
    expect(THUMBNAIL_STEPS.every((s) => s.side <= THUMBNAIL_SIDE && s.quality > 0 && s.quality <= 1)).toBe(true);
  });
});

describe('makeThumbnail', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('never decodes a file whose bytes are not JPEG, PNG, GIF or WebP (an SVG calling itself image/png)', async () => {
    const decode = vi.fn(async () => ({ width: 10, height: 10, close() {} }));
    vi.stubGlobal('createImageBitmap', decode);
    const svg = new Blob(['<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'], { type: 'image/png' });
    expect(await makeThumbnail(svg)).toBeNull();
    expect(await makeThumbnail(new Blob(['%PDF-1.7'], { type: 'application/pdf' }))).toBeNull();
    expect(decode).not.toHaveBeenCalled();
  });

  it('gives up (the file goes as a plain file) when the browser cannot decode an image', async () => {
    const decode = vi.fn(async () => {
      throw new Error('broken image');
    });
    vi.stubGlobal('createImageBitmap', decode);
    const png = new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0])], { type: 'image/png' });
    expect(await makeThumbnail(png)).toBeNull();
    expect(decode).toHaveBeenCalledOnce();
  });
});
