// Two people use the web client in two browser contexts against a real server.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Browser } from '@playwright/test';
import { login, openConversation, PASSWORD, person, register, send, shot, uniqueName, withServerDatabase, type Person } from './helpers.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function twoPeople(browser: Browser): Promise<[Person, Person]> {
  const alice = await person(browser, uniqueName('alice'));
  const bob = await person(browser, uniqueName('bob'));
  await Promise.all([register(alice), register(bob)]);
  return [alice, bob];
}

function messageRow(p: Person, text: string) {
  return p.page.getByRole('region', { name: /^Messages with / }).getByRole('listitem').filter({ hasText: text });
}

test('two people exchange messages live and see them verified', async ({ browser }) => {
  const [alice, bob] = await twoPeople(browser);

  await openConversation(alice, bob.username);
  await shot(alice.page, 'conversation-empty');
  await send(alice, bob.username, 'Hello Bob! The plan is at https://example.org/plan.');
  await expect(messageRow(alice, 'Hello Bob!').getByRole('img', { name: 'Verified' })).toBeVisible();

  // Bob did nothing: the conversation appears live, with an unread count.
  const contact = bob.page.getByRole('navigation', { name: 'Contacts' }).getByRole('button', { name: new RegExp(`^${alice.username}`) });
  await expect(contact).toContainText('1 unread');
  await shot(bob.page, 'contact-list-unread');
  await contact.click();
  const received = messageRow(bob, 'Hello Bob!');
  await expect(received.getByRole('img', { name: 'Verified' })).toBeVisible();
  await expect(received.getByRole('link', { name: 'https://example.org/plan' })).toBeVisible();

  await send(bob, alice.username, 'Hi Alice.\nSee you at noon.');
  await expect(messageRow(alice, 'See you at noon.').getByRole('img', { name: 'Verified' })).toBeVisible();
  await expect(messageRow(bob, 'See you at noon.').getByRole('img', { name: 'Verified' })).toBeVisible();
  await shot(alice.page, 'conversation');

  await alice.page.getByRole('button', { name: 'Contact details and key fingerprint' }).click();
  const details = alice.page.getByRole('dialog', { name: 'Contact details' });
  await expect(details.getByText(`${bob.username}’s key fingerprint`)).toBeVisible();
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

  // 200% zoom of a 1200×780 window: half the CSS pixels. One column at a time, nothing cut off.
  await alice.page.setViewportSize({ width: 600, height: 390 });
  await expect(alice.page.getByRole('navigation', { name: 'Contacts' })).toBeHidden();
  await expect(messageRow(alice, 'See you at noon.')).toBeVisible();
  await shot(alice.page, 'zoom-200-conversation');
  await alice.page.getByRole('button', { name: 'Back to conversations' }).click();
  await expect(alice.page.getByRole('navigation', { name: 'Contacts' })).toBeVisible();
  await shot(alice.page, 'zoom-200-contacts');
  expect(await alice.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

  expect(alice.problems).toEqual([]);
  expect(bob.problems).toEqual([]);
});

test('a message altered in the database shows as failed, with the reason', async ({ browser }) => {
  const [alice, bob] = await twoPeople(browser);
  await openConversation(alice, bob.username);
  await send(alice, bob.username, 'This one arrives intact.');
  await send(alice, bob.username, 'This one is altered on the server.');
  await expect(messageRow(alice, 'This one is altered on the server.').getByRole('img', { name: 'Verified' })).toBeVisible();

  // Someone with the server's disk flips one bit of the newest stored body.
  await withServerDatabase(async (db) => {
    const row = await db.get('SELECT id, body FROM messages WHERE sender = ? ORDER BY seq DESC LIMIT 1', alice.username);
    if (!row) throw new Error('the message is not in the database');
    const body = Buffer.from(String(row.body), 'base64');
    body[20] = body[20]! ^ 0x01;
    expect(await db.run('UPDATE messages SET body = ? WHERE id = ?', body.toString('base64'), row.id)).toBe(1);
  });

  // bob's open window may have read it already (the list's preview reads the newest message as it arrives),
  // so he reads it in a browser that has not: there only the altered copy on the server exists.
  const bobElsewhere = await person(browser, bob.username);
  await login(bobElsewhere);
  await openConversation(bobElsewhere, alice.username);
  await expect(messageRow(bobElsewhere, 'This one arrives intact.').getByRole('img', { name: 'Verified' })).toBeVisible();
  const failed = bobElsewhere.page.getByRole('region', { name: /^Messages with / }).getByRole('listitem').filter({ hasText: 'could not be decrypted' });
  await expect(failed).toBeVisible();
  await expect(failed).toContainText('Failed');
  await expect(failed.locator('.reason')).not.toBeEmpty();
  await expect(bobElsewhere.page.getByText('This one is altered on the server.')).toHaveCount(0);
  await shot(bobElsewhere.page, 'message-failed');

  expect(alice.problems).toEqual([]);
  expect(bob.problems).toEqual([]);
  expect(bobElsewhere.problems).toEqual([]);
  await bobElsewhere.context.close();
});

test("a contact's key replaced on the server raises a banner, and the key log refuses the new key even when trusted", async ({ browser }) => {
  const [alice, bob] = await twoPeople(browser);
  await openConversation(alice, bob.username);
  await send(alice, bob.username, 'Before the change.');
  await expect(messageRow(alice, 'Before the change.').getByRole('img', { name: 'Verified' })).toBeVisible();

  // The server (or someone who controls it) swaps in another valid RSA-4096 key for bob.
  const vectors = JSON.parse(readFileSync(path.join(REPO_ROOT, 'core/test-fixtures/test-vectors.json'), 'utf8')) as {
    accounts: { bob: { publicKey: string; fingerprint: string } };
  };
  await withServerDatabase(async (db) => {
    expect(await db.run('UPDATE users SET public_key = ? WHERE username = ?', vectors.accounts.bob.publicKey, bob.username)).toBe(1);
  });

  // Alice comes back later: her page asks for her password again, then shows the warning.
  await login(alice);
  await openConversation(alice, bob.username);
  const banner = alice.page.getByRole('alert').filter({ hasText: `${bob.username}’s key fingerprint has changed` });
  await expect(banner).toBeVisible();
  await expect(alice.page.getByRole('navigation', { name: 'Contacts' })).toContainText('Key fingerprint changed');
  await shot(alice.page, 'key-changed-banner');

  await banner.getByRole('button', { name: 'Review key' }).click();
  const dialog = alice.page.getByRole('dialog', { name: 'Contact details' });
  const newKey = dialog.getByRole('figure').filter({ hasText: 'New key shown by the server' });
  const groups = vectors.accounts.bob.fingerprint.match(/.{4}/g)!.join(' ');
  await expect(newKey.getByLabel(`New key shown by the server: ${groups}`)).toBeVisible();
  await shot(alice.page, 'key-changed-review');
  const trust = dialog.getByRole('button', { name: 'Trust new key' });
  await expect(trust).toBeDisabled();
  await dialog.getByLabel(/I compared this key fingerprint/).check();
  await trust.click();
  // The server's public key log holds bob's real key: the swapped one cannot be accepted, and the log's alarm says so.
  await expect(dialog.getByRole('alert').filter({ hasText: `The server's key log does not contain this key for ${bob.username}` })).toBeVisible();
  await alice.page.keyboard.press('Escape');
  await expect(banner).toBeVisible();
  await expect(alice.page.getByLabel('Key log alarms')).toContainText(`The server's key log does not contain ${bob.username}'s key`);
  await shot(alice.page, 'key-log-alarm');

  expect(alice.problems).toEqual([]);
});

test('sign-in and registration errors are shown in place, in words', async ({ browser }) => {
  const alice = await person(browser, uniqueName('alice'));
  await alice.page.goto('/');
  // The window mounts once the page has chosen its ChatApi and read the settings.
  await expect(alice.page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await shot(alice.page, 'sign-in');

  // Keyboard only: the tabs, then the fields in order, then the button.
  await alice.page.keyboard.press('Tab');
  await expect(alice.page.getByRole('tab', { name: 'Sign in' })).toBeFocused();
  await alice.page.keyboard.press('ArrowRight');
  await expect(alice.page.getByRole('tab', { name: 'Create account' })).toBeFocused();
  await expect(alice.page.getByRole('tab', { name: 'Create account' })).toHaveAttribute('aria-selected', 'true');
  await alice.page.keyboard.press('Tab');
  await expect(alice.page.getByLabel('Username')).toBeFocused();
  await alice.page.keyboard.press('Tab');
  await expect(alice.page.getByLabel('Password', { exact: true })).toBeFocused();
  await alice.page.keyboard.press('Tab');
  await expect(alice.page.getByLabel('Repeat password')).toBeFocused();
  await alice.page.keyboard.press('Tab');
  await expect(alice.page.getByRole('button', { name: 'Create account' })).toBeFocused();
  await alice.page.keyboard.press('Shift+Tab');
  await alice.page.keyboard.press('Shift+Tab');
  await alice.page.keyboard.press('Shift+Tab');
  await alice.page.keyboard.press('Shift+Tab');
  await alice.page.keyboard.press('ArrowLeft');
  await expect(alice.page.getByRole('tab', { name: 'Sign in' })).toHaveAttribute('aria-selected', 'true');

  await alice.page.getByRole('tab', { name: 'Create account' }).click();
  await alice.page.getByLabel('Username').fill(alice.username);
  await alice.page.getByLabel('Password', { exact: true }).fill('password123');
  await alice.page.getByLabel('Repeat password').fill('password123');
  await expect(alice.page.getByText(/Strength: (Very weak|Weak)/)).toBeVisible();
  await alice.page.getByRole('button', { name: 'Create account' }).click();
  await expect(alice.page.getByRole('alert')).toContainText('too easy to guess');
  await shot(alice.page, 'register-weak-password');

  await register(alice);
  await alice.page.getByRole('button', { name: 'Settings' }).click();
  await alice.page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(alice.page.getByRole('button', { name: 'Sign in' })).toBeVisible();

  await login(alice, 'not the right password at all');
  await expect(alice.page.getByRole('alert')).toHaveText('Wrong username or password.');
  await expect(alice.page.getByLabel('Password', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await shot(alice.page, 'sign-in-wrong-password');

  const mallory = await person(browser, alice.username);
  await mallory.page.goto('/');
  await mallory.page.getByRole('tab', { name: 'Create account' }).click();
  await mallory.page.getByLabel('Username').fill(alice.username);
  await mallory.page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await mallory.page.getByLabel('Repeat password').fill(PASSWORD);
  await expect(mallory.page.getByText(/Strength: (Strong|Very strong)/)).toBeVisible();
  await shot(mallory.page, 'register');
  await mallory.page.getByRole('button', { name: 'Create account' }).click();
  // A taken name is said on the field itself, while typing, before any key is made.
  await expect(mallory.page.getByLabel('Username')).toHaveAccessibleDescription(/already taken/, { timeout: 30_000 });
  await expect(mallory.page.getByLabel('Username')).toHaveAttribute('aria-invalid', 'true');

  await login(alice);
  await expect(alice.page.getByRole('button', { name: 'Settings' })).toBeVisible();
  expect(alice.problems).toEqual([]);
  expect(mallory.problems).toEqual([]);
});
