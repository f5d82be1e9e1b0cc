// The conversation list's previews in the web client against a real server: under bob's name in alice's list,
// the newest message he sent (its first line), then "Photo" and "File: report.pdf" once he sends files, then
// "You: …" once she answers — each decrypted and verified in alice's page, never by the server.
import { expect, test, type Page } from '@playwright/test';
import { openConversation, person, register, send, uniqueName, type Person } from './helpers.js';

/** A 1×1 PNG, its real bytes. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

async function sendFile(p: Person, file: { name: string; mimeType: string; buffer: Buffer }): Promise<void> {
  const chooser = p.page.waitForEvent('filechooser');
  await p.page.getByRole('button', { name: 'Attach files' }).click();
  await (await chooser).setFiles([file]);
  await expect(p.page.getByRole('list', { name: 'Files to send' }).getByRole('listitem')).toHaveCount(1);
  await p.page.getByRole('button', { name: 'Send' }).click();
  await expect(p.page.getByRole('list', { name: 'Files to send' })).toHaveCount(0, { timeout: 60_000 });
}

function contactRow(page: Page, name: string) {
  return page.getByRole('navigation', { name: 'Contacts' }).getByRole('button', { name: new RegExp(`^${name}\\b`) });
}

test('the contact row shows the newest message, "Photo" and "File: …" for files, and "You: …" for one’s own', async ({ browser }) => {
  test.setTimeout(240_000);
  const alice = await person(browser, uniqueName('alice'));
  const bob = await person(browser, uniqueName('bob'));
  await Promise.all([register(alice), register(bob)]);

  await openConversation(bob, alice.username);
  await send(bob, alice.username, 'Are you coming on Saturday?\nBring snacks');
  const row = contactRow(alice.page, bob.username);
  const preview = row.locator('.sub');
  await expect(preview).toHaveText('Are you coming on Saturday?', { timeout: 30_000 });
  // A second line people can read: not below 12 px.
  expect(await preview.evaluate((el) => Number.parseFloat(getComputedStyle(el).fontSize))).toBeGreaterThanOrEqual(12);

  await sendFile(bob, { name: 'holiday.png', mimeType: 'image/png', buffer: PNG });
  await expect(preview).toHaveText('Photo', { timeout: 30_000 });
  await sendFile(bob, { name: 'report.pdf', mimeType: 'application/pdf', buffer: PDF });
  await expect(preview).toHaveText('File: report.pdf', { timeout: 30_000 });

  await openConversation(alice, bob.username);
  await send(alice, bob.username, 'Yes! I will bring the map');
  await expect(preview).toHaveText('You: Yes! I will bring the map', { timeout: 30_000 });
  // bob's list says the same of alice, from his side.
  await expect(contactRow(bob.page, alice.username).locator('.sub')).toHaveText('Yes! I will bring the map', { timeout: 30_000 });

  expect([...alice.problems, ...bob.problems]).toEqual([]);
});
