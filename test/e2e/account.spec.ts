// Accounts in the web window, end to end against a real server: the recovery code offered after registering,
// saved as a download, and "Forgot password?" with it (the old messages readable again, the old password
// refused); the devices list (signing another browser out, then everywhere); deleting the account (the
// contact sees it, the name stays taken).
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { ChatClient } from '../../core/client/chat-client.js';
import { MemoryStore } from '../../core/client/store.js';
import { fillRegistration, login, openConversation, PASSWORD, person, send, serverUrl, shot, uniqueName } from './helpers.js';

const NEW_PASSWORD = 'lantern meadow quartz violin 77';


async function openSettings(page: Page) {
  await page.getByRole('button', { name: 'Settings' }).click();
  return page.getByRole('dialog', { name: 'Settings' });
}

test('a recovery code made after registering brings the account back after a forgotten password', async ({ browser }) => {
  test.setTimeout(180_000);
  const alice = await person(browser, uniqueName('alice'));
  const { page } = alice;
  await fillRegistration(page, alice.username);

  const offer = page.getByRole('dialog', { name: 'Set up a recovery code' });
  await offer.getByRole('button', { name: 'Make a recovery code' }).click({ timeout: 120_000 });
  const shown = offer.getByLabel(/^Recovery code /);
  await expect(shown).toHaveText(/^([A-Z2-7]{4}-){7}[A-Z2-7]{4}$/);
  const code = (await shown.textContent())!;
  await shot(page, 'recovery-code');
  const [download] = await Promise.all([page.waitForEvent('download'), offer.getByRole('button', { name: 'Save as a file…' }).click()]);
  expect(download.suggestedFilename()).toBe(`encrypted-chat-recovery-code-${alice.username}.txt`);
  const saved = readFileSync((await download.path())!, 'utf8');
  expect(saved).toContain(code);
  expect(saved).toContain(`Account: ${alice.username}`);
  await expect(offer.getByRole('button', { name: 'Done' })).toBeDisabled();
  await offer.getByLabel('I have stored my recovery code somewhere safe').check();
  await offer.getByRole('button', { name: 'Done' }).click();
  await expect(offer).toBeHidden();

  // Someone writes to alice while she still knows her password.
  const bob = new ChatClient({ serverUrl: serverUrl(), store: new MemoryStore() });
  const bobName = uniqueName('bob');
  await bob.register({ username: bobName, password: PASSWORD });
  await bob.send({ conversation: alice.username, text: 'Remember the picnic on Sunday', id: bob.newMessageId() });
  await bob.close();

  const settings = await openSettings(page);
  await expect(settings.getByText(/A recovery code is set/)).toBeVisible();
  await settings.getByRole('button', { name: 'Sign out', exact: true }).click();

  // She forgot her password.
  await page.getByRole('button', { name: 'Forgot password?' }).click();
  await page.getByLabel('Username').fill(alice.username);
  await page.getByLabel('Recovery code').fill(code.toLowerCase().replaceAll('-', ' '));
  await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
  await page.getByLabel('Repeat new password').fill(NEW_PASSWORD);
  await expect(page.getByText(/Strength: (Strong|Very strong)/)).toBeVisible();
  await shot(page, 'forgot-password');
  await page.getByRole('button', { name: 'Set the new password' }).click();
  const again = page.getByRole('dialog', { name: 'Make a new recovery code' });
  await again.getByRole('button', { name: 'Not now' }).click({ timeout: 120_000 });

  await openConversation(alice, bobName);
  await expect(page.getByRole('listitem').filter({ hasText: 'Remember the picnic on Sunday' }).getByRole('img', { name: 'Verified' })).toBeVisible();
  await (await openSettings(page)).getByRole('button', { name: 'Sign out', exact: true }).click();

  await login(alice);
  await expect(page.getByRole('alert')).toHaveText('Wrong username or password.');
  // The code was used up by the new password.
  await page.getByRole('button', { name: 'Forgot password?' }).click();
  await page.getByLabel('Username').fill(alice.username);
  await page.getByLabel('Recovery code').fill(code);
  await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
  await page.getByLabel('Repeat new password').fill(NEW_PASSWORD);
  await expect(page.getByText(/Strength: (Strong|Very strong)/)).toBeVisible();
  await page.getByRole('button', { name: 'Set the new password' }).click();
  await expect(page.getByRole('alert')).toContainText('That username and recovery code do not match', { timeout: 60_000 });
  await page.getByRole('button', { name: 'Back to sign in' }).click();
  await login(alice, NEW_PASSWORD);
  await expect(page.getByRole('button', { name: 'Settings' })).toBeVisible({ timeout: 60_000 });
  expect(alice.problems).toEqual([]);
});

test('the devices list: another browser signed out from here, then every device', async ({ browser }) => {
  test.setTimeout(180_000);
  const alice = await person(browser, uniqueName('alice'));
  const laptop = await person(browser, alice.username);
  await fillRegistration(alice.page, alice.username);
  await alice.page.getByRole('dialog', { name: 'Set up a recovery code' }).getByRole('button', { name: 'Not now' }).click({ timeout: 120_000 });
  await login(laptop);
  await expect(laptop.page.getByRole('button', { name: 'Settings' })).toBeVisible({ timeout: 60_000 });

  const settings = await openSettings(alice.page);
  const list = settings.getByRole('list', { name: 'Signed-in devices' });
  await expect(list.getByRole('listitem')).toHaveCount(2);
  await expect(list.getByRole('listitem').filter({ hasText: 'This device' })).toHaveCount(1);
  await expect(list.getByRole('listitem').first()).toContainText(/^Web, /);
  await shot(alice.page, 'devices');
  await list.getByRole('listitem').filter({ hasNotText: 'This device' }).getByRole('button', { name: /^Sign out / }).click();
  await expect(list.getByRole('listitem')).toHaveCount(1);

  // The other browser finds out at its next request, and says so.
  await laptop.page.getByRole('button', { name: 'Settings' }).click();
  await expect(laptop.page.getByRole('button', { name: 'Sign in' })).toBeVisible({ timeout: 30_000 });
  await expect(laptop.page.getByRole('status').filter({ hasText: /session has ended|signed out/i })).toBeVisible();

  await login(laptop);
  await expect(laptop.page.getByRole('button', { name: 'Settings' })).toBeVisible({ timeout: 60_000 });
  await settings.getByRole('button', { name: 'Sign out everywhere…' }).click();
  await settings.getByRole('button', { name: 'Sign out everywhere', exact: true }).click();
  await expect(alice.page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await laptop.page.getByRole('button', { name: 'Settings' }).click();
  await expect(laptop.page.getByRole('button', { name: 'Sign in' })).toBeVisible({ timeout: 30_000 });
  expect([...alice.problems, ...laptop.problems]).toEqual([]);
});

test('deleting the account: behind the password and the name typed out; the contact sees it; the name stays taken', async ({ browser }) => {
  test.setTimeout(180_000);
  const bob = await person(browser, uniqueName('bob'));
  const alice = await person(browser, uniqueName('alice'));
  for (const p of [bob, alice]) {
    await fillRegistration(p.page, p.username);
    await p.page.getByRole('dialog', { name: 'Set up a recovery code' }).getByRole('button', { name: 'Not now' }).click({ timeout: 120_000 });
  }
  await openConversation(alice, bob.username);
  await send(alice, bob.username, 'Are you leaving?');
  await expect(alice.page.getByRole('listitem').filter({ hasText: 'Are you leaving?' }).getByRole('img', { name: 'Verified' })).toBeVisible();

  const settings = await openSettings(bob.page);
  await settings.getByRole('button', { name: 'Delete account…' }).click();
  const confirm = settings.getByRole('button', { name: 'Delete my account for good' });
  await settings.getByLabel('Your password').last().fill(PASSWORD);
  await expect(confirm).toBeDisabled();
  await settings.getByLabel(`Type your username (${bob.username}) to confirm`).fill(bob.username);
  await shot(bob.page, 'delete-account');
  await confirm.click();
  await expect(bob.page.getByText(/Your account was deleted/)).toBeVisible({ timeout: 60_000 });
  await expect(bob.page.getByRole('button', { name: 'Sign in' })).toBeVisible();

  await alice.page.reload();
  await login(alice);
  await expect(alice.page.getByRole('button', { name: 'Settings' })).toBeVisible({ timeout: 60_000 });
  // A deleted account is not in the directory any more, so the conversation is opened from the list,
  // once the list has loaded (searching for the name would find nobody).
  const row = alice.page.getByRole('navigation', { name: 'Contacts' }).getByRole('button', { name: new RegExp(`^${bob.username}\\b`) });
  await row.click({ timeout: 30_000 });
  await expect(alice.page.getByRole('heading', { name: bob.username, level: 2 })).toBeVisible();
  await expect(alice.page.getByText(`${bob.username} deleted their account.`, { exact: false })).toBeVisible();
  await expect(alice.page.getByText('Account deleted')).toBeVisible();
  await expect(alice.page.getByRole('region', { name: `Messages with ${bob.username}` }).getByRole('listitem').filter({ hasText: 'Are you leaving?' })).toBeVisible();
  await expect(alice.page.getByLabel(`Message to ${bob.username}`)).toHaveCount(0);

  await login(bob);
  await expect(bob.page.getByRole('alert')).toHaveText('Wrong username or password.');
  await fillRegistration(bob.page, bob.username);
  // A taken name is said on the field itself, while typing, before any key is made.
  await expect(bob.page.getByLabel('Username')).toHaveAccessibleDescription(/already taken/, { timeout: 30_000 });
  await expect(bob.page.getByLabel('Username')).toHaveAttribute('aria-invalid', 'true');
  expect([...alice.problems, ...bob.problems]).toEqual([]);
});
