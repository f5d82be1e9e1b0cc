// The everyday feel of the web window (issue 14): a session ended from another device keeps what was typed and
// queued; the window reconnects within seconds of the server's return (a server of this spec's own, stopped
// and started on the same port); the composer shows the size limit; registration checks the name as it is typed.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { openConversation, PASSWORD, person, register, send, shot, uniqueName, type Person } from './helpers.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAX_MESSAGE_TEXT_BYTES = 64 * 1024;

function messageRow(p: Person, text: string) {
  return p.page.getByRole('region', { name: /^Messages with / }).getByRole('listitem').filter({ hasText: text });
}

function connectionLine(page: Page) {
  return page.getByRole('complementary', { name: 'Conversations' }).getByRole('status').first();
}

async function signInHere(p: Person): Promise<void> {
  // No reload: what the window kept of the ended session lives in this page.
  await expect(p.page.getByLabel('Username')).toHaveValue(p.username);
  await p.page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await p.page.getByRole('button', { name: 'Sign in' }).click();
  await expect(p.page.getByRole('button', { name: 'Settings' })).toBeVisible({ timeout: 60_000 });
}

test('a session ended from another device: told in words, the name filled in, the draft and the queued message kept and sent', async ({ browser }) => {
  test.setTimeout(240_000);
  const alice = await person(browser, uniqueName('alice'));
  const bob = await person(browser, uniqueName('bob'));
  const carol = await person(browser, uniqueName('carol'));
  await Promise.all([register(alice), register(bob), register(carol)]);
  const laptop = await person(browser, alice.username);
  await laptop.page.goto('/');
  await laptop.page.getByLabel('Username').fill(alice.username);
  await laptop.page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await laptop.page.getByRole('button', { name: 'Sign in' }).click();
  await expect(laptop.page.getByRole('button', { name: 'Settings' })).toBeVisible({ timeout: 60_000 });

  await openConversation(alice, carol.username);
  await alice.page.getByLabel(`Message to ${carol.username}`).fill('a draft for carol');
  await openConversation(alice, bob.username);
  await expect(connectionLine(alice.page)).toHaveText('Connected');

  // The laptop signs this browser out.
  await laptop.page.getByRole('button', { name: 'Settings' }).click();
  const list = laptop.page.getByRole('dialog').getByRole('list', { name: 'Signed-in devices' });
  await list.getByRole('listitem').filter({ hasNotText: 'This device' }).getByRole('button', { name: /^Sign out / }).click();
  await expect(list.getByRole('listitem')).toHaveCount(1);
  // Written before the window heard of it: the send is refused, the message is kept.
  await send(alice, bob.username, 'sent from an ended session');

  // Noticed without another step of the person's: the live connection hears it.
  await expect(alice.page.getByRole('button', { name: 'Sign in' })).toBeVisible({ timeout: 15_000 });
  await expect(alice.page.getByRole('status').filter({ hasText: /signed out|session has ended/i })).toContainText('What you were writing is kept');
  await shot(alice.page, 'session-ended-elsewhere');
  await signInHere(alice);

  // The queued message goes out after signing in again; bob gets it once.
  await openConversation(alice, bob.username);
  await expect(messageRow(alice, 'sent from an ended session').getByRole('img', { name: 'Verified' })).toBeVisible({ timeout: 30_000 });
  await openConversation(bob, alice.username);
  await expect(messageRow(bob, 'sent from an ended session')).toHaveCount(1);
  await openConversation(alice, carol.username);
  await expect(alice.page.getByLabel(`Message to ${carol.username}`)).toHaveValue('a draft for carol');
  // Sent, the draft is gone, also after a reload.
  await alice.page.getByLabel(`Message to ${carol.username}`).press('Enter');
  await expect(messageRow(alice, 'a draft for carol').getByRole('img', { name: 'Verified' })).toBeVisible();
  expect([...alice.problems, ...bob.problems, ...carol.problems, ...laptop.problems]).toEqual([]);
});

test.describe('a server that stops and comes back', () => {
  let server: ServerProcess | null = null;
  const env = { WEB_ROOT: path.join(REPO_ROOT, 'dist/web'), REGISTRATIONS_PER_ADDRESS: '100', LOGIN_FAILURES_PER_ADDRESS: '100' };
  test.afterEach(async () => {
    await server?.stop();
    server = null;
  });

  test('offline said in one line with a banner, the message waits, and the window reconnects within 5 s of the return', async ({ browser }) => {
    test.setTimeout(240_000);
    server = await startServerProcess({ env });
    const { url, databaseUrl } = server;
    const alice = await person(browser, uniqueName('alice'), url);
    const bob = await person(browser, uniqueName('bob'), url);
    await Promise.all([register(alice), register(bob)]);
    await openConversation(alice, bob.username);
    await expect(connectionLine(alice.page)).toHaveText('Connected');

    await server.stop();
    server = null;
    await expect(connectionLine(alice.page)).toHaveText('Offline — reconnecting…', { timeout: 60_000 });
    const banner = alice.page.getByRole('region', { name: 'Connection' });
    await expect(banner).toContainText('You are offline.');
    await expect(banner.getByRole('button', { name: 'Retry now' })).toBeVisible();
    // Plain http: nothing about certificates.
    await alice.page.getByRole('complementary', { name: 'Conversations' }).getByText('Details', { exact: true }).click();
    await expect(alice.page.getByRole('complementary', { name: 'Conversations' })).not.toContainText(/certificate/i);
    await send(alice, bob.username, 'written while the server was away');
    await expect(messageRow(alice, 'written while the server was away').getByText('Waiting for connection')).toBeVisible({ timeout: 30_000 });
    await shot(alice.page, 'offline-waiting');
    await banner.getByRole('button', { name: 'Retry now' }).click();
    await expect(connectionLine(alice.page)).toHaveText('Offline — reconnecting…');

    // Away for a while (the long waits of a back-off would pass 10 s by now), then back on the same port.
    await alice.page.waitForTimeout(12_000);
    server = await startServerProcess({ env: { ...env, PORT: new URL(url).port }, databaseUrl });
    const back = Date.now();
    await expect(connectionLine(alice.page)).toHaveText('Connected', { timeout: 5_000 });
    console.log(`everyday: connected again ${((Date.now() - back) / 1000).toFixed(1)} s after the server was ready`);
    await expect(banner).toBeHidden();
    await expect(messageRow(alice, 'written while the server was away').getByRole('img', { name: 'Verified' })).toBeVisible({ timeout: 10_000 });
    await openConversation(bob, alice.username);
    await expect(messageRow(bob, 'written while the server was away')).toHaveCount(1, { timeout: 10_000 });
    expect([...alice.problems, ...bob.problems].filter((p) => !/ERR_CONNECTION_REFUSED|Failed to load resource/.test(p))).toEqual([]);
  });
});

test('the composer shows the size limit before sending and refuses Send past it', async ({ browser }) => {
  test.setTimeout(180_000);
  const alice = await person(browser, uniqueName('alice'));
  const bob = await person(browser, uniqueName('bob'));
  await Promise.all([register(alice), register(bob)]);
  await openConversation(alice, bob.username);
  const box = alice.page.getByLabel(`Message to ${bob.username}`);
  const sendButton = alice.page.getByRole('button', { name: 'Send' });
  await box.fill('a'.repeat(MAX_MESSAGE_TEXT_BYTES - 1_000));
  await expect(alice.page.getByText('1,000 of 65,536 bytes left')).toBeVisible();
  await expect(sendButton).toBeEnabled();
  await box.fill('a'.repeat(MAX_MESSAGE_TEXT_BYTES + 5));
  await expect(alice.page.getByText(/Too long to send: 5 bytes over the limit of 65,536/)).toBeVisible();
  await expect(sendButton).toBeDisabled();
  await expect(box).toHaveAttribute('aria-invalid', 'true');
  await box.press('Enter');
  await shot(alice.page, 'message-too-long');
  await expect(alice.page.getByRole('region', { name: `Messages with ${bob.username}` }).getByRole('listitem')).toHaveCount(0);
  // Cut to size, it goes.
  await box.fill('a'.repeat(MAX_MESSAGE_TEXT_BYTES));
  await expect(sendButton).toBeEnabled();
  await box.press('Enter');
  await expect(alice.page.getByRole('region', { name: `Messages with ${bob.username}` }).getByRole('img', { name: 'Verified' })).toBeVisible({ timeout: 30_000 });
});

test('registration checks the name while it is typed, on the field, before any key is made; the card fits 1280×800', async ({ browser }) => {
  test.setTimeout(180_000);
  const taken = await person(browser, uniqueName('taken'));
  await register(taken);
  const newcomer = await person(browser, uniqueName('new'));
  const { page } = newcomer;
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('/');
  await page.getByRole('tab', { name: 'Create account' }).click();
  const field = page.getByLabel('Username');

  await field.fill('no spaces');
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(field).toHaveAccessibleDescription(/Use only letters a–z, digits 0–9 and _/);

  await field.fill(taken.username.toUpperCase());
  await expect(field).toHaveAccessibleDescription(new RegExp(`The username ${taken.username} is already taken`));
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await shot(page, 'register-name-taken');

  await field.fill(newcomer.username);
  await expect(field).toHaveAccessibleDescription(new RegExp(`${newcomer.username} is free`));
  await expect(field).not.toHaveAttribute('aria-invalid');
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Repeat password').fill('not the same password 1');
  await expect(page.getByText(/Strength: (Strong|Very strong)/)).toBeVisible();
  const create = page.getByRole('button', { name: 'Create account' });
  await expect(create).toBeInViewport({ ratio: 1 });
  await create.click();
  await expect(page.getByRole('alert')).toHaveText('The two passwords do not match.');
  // Changing a field clears the old error.
  await page.getByLabel('Repeat password').fill(PASSWORD);
  await expect(page.getByRole('alert')).toHaveCount(0);
  await create.click();
  await expect(page.getByRole('status').filter({ hasText: /Making your key…|Protecting it with your password…|Creating your account on the server…|Opening your new account…/ }).first()).toBeVisible();
  await expect(page.getByRole('progressbar', { name: 'Creating your account' })).toBeVisible();
  await page.getByRole('dialog', { name: 'Set up a recovery code' }).getByRole('button', { name: 'Not now' }).click({ timeout: 120_000 });
  expect([...newcomer.problems, ...taken.problems]).toEqual([]);
});
