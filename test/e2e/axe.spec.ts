// Accessibility of every screen of the web window (issue 14): axe-core at WCAG 2.2 AA plus its best practices,
// in the light and the dark theme (the "System" theme under an emulated colour scheme, as most people meet it),
// on a laptop (1280×800) and a phone (390×844), with zero violations; and the layout promises axe cannot see —
// one main landmark and one h1 per screen, focus rings no scrolling box clips, the registration card and the
// settings' buttons within a laptop screen, the theme choices on one line on a phone.
// A screen is one entry in SCREENS: how to get there, and any checks of its own.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { TamperingProxy } from '../support/tampering-proxy.js';
import { createGroup, fillRegistration, login, openConversation, PASSWORD, person, send, serverUrl, uniqueName, withServerDatabase, type Person } from './helpers.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
const THEMES = ['light', 'dark'] as const;
const SIZES = [
  { name: 'laptop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
] as const;
const GROUP = 'Family';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

interface Variant {
  theme: (typeof THEMES)[number];
  size: (typeof SIZES)[number];
}

interface Screen {
  name: string;
  /** Brings a page to this screen (from wherever the earlier screens left it) and returns it. */
  open(world: World): Promise<Page>;
  /** What this screen promises beyond axe and the checks every screen gets. */
  layout?(page: Page, variant: Variant): Promise<void>;
}

/** The people the screens need, each made on first use: registering makes an RSA-4096 key in the page. */
class World {
  readonly #browser: Browser;
  readonly #made = new Map<string, Promise<unknown>>();
  readonly #people: Person[] = [];
  #inviteServer: ServerProcess | null = null;
  #proxy: TamperingProxy | null = null;

  constructor(browser: Browser) {
    this.#browser = browser;
  }

  #once<T>(key: string, make: () => Promise<T>): Promise<T> {
    if (!this.#made.has(key)) this.#made.set(key, make());
    return this.#made.get(key) as Promise<T>;
  }

  async #person(prefix: string, baseURL?: string): Promise<Person> {
    const p = await person(this.#browser, uniqueName(prefix), baseURL);
    this.#people.push(p);
    return p;
  }

  /** Someone who is not signed in. */
  visitor(): Promise<Person> {
    return this.#once('visitor', () => this.#person('visitor'));
  }

  /** Someone on a server that takes new accounts by invitation only. */
  invitee(): Promise<Person> {
    return this.#once('invitee', async () => {
      this.#inviteServer = await startServerProcess({
        env: { WEB_ROOT: path.join(REPO_ROOT, 'dist/web'), REGISTRATION: 'invite', REGISTRATIONS_PER_ADDRESS: '100' },
      });
      return this.#person('invitee', this.#inviteServer.url);
    });
  }

  /** Someone whose registration the screens watch, up to the recovery-code offer. */
  newcomer(): Promise<Person> {
    return this.#once('newcomer', async () => {
      const p = await this.#person('dave');
      await fillRegistration(p.page, p.username);
      return p;
    });
  }

  /**
   * alice, bob and carol: alice and bob wrote each other (a link, a reply, a reaction, a PDF), carol answered
   * alice's message that alice then deleted, and the three are in a group where bob answered alice.
   */
  chat(): Promise<{ alice: Person; bob: Person; carol: Person }> {
    return this.#once('chat', async () => {
      const [alice, bob, carol] = await Promise.all([this.#person('alice'), this.#person('bob'), this.#person('carol')]);
      await Promise.all([registerQuickly(alice!), registerQuickly(bob!), registerQuickly(carol!)]);
      const [a, b, c] = [alice!, bob!, carol!];

      await openConversation(a, b.username);
      await send(a, b.username, 'Hello Bob! The plan is at https://example.org/plan.');
      await expect(verified(a.page, 'Hello Bob!')).toBeVisible({ timeout: 60_000 });
      await openConversation(b, a.username);
      await act(b.page, 'Hello Bob!', 'Reply');
      await send(b, a.username, 'Sounds good, see you at noon.');
      await expect(verified(a.page, 'Sounds good')).toBeVisible({ timeout: 60_000 });
      await act(a.page, 'Sounds good', 'React');
      await a.page.getByRole('group', { name: 'Pick a reaction' }).getByRole('button').first().click();
      await expect(row(a.page, 'Sounds good').getByRole('button', { name: /1, from / })).toBeVisible();
      const chooser = a.page.waitForEvent('filechooser');
      await a.page.getByRole('button', { name: 'Attach files' }).click();
      await (await chooser).setFiles([{ name: 'report.pdf', mimeType: 'application/pdf', buffer: PDF }]);
      await send(a, b.username, 'and the report');
      await expect(verified(a.page, 'and the report')).toBeVisible({ timeout: 60_000 });

      await openConversation(a, c.username);
      await send(a, c.username, 'Hi Carol');
      await expect(verified(a.page, 'Hi Carol')).toBeVisible({ timeout: 60_000 });
      await openConversation(c, a.username);
      await act(c.page, 'Hi Carol', 'Reply');
      await send(c, a.username, 'Hi! What is up?');
      await expect(verified(a.page, 'What is up?')).toBeVisible({ timeout: 60_000 });
      await act(a.page, 'Hi Carol', 'Delete');
      await a.page.getByRole('dialog', { name: 'Delete for everyone?' }).getByRole('button', { name: /Delete/ }).click();
      await expect(a.page.getByText('This message was deleted').first()).toBeVisible();

      await createGroup(a, GROUP, [b.username, c.username]);
      await groupSay(a, 'Dinner at 7?');
      await expect(verified(a.page, 'Dinner at 7?')).toBeVisible({ timeout: 60_000 });
      await openGroup(b);
      await groupSay(b, 'Yes, I will bring dessert');
      await expect(verified(a.page, 'I will bring dessert')).toBeVisible({ timeout: 60_000 });
      return { alice: a, bob: b, carol: c };
    });
  }

  /**
   * bob on a second device, in his conversation with alice, reaching the server through a proxy; `cut` stops
   * the proxy (again, if called again), and the page is offline for good.
   */
  cutOff(): Promise<{ page: Page; peer: string; cut: () => Promise<void> }> {
    return this.#once('cut-off', async () => {
      const { alice, bob } = await this.chat();
      this.#proxy = new TamperingProxy(serverUrl());
      const proxy = this.#proxy;
      const device = await person(this.#browser, bob.username, await proxy.start());
      this.#people.push(device);
      await login(device);
      await expect(device.page.getByRole('button', { name: 'Settings' })).toBeVisible({ timeout: 60_000 });
      await openConversation(device, alice.username);
      return { page: device.page, peer: alice.username, cut: () => proxy.stop() };
    });
  }

  async close(): Promise<void> {
    for (const p of this.#people) await p.context.close();
    await this.#inviteServer?.stop();
    await this.#proxy?.stop();
  }

  /** The pages of everyone made so far. */
  async pages(): Promise<Page[]> {
    await Promise.allSettled(this.#made.values());
    return this.#people.map((p) => p.page);
  }

  problems(): string[] {
    return this.#people.flatMap((p) => p.problems);
  }
}

/** A message of the open conversation (the conversation list's rows may show the same text). */
function row(page: Page, text: string) {
  return page.getByRole('region', { name: /^Messages with / }).getByRole('listitem').filter({ hasText: text }).first();
}

function verified(page: Page, text: string) {
  return row(page, text).getByRole('img', { name: 'Verified' });
}

/** The toolbar of a message: shown on hover and on focus. */
async function act(page: Page, text: string, action: string): Promise<void> {
  const message = row(page, text);
  await message.hover();
  await message.getByRole('button', { name: action, exact: true }).click();
}

async function openGroup(p: Person): Promise<void> {
  await p.page.getByRole('navigation', { name: 'Contacts' }).getByRole('button', { name: new RegExp(`^${GROUP}\\b`) }).click();
  await expect(p.page.getByRole('heading', { name: GROUP, level: 2 })).toBeVisible();
}

async function groupSay(p: Person, text: string): Promise<void> {
  const box = p.page.getByLabel(`Message to ${GROUP}`);
  await box.fill(text);
  await box.press('Enter');
}


/** Registers and declines the recovery code (the newcomer's screens look at that offer). */
async function registerQuickly(p: Person): Promise<void> {
  await fillRegistration(p.page, p.username);
  await p.page.getByRole('dialog', { name: 'Set up a recovery code' }).getByRole('button', { name: 'Not now' }).click({ timeout: 120_000 });
  await expect(p.page.getByRole('button', { name: 'Settings' })).toBeVisible();
}

/** Closes whatever dialog an earlier screen left open. */
async function closeDialogs(page: Page): Promise<void> {
  for (let i = 0; i < 3 && (await page.locator('dialog[open]').count()) > 0; i++) await page.keyboard.press('Escape');
  await expect(page.locator('dialog[open]')).toHaveCount(0);
}

async function openSettings(page: Page) {
  await closeDialogs(page);
  await page.getByRole('button', { name: 'Settings' }).click();
  const dialog = page.getByRole('dialog', { name: 'Settings' });
  await expect(dialog.getByRole('list', { name: 'Signed-in devices' })).toBeVisible();
  await expect(dialog.getByText(/A recovery code is set|No recovery code is set/)).toBeVisible();
  return dialog;
}

/** Every button of the dialog can be brought into view and is then whole on the screen, none cut off. */
async function buttonsWhole(page: Page, dialogName: string): Promise<void> {
  const buttons = page.getByRole('dialog', { name: dialogName }).getByRole('button');
  for (const button of await buttons.all()) {
    await button.scrollIntoViewIfNeeded();
    await expect.soft(button).toBeInViewport({ ratio: 1, timeout: 5_000 });
  }
}

const SCREENS: Screen[] = [
  {
    name: 'sign-in',
    async open(world) {
      const { page } = await world.visitor();
      await page.goto('/');
      await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
      return page;
    },
  },
  {
    name: 'sign-in, wrong password',
    async open(world) {
      const visitor = await world.visitor();
      await login(visitor, 'not the right password at all');
      await expect(visitor.page.getByRole('alert')).toHaveText('Wrong username or password.');
      return visitor.page;
    },
  },
  {
    name: 'registration',
    async open(world) {
      const visitor = await world.visitor();
      const { page } = visitor;
      await page.goto('/');
      await page.getByRole('tab', { name: 'Create account' }).click();
      await page.getByLabel('Username').fill(visitor.username);
      await expect(page.getByLabel('Username')).toHaveAccessibleDescription(/is free/);
      await page.getByLabel('Password', { exact: true }).fill('password123');
      await expect(page.getByText(/Strength: (Very weak|Weak)/)).toBeVisible();
      return page;
    },
    async layout(page, { size }) {
      if (size.name === 'laptop') await expect.soft(page.getByRole('button', { name: 'Create account' })).toBeInViewport({ ratio: 1, timeout: 5_000 });
    },
  },
  {
    name: 'registration, invitation only',
    async open(world) {
      const { page } = await world.invitee();
      await page.goto('/');
      await page.getByRole('tab', { name: 'Create account' }).click();
      await expect(page.getByLabel('Invite code')).toBeVisible();
      return page;
    },
    async layout(page, { size }) {
      if (size.name === 'laptop') await expect.soft(page.getByRole('button', { name: 'Create account' })).toBeInViewport({ ratio: 1, timeout: 5_000 });
    },
  },
  {
    name: 'forgot password',
    async open(world) {
      const { page } = await world.visitor();
      await page.goto('/');
      await page.getByRole('button', { name: 'Forgot password?' }).click();
      await expect(page.getByLabel('Recovery code')).toBeVisible();
      return page;
    },
    async layout(page, { size }) {
      if (size.name === 'laptop') await expect.soft(page.getByRole('button', { name: 'Set the new password' })).toBeInViewport({ ratio: 1, timeout: 5_000 });
    },
  },
  {
    name: 'recovery code offered after registering',
    async open(world) {
      const { page } = await world.newcomer();
      await expect(page.getByRole('dialog', { name: 'Set up a recovery code' }).getByRole('button', { name: 'Make a recovery code' })).toBeVisible({ timeout: 120_000 });
      return page;
    },
  },
  {
    name: 'recovery code shown',
    async open(world) {
      const { page } = await world.newcomer();
      const offer = page.getByRole('dialog', { name: 'Set up a recovery code' });
      await offer.getByRole('button', { name: 'Make a recovery code' }).click();
      await expect(offer.getByLabel(/^Recovery code /)).toHaveText(/^([A-Z2-7]{4}-){7}[A-Z2-7]{4}$/);
      return page;
    },
    async layout(page) {
      await buttonsWhole(page, 'Set up a recovery code');
    },
  },
  {
    name: 'no conversation open',
    async open(world) {
      const { page } = await world.newcomer();
      const offer = page.getByRole('dialog', { name: 'Set up a recovery code' });
      if (await offer.count()) {
        await offer.getByLabel('I have stored my recovery code somewhere safe').check();
        await offer.getByRole('button', { name: 'Done' }).click();
      }
      await expect(page.getByRole('button', { name: 'Settings' })).toBeVisible();
      return page;
    },
    async layout(page, { size }) {
      // On a phone the conversation column shows alone; on a laptop the welcome pane sits in the main landmark.
      if (size.name === 'laptop') await expect.soft(page.getByRole('main').getByRole('heading', { name: 'No conversation open' })).toBeVisible();
    },
  },
  {
    name: 'new group',
    async open(world) {
      const [{ page }, { alice }] = await Promise.all([world.newcomer(), world.chat()]);
      await closeDialogs(page);
      await page.getByRole('button', { name: 'New group' }).click();
      const dialog = page.getByRole('dialog', { name: 'New group' });
      await dialog.getByLabel('Group name').fill('Book club');
      await dialog.getByLabel('Find people to add').fill(alice.username);
      await dialog.getByRole('button', { name: `Add ${alice.username}` }).click();
      await dialog.getByRole('button', { name: 'Create' }).focus();
      return page;
    },
    async layout(page) {
      await buttonsWhole(page, 'New group');
    },
  },
  {
    name: 'direct conversation',
    async open(world) {
      const { alice, bob } = await world.chat();
      await closeDialogs(alice.page);
      await openConversation(alice, bob.username);
      await expect(verified(alice.page, 'and the report')).toBeVisible();
      await expect(alice.page.locator('.file-card')).toContainText('report.pdf');
      return alice.page;
    },
  },
  {
    name: 'direct conversation, received side',
    async open(world) {
      const { alice, bob } = await world.chat();
      await closeDialogs(bob.page);
      await openConversation(bob, alice.username);
      await expect(verified(bob.page, 'and the report')).toBeVisible();
      return bob.page;
    },
  },
  {
    name: 'a reply to a deleted message',
    async open(world) {
      const { alice, carol } = await world.chat();
      await closeDialogs(carol.page);
      await openConversation(carol, alice.username);
      await expect(row(carol.page, 'What is up?')).toContainText('This message was deleted');
      return carol.page;
    },
  },
  {
    name: 'contact details',
    async open(world) {
      const { alice, bob } = await world.chat();
      await closeDialogs(alice.page);
      await openConversation(alice, bob.username);
      await alice.page.getByRole('button', { name: 'Contact details and key fingerprint' }).click();
      await expect(alice.page.getByRole('dialog', { name: 'Contact details' }).getByText(`${bob.username}’s key fingerprint`)).toBeVisible();
      return alice.page;
    },
    async layout(page) {
      await buttonsWhole(page, 'Contact details');
    },
  },
  {
    name: 'group conversation',
    async open(world) {
      const { alice } = await world.chat();
      await closeDialogs(alice.page);
      await openGroup(alice);
      await expect(verified(alice.page, 'I will bring dessert')).toBeVisible();
      return alice.page;
    },
  },
  {
    name: 'group details',
    async open(world) {
      const { alice } = await world.chat();
      await closeDialogs(alice.page);
      await openGroup(alice);
      await alice.page.getByRole('button', { name: 'Group details' }).click();
      await expect(alice.page.getByRole('dialog', { name: 'Group details' })).toBeVisible();
      return alice.page;
    },
    async layout(page) {
      await buttonsWhole(page, 'Group details');
    },
  },
  {
    name: 'settings',
    async open(world) {
      const { alice } = await world.chat();
      await openSettings(alice.page);
      return alice.page;
    },
    async layout(page, { size }) {
      const dialog = page.getByRole('dialog', { name: 'Settings' });
      if (size.name === 'laptop') await buttonsWhole(page, 'Settings');
      if (size.name === 'phone') {
        const tops = await Promise.all(['System', 'Light', 'Dark'].map(async (name) => (await dialog.getByLabel(name, { exact: true }).boundingBox())!.y));
        expect.soft(new Set(tops.map(Math.round)).size, `the theme choices sit on one line (tops ${tops.join(', ')})`).toBe(1);
      }
      // The change-password form: the same space between its three fields, the empty strength meter adding none.
      const inputs = ['Current password', 'New password', 'Repeat new password'].map((name) => dialog.getByLabel(name, { exact: true }));
      const boxes = await Promise.all(inputs.map(async (input) => (await input.boundingBox())!));
      const steps = boxes.slice(1).map((box, i) => Math.round(box.y - boxes[i]!.y));
      expect.soft(steps[0], `the steps between the password fields are even (${steps.join(', ')} px)`).toBe(steps[1]);
    },
  },
  {
    name: 'settings, delete account',
    async open(world) {
      const { alice } = await world.chat();
      const dialog = await openSettings(alice.page);
      await dialog.getByRole('button', { name: 'Delete account…' }).click();
      await dialog.getByLabel('Your password').last().fill(PASSWORD);
      return alice.page;
    },
    async layout(page, { size }) {
      if (size.name === 'laptop') await buttonsWhole(page, 'Settings');
    },
  },
  {
    name: 'settings, sign out everywhere',
    async open(world) {
      const { alice } = await world.chat();
      const dialog = await openSettings(alice.page);
      await dialog.getByRole('button', { name: 'Sign out everywhere…' }).click();
      await expect(dialog.getByRole('group', { name: 'Sign out everywhere' })).toBeVisible();
      return alice.page;
    },
  },
  {
    name: 'offline',
    async open(world) {
      const { page, peer, cut } = await world.cutOff();
      await cut();
      await expect(page.getByRole('region', { name: 'Connection' })).toContainText('You are offline.', { timeout: 60_000 });
      await page.getByLabel(`Message to ${peer}`).fill('written while offline');
      await page.getByLabel(`Message to ${peer}`).press('Enter');
      await expect(row(page, 'written while offline').getByText('Waiting for connection')).toBeVisible({ timeout: 30_000 });
      return page;
    },
    async layout(page) {
      await expect.soft(page.getByRole('region', { name: 'Connection' }).getByRole('button', { name: 'Retry now' })).toBeInViewport({ ratio: 1, timeout: 5_000 });
    },
  },
  {
    // On a phone with no conversation open, the banner stays on screen under the list.
    name: 'offline, no conversation open',
    async open(world) {
      const { page, cut } = await world.cutOff();
      await cut();
      await page.setViewportSize({ width: SIZES[1].width, height: SIZES[1].height });
      await page.getByRole('button', { name: 'Back to conversations' }).click();
      await expect(page.getByRole('navigation', { name: 'Contacts' })).toBeVisible();
      return page;
    },
    async layout(page) {
      await expect.soft(page.getByRole('region', { name: 'Connection' }).getByRole('button', { name: 'Retry now' })).toBeInViewport({ ratio: 1, timeout: 5_000 });
    },
  },
  {
    // Last: carol's key swapped on the server stays swapped (and the key log's alarm with it).
    name: 'key changed',
    async open(world) {
      const { alice, carol } = await world.chat();
      const vectors = JSON.parse(readFileSync(path.join(REPO_ROOT, 'core/test-fixtures/test-vectors.json'), 'utf8')) as {
        accounts: { bob: { publicKey: string } };
      };
      await withServerDatabase(async (db) => {
        expect(await db.run('UPDATE users SET public_key = ? WHERE username = ?', vectors.accounts.bob.publicKey, carol.username)).toBe(1);
      });
      await login(alice);
      await expect(alice.page.getByRole('button', { name: 'Settings' })).toBeVisible({ timeout: 60_000 });
      await openConversation(alice, carol.username);
      await expect(alice.page.getByRole('alert').filter({ hasText: `${carol.username}’s key fingerprint has changed` })).toBeVisible();
      return alice.page;
    },
    async layout(page) {
      await expect.soft(page.getByRole('button', { name: 'Review key' })).toBeInViewport({ ratio: 1, timeout: 5_000 });
    },
  },
];

async function settle(page: Page): Promise<void> {
  await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
}

async function axeViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  return violations.flatMap((v) =>
    v.nodes.map((node) => `${v.id} (${v.impact ?? 'no impact'}): ${v.help}\n      at ${node.target.join(' ')}\n      ${(node.failureSummary ?? '').replaceAll('\n', '\n      ')}`),
  );
}

/**
 * Tabs through the page (at most `limit` stops) and names each focused element whose outline reaches past a
 * box that clips it (an ancestor with overflow other than visible, or the viewport).
 */
async function clippedFocusRings(page: Page, limit = 40): Promise<string[]> {
  const found = new Set<string>();
  let first: string | null = null;
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const seen = await page.evaluate(() => {
      const el = document.activeElement;
      if (!(el instanceof HTMLElement) || el === document.body) return null;
      const name = `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : ''} “${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 40)}”`;
      const style = getComputedStyle(el);
      const width = parseFloat(style.outlineWidth);
      if (style.outlineStyle === 'none' || !(width > 0)) return { name, clipped: null };
      const reach = Math.max(0, parseFloat(style.outlineOffset) + width);
      const r = el.getBoundingClientRect();
      const ring = { left: r.left - reach, top: r.top - reach, right: r.right + reach, bottom: r.bottom + reach };
      const boxes: { by: string; left: number; top: number; right: number; bottom: number; x: boolean; y: boolean }[] = [
        { by: 'the window', left: 0, top: 0, right: window.innerWidth, bottom: window.innerHeight, x: true, y: true },
      ];
      for (let a = el.parentElement; a && a !== document.documentElement; a = a.parentElement) {
        const s = getComputedStyle(a);
        const x = s.overflowX !== 'visible';
        const y = s.overflowY !== 'visible';
        if (!x && !y) continue;
        const b = a.getBoundingClientRect();
        const left = b.left + a.clientLeft;
        const top = b.top + a.clientTop;
        boxes.push({ by: `${a.tagName.toLowerCase()}.${[...a.classList].join('.')}`, left, top, right: left + a.clientWidth, bottom: top + a.clientHeight, x, y });
      }
      const slack = 0.5;
      for (const box of boxes) {
        const outX = box.x && (ring.left < box.left - slack || ring.right > box.right + slack);
        const outY = box.y && (ring.top < box.top - slack || ring.bottom > box.bottom + slack);
        if (outX || outY) return { name, clipped: box.by };
      }
      return { name, clipped: null };
    });
    if (!seen) continue;
    if (seen.name === first) break;
    first ??= seen.name;
    if (seen.clipped) found.add(`${seen.name} clipped by ${seen.clipped}`);
  }
  return [...found];
}

test('every screen, light and dark, laptop and phone: no axe violations at WCAG 2.2 AA and best practice', async ({ browser }) => {
  test.setTimeout(900_000);
  const world = new World(browser);
  try {
    for (const screen of SCREENS) {
      await test.step(screen.name, async () => {
        // Every screen is reached on a laptop: on a phone the list and the conversation show one at a time.
        for (const p of await world.pages()) await p.setViewportSize({ width: SIZES[0].width, height: SIZES[0].height });
        const page = await screen.open(world);
        for (const size of SIZES) {
          for (const theme of THEMES) {
            const variant = `${screen.name}, ${theme}, ${size.width}×${size.height}`;
            await page.setViewportSize({ width: size.width, height: size.height });
            await page.emulateMedia({ colorScheme: theme });
            await settle(page);
            expect.soft(await page.locator('html').getAttribute('data-theme'), `${variant}: the theme is "System"`).toBe('system');
            const violations = await axeViolations(page);
            expect.soft(violations.length, `${variant}: axe found\n    ${violations.join('\n    ')}\n`).toBe(0);
            expect.soft(await page.getByRole('main').count(), `${variant}: one main landmark`).toBe(1);
            expect.soft(await page.getByRole('heading', { level: 1 }).count(), `${variant}: one h1`).toBe(1);
            await test.step(`${variant}: layout`, async () => {
              await screen.layout?.(page, { theme, size });
            });
            const clipped = await clippedFocusRings(page);
            expect.soft(clipped.length, `${variant}: focus rings clipped:\n    ${clipped.join('\n    ')}\n`).toBe(0);
          }
        }
      });
    }
    expect(world.problems().filter((p) => !/ERR_CONNECTION_REFUSED|Failed to load resource/.test(p))).toEqual([]);
  } finally {
    await world.close();
  }
});
