// Encrypted files in the web window (issue 16): alice sends a picture (a real PNG made here, its thumbnail made
// by the page's canvas) and a PDF; bob sees the picture inline, opens it full size, sees the PDF as a card and
// saves it (the download's bytes are the sent ones); a larger upload shows its progress bar.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { deflateSync } from 'node:zlib';
import { expect, test, type Page } from '@playwright/test';
import { openConversation, person, register, shot, uniqueName, type Person } from './helpers.js';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A width × height RGB PNG of colour bands and noise (so its JPEG thumbnail has something to squeeze). */
function makePng(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  const rows: Buffer[] = [];
  const noise = randomBytes(width * height);
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) {
      const n = noise[y * width + x]! >> 2;
      row.set([(x * 255) / width + n, (y * 255) / height + n, 128 + n], 1 + x * 3);
    }
    rows.push(row);
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

function messageRow(p: Person, text: string) {
  return p.page.getByRole('region', { name: /^Messages with / }).getByRole('listitem').filter({ hasText: text });
}

async function attach(page: Page, files: { name: string; mimeType: string; buffer: Buffer }[]): Promise<void> {
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Attach files' }).click();
  await (await chooser).setFiles(files);
}

test('a picture and a PDF between two people: inline, full size, saved byte for byte; a larger upload shows its progress', async ({ browser }) => {
  test.setTimeout(300_000);
  const alice = await person(browser, uniqueName('alice'));
  const bob = await person(browser, uniqueName('bob'));
  await Promise.all([register(alice), register(bob)]);
  const png = makePng(640, 480);

  await openConversation(alice, bob.username);
  await attach(alice.page, [
    { name: 'holiday.png', mimeType: 'image/png', buffer: png },
    { name: 'report.pdf', mimeType: 'application/pdf', buffer: PDF },
  ]);
  const chips = alice.page.getByRole('list', { name: 'Files to send' });
  await expect(chips.getByRole('listitem')).toHaveCount(2);
  // The thumbnail made by the page's canvas shows on the chip.
  await expect(chips.getByRole('listitem').filter({ hasText: 'holiday.png' }).locator('img')).toHaveAttribute('src', /^data:image\/jpeg;base64,/);
  await alice.page.getByLabel(`Message to ${bob.username}`).fill('from the trip, and the report');
  await alice.page.getByLabel(`Message to ${bob.username}`).press('Enter');
  await expect(messageRow(alice, 'from the trip, and the report').getByRole('img', { name: 'Verified' })).toBeVisible({ timeout: 60_000 });
  await expect(chips).toHaveCount(0);

  await openConversation(bob, alice.username);
  const row = messageRow(bob, 'from the trip, and the report');
  const thumbnail = row.getByRole('img', { name: 'holiday.png' });
  await expect(thumbnail).toBeVisible({ timeout: 60_000 });
  const src = (await thumbnail.getAttribute('src'))!;
  expect(src).toMatch(/^data:image\/jpeg;base64,/);
  // The protocol's bound: at most 8 KiB decoded, at most 160 px on its longest side, the original's size sent beside it.
  expect(Buffer.from(src.slice(src.indexOf(',') + 1), 'base64').length).toBeLessThanOrEqual(8192);
  const [width, height] = await thumbnail.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight]);
  expect(width).toBeLessThanOrEqual(160);
  expect(Math.abs(width! / height! - 640 / 480)).toBeLessThan(0.05);
  await expect(row).toContainText('640 × 480');
  await expect(row.locator('.file-card')).toContainText('report.pdf');
  await expect(row.locator('.file-card')).toContainText('PDF document');
  await shot(bob.page, 'attachments');

  // Full size: a Blob URL of the verified bytes, decoded as the 640 × 480 picture.
  await row.getByRole('button', { name: 'Open holiday.png full size' }).click();
  const viewer = bob.page.getByRole('dialog', { name: 'holiday.png' });
  const full = viewer.getByRole('img', { name: 'holiday.png' });
  await expect(full).toHaveAttribute('src', /^blob:/);
  await expect.poll(() => full.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight])).toEqual([640, 480]);
  await shot(bob.page, 'attachment-full-size');
  await viewer.getByRole('button', { name: 'Close' }).click();
  await expect(viewer).toHaveCount(0);

  // Save: a download under the safe name, with exactly the bytes alice sent.
  const download = bob.page.waitForEvent('download');
  await row.getByRole('button', { name: 'Save report.pdf' }).click();
  const saved = await download;
  expect(saved.suggestedFilename()).toBe('report.pdf');
  expect(Buffer.compare(await readFile((await saved.path())!), PDF)).toBe(0);
  await expect(row.getByText('Saved')).toBeVisible();

  // A larger upload: its progress bar shows while it goes, then the file arrives as a card.
  await attach(alice.page, [{ name: 'big.bin', mimeType: 'application/octet-stream', buffer: randomBytes(20 * 1024 * 1024) }]);
  await alice.page.getByRole('button', { name: 'Send' }).click();
  await expect(alice.page.getByRole('progressbar', { name: 'Sending 1 file' })).toBeVisible();
  await expect(alice.page.getByRole('button', { name: 'Cancel' })).toBeVisible();
  await expect(alice.page.getByRole('progressbar', { name: 'Sending 1 file' })).toHaveCount(0, { timeout: 120_000 });
  await expect(bob.page.locator('.file-card').filter({ hasText: 'big.bin' })).toContainText('20 MB', { timeout: 60_000 });

  expect([...alice.problems, ...bob.problems]).toEqual([]);
});
