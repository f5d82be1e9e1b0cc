// Reading between two people in the web client against a real server: opening a conversation with unread
// messages lands on the first of them under an "Unread" divider, and what arrives while the person is scrolled
// up raises a "New messages" pill that takes them down to it; what was read in one browser is read in another.
// Also: the page's icon is served.
import { expect, test, type Locator } from '@playwright/test';
import { login, openConversation, person, register, send, uniqueName, type Person } from './helpers.js';

function messageRow(p: Person, text: string): Locator {
  return p.page.getByRole('region', { name: /^Messages with / }).getByRole('listitem').filter({ hasText: text });
}

/** How far the message list is from its newest row, in px (0 at the bottom). */
function distanceFromBottom(p: Person, peer: string): Promise<number> {
  return p.page.getByRole('region', { name: `Messages with ${peer}` }).evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);
}

test('lands on the first unread message under a divider, and a pill tells of new ones while scrolled up', async ({ browser }) => {
  const alice = await person(browser, uniqueName('alice'));
  const bob = await person(browser, uniqueName('bob'));
  await Promise.all([register(alice), register(bob)]);

  // alice writes first, then goes on with her day: what she wrote is read, bob's answers are not.
  await openConversation(alice, bob.username);
  await send(alice, bob.username, 'Are you free on Saturday?');
  await expect(messageRow(alice, 'Are you free on Saturday?').getByRole('img', { name: 'Verified' })).toBeVisible();
  // She turns to her own notes (found by her own name), so bob's answers arrive unread.
  await alice.page.getByLabel('Find people by username').fill(alice.username);
  await alice.page.getByRole('region', { name: 'People found' }).getByRole('button', { name: /^Note to self/ }).click();
  await expect(alice.page.getByRole('heading', { name: 'Note to self', level: 2 })).toBeVisible();

  await openConversation(bob, alice.username);
  const count = 24;
  for (let i = 1; i <= count; i++) await send(bob, alice.username, `answer #${i}!`);
  await expect(messageRow(bob, `answer #${count}!`).getByRole('img', { name: 'Verified' })).toBeVisible({ timeout: 30_000 });

  const contact = alice.page.getByRole('navigation', { name: 'Contacts' }).getByRole('button', { name: new RegExp(`^${bob.username}`) });
  await expect(contact).toContainText(`${count} unread`, { timeout: 30_000 });
  await contact.click();

  const divider = alice.page.getByRole('separator', { name: 'Unread messages' });
  await expect(divider).toBeInViewport({ timeout: 15_000 });
  await expect(divider).toHaveCount(1);
  await expect(messageRow(alice, 'answer #1!').filter({ has: divider })).toBeVisible();
  await expect(messageRow(alice, 'answer #1!')).toBeInViewport();
  // Landed there, not at the newest message.
  expect(await distanceFromBottom(alice, bob.username)).toBeGreaterThan(50);
  await expect(alice.page.getByLabel(`Message to ${bob.username}`)).toBeFocused();

  // Still up there, something arrives: the pill, not a jump.
  await send(bob, alice.username, 'Saturday works, see you then');
  const pill = alice.page.getByRole('button', { name: /New messages/ });
  await expect(pill).toBeVisible({ timeout: 15_000 });
  expect(await distanceFromBottom(alice, bob.username)).toBeGreaterThan(50);
  await pill.click();
  await expect(messageRow(alice, 'Saturday works, see you then')).toBeInViewport();
  await expect(pill).toHaveCount(0);
  await expect.poll(() => distanceFromBottom(alice, bob.username)).toBeLessThan(8);

  // At the bottom, the next one simply shows.
  await send(bob, alice.username, 'Bring the map');
  await expect(messageRow(alice, 'Bring the map')).toBeInViewport({ timeout: 15_000 });
  await expect(pill).toHaveCount(0);

  expect(alice.problems).toEqual([]);
  expect(bob.problems).toEqual([]);
  await Promise.all([alice.context.close(), bob.context.close()]);
});

test('what was read in one browser is read in another: a second browser counts only what nobody read', async ({ browser }) => {
  const alice = await person(browser, uniqueName('alice'));
  const bob = await person(browser, uniqueName('bob'));
  await Promise.all([register(alice), register(bob)]);
  await openConversation(bob, alice.username);
  for (const text of ['one', 'two', 'three']) await send(bob, alice.username, `read ${text}`);

  // alice reads the three in her first browser, then turns to her own notes.
  const contacts = (p: Person) => p.page.getByRole('navigation', { name: 'Contacts' });
  const bobRow = (p: Person) => contacts(p).getByRole('button', { name: new RegExp(`^${bob.username}`) });
  await expect(bobRow(alice)).toContainText('3 unread', { timeout: 30_000 });
  await bobRow(alice).click();
  await expect(messageRow(alice, 'read three')).toBeInViewport({ timeout: 15_000 });
  await alice.page.getByLabel('Find people by username').fill(alice.username);
  await alice.page.getByRole('region', { name: 'People found' }).getByRole('button', { name: /^Note to self/ }).click();
  await expect(bobRow(alice)).not.toContainText('unread');

  // Two more arrive while she is elsewhere.
  for (const text of ['four', 'five']) await send(bob, alice.username, `unread ${text}`);
  await expect(bobRow(alice)).toContainText('2 unread', { timeout: 30_000 });

  // A second browser, never used by alice: the three read in the first are read here too, and the two she
  // has not read are unread (a device that knew nothing would count all five, or, taking all history as
  // read, none).
  const second = await person(browser, alice.username);
  await login(second);
  await expect(bobRow(second)).toContainText('2 unread', { timeout: 30_000 });

  for (const p of [alice, bob, second]) expect(p.problems).toEqual([]);
  await Promise.all([alice.context.close(), bob.context.close(), second.context.close()]);
});

test('the page has the app icon, served by the server', async ({ browser }) => {
  const visitor = await person(browser, uniqueName('visitor'));
  await visitor.page.goto('/');
  const href = await visitor.page.locator('link[rel="icon"]').getAttribute('href');
  expect(href).toMatch(/\.svg$/);
  const response = await visitor.page.request.get(new URL(href!, visitor.page.url()).toString());
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toContain('image/svg+xml');
  expect(await response.text()).toContain('<title>Encrypted Chat</title>');
  await visitor.context.close();
});
