// Window: the thumbnail a sender makes of an image it attaches (PROTOCOL.md "Attachments": a JPEG or PNG of at
// most 8 KiB decoded, with the original's width and height). Only bytes that really are JPEG, PNG, GIF or WebP
// are decoded (createImageBitmap, then a canvas): never SVG or anything else the browser could run.
import { encodeBase64 } from '../../../core/protocol/base64.js';
import { inlineImageType } from '../../../core/protocol/file-rules.js';

/** The protocol's bound on a thumbnail's decoded bytes. */
export const MAX_THUMBNAIL_BYTES = 8 * 1024;
/** The longest side of a thumbnail at first; smaller ones are tried when that does not fit. */
export const THUMBNAIL_SIDE = 160;

/** One try: the longest side in pixels and the JPEG quality. */
export interface ThumbnailStep {
  side: number;
  quality: number;
}

/** Lower quality first, then smaller: a sharp small picture beats a large blurred one only after 0.5. */
export const THUMBNAIL_STEPS: readonly ThumbnailStep[] = [
  { side: THUMBNAIL_SIDE, quality: 0.8 },
  { side: THUMBNAIL_SIDE, quality: 0.65 },
  { side: THUMBNAIL_SIDE, quality: 0.5 },
  { side: 128, quality: 0.5 },
  { side: 96, quality: 0.5 },
  { side: 64, quality: 0.4 },
  { side: 48, quality: 0.3 },
];

/** The size of a picture of `width` × `height` scaled down (never up) so its longest side is at most `side`. */
export function scaledSize(width: number, height: number, side: number): { width: number; height: number } {
  const scale = Math.min(1, side / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/**
 * The first encoding, step after step, that fits in `limit` bytes; null when none does. `encode` draws the
 * picture at the size and quality asked and answers its bytes.
 */
export async function fitThumbnail(
  width: number,
  height: number,
  encode: (size: { width: number; height: number }, quality: number) => Promise<Uint8Array>,
  steps: readonly ThumbnailStep[] = THUMBNAIL_STEPS,
  limit = MAX_THUMBNAIL_BYTES,
): Promise<Uint8Array | null> {
  for (const step of steps) {
    const bytes = await encode(scaledSize(width, height, step.side), step.quality);
    if (bytes.length > 0 && bytes.length <= limit) return bytes;
  }
  return null;
}

export interface ThumbnailInfo {
  width: number;
  height: number;
  /** base64 of the JPEG. */
  thumbnail: string;
}

/**
 * A thumbnail of a picked file when it is an image this app shows; null for any other file, or when the
 * browser cannot decode it (the file is then sent as a plain file).
 */
export async function makeThumbnail(file: Blob): Promise<ThumbnailInfo | null> {
  const head = new Uint8Array(await file.slice(0, 16).arrayBuffer());
  if (inlineImageType(head) === null || typeof createImageBitmap !== 'function') return null;
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    return null;
  }
  try {
    const { width, height } = bitmap;
    if (width < 1 || height < 1) return null;
    const bytes = await fitThumbnail(width, height, (size, quality) => drawJpeg(bitmap, size, quality));
    return bytes ? { width, height, thumbnail: encodeBase64(bytes) } : null;
  } catch {
    return null;
  } finally {
    bitmap.close();
  }
}

async function drawJpeg(bitmap: ImageBitmap, size: { width: number; height: number }, quality: number): Promise<Uint8Array> {
  const canvas = document.createElement('canvas');
  canvas.width = size.width;
  canvas.height = size.height;
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no 2d canvas');
  // JPEG has no transparency: a transparent PNG gets a white ground rather than black.
  context.fillStyle = '#fff';
  context.fillRect(0, 0, size.width, size.height);
  context.drawImage(bitmap, 0, 0, size.width, size.height);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality));
  if (!blob) throw new Error('the canvas made no JPEG');
  return new Uint8Array(await blob.arrayBuffer());
}
