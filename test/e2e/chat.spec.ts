// Two people use the web client in two browser contexts against a real server.
import { expect, test, type Browser } from '@playwright/test';
import { login, openConversation, person, register, send, shot, uniqueName, withServerDatabase, type Person } from './helpers.js';

async function twoPeople(browser: Browser): Promise<[Person, Person]> {
  const alice = await person(browser, uniqueName('alice'));
  const bob = await person(browser, uniqueName('bob'));
  await Promise.all([register(alice), register(bob)]);
  return [alice, bob];
}

function messageRow(p: Person, text: string) {
  return p.page.getByRole('listitem').filter({ hasText: text });
}

test('two people exchange messages live and see them verified', async ({ browser }) => {
  const [alice, bob] = await twoPeople(browser);

  await openConversation(alice, bob.username);
  await shot(alice.page, 'conversation-empty');
  await send(alice, bob.username, 'Hello Bob! The plan is at https://example.org/plan.');
  await expect(messageRow(alice, 'Hello Bob!').getByText('Verified')).toBeVisible();

  // Bob did nothing: the conversation appears live, with an unread count.
  const contact = bob.page.getByRole('navigation', { name: 'Contacts' }).getByRole('button', { name: new RegExp(`^${alice.username}`) });
  await expect(contact).toContainText('1 unread');
  await shot(bob.page, 'contact-list-unread');
  await contact.click();
  const received = messageRow(bob, 'Hello Bob!');
  await expect(received.getByText('Verified')).toBeVisible();
  await expect(received.getByRole('link', { name: 'https://example.org/plan' })).toBeVisible();

  await send(bob, alice.username, 'Hi Alice.\nSee you at noon.');
  await expect(messageRow(alice, 'See you at noon.').getByText('Verified')).toBeVisible();
  await expect(messageRow(bob, 'See you at noon.').getByText('Verified')).toBeVisible();
  await shot(alice.page, 'conversation');

  await alice.page.getByRole('button', { name: 'Contact details and safety key' }).click();
  const details = alice.page.getByRole('dialog', { name: 'Contact details' });
  await expect(details.getByText(`${bob.username}’s safety key fingerprint`)).toBeVisible();
  await shot(alice.page, 'contact-details');
  await alice.page.keyboard.press('Escape');
  await expect(details).toBeHidden();

  await alice.page.getByRole('button', { name: 'Settings' }).click();
  await expect(alice.page.getByRole('dialog', { name: 'Settings' })).toBeVisible();
  await shot(alice.page, 'settings');
  await alice.page.getByLabel('Dark').check();
  await alice.page.keyboard.press('Escape');
  await expect(alice.page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await shot(alice.page, 'conversation-dark');

  expect(alice.problems).toEqual([]);
  expect(bob.problems).toEqual([]);
});
