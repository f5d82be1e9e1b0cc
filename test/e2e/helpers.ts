// Shared steps of the web-client specs: people register and sign in through the page as a person would.
import { copyFileSync, mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, type Browser, type BrowserContext, type Page } from '@playwright/test';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const PASSWORD = 'orbit velvet canyon marble 42';

export function serverUrl(): string {
  const url = process.env.E2E_SERVER_URL;
  if (!url) throw new Error('E2E_SERVER_URL is not set: run the specs with `npx playwright test` (global setup starts the server)');
  return url;
}

export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(3).toString('hex')}`;
}

export interface Person {
  username: string;
  context: BrowserContext;
  page: Page;
  /** CSP violations and page errors seen so far. */
  problems: string[];
}

/** A browser context for one person (on the server, or on a proxy in front of it), watching for CSP violations and uncaught errors. */
export async function person(browser: Browser, username: string, baseURL = serverUrl()): Promise<Person> {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    const text = message.text();
    if (/Content[- ]Security[- ]Policy|Refused to (apply|execute|load|connect|evaluate)/i.test(text)) problems.push(`console: ${text}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(`Content Security Policy violation: ${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  return { username, context, page, problems };
}

/** Fills the registration form with a strong password and sends it; what follows is the caller's. */
export async function fillRegistration(page: Page, username: string): Promise<void> {
  await page.goto('/');
  await page.getByRole('tab', { name: 'Create account' }).click();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Repeat password').fill(PASSWORD);
  await expect(page.getByText(/Strength: (Strong|Very strong)/)).toBeVisible();
  await page.getByRole('button', { name: 'Create account' }).click();
}

/** Makes a group from the New group dialog and waits for its conversation to open. */
export async function createGroup(p: Person, name: string, members: readonly string[]): Promise<void> {
  await p.page.getByRole('button', { name: 'New group' }).click();
  const dialog = p.page.getByRole('dialog', { name: 'New group' });
  await dialog.getByLabel('Group name').fill(name);
  for (const member of members) {
    await dialog.getByLabel('Find people to add').fill(member);
    await dialog.getByRole('button', { name: `Add ${member}` }).click();
  }
  await dialog.getByRole('button', { name: 'Create' }).click();
  await expect(p.page.getByRole('heading', { name, level: 2 })).toBeVisible();
}

export async function register(p: Person): Promise<void> {
  const { page } = p;
  await fillRegistration(page, p.username);
  // Right after registering, the window offers a recovery code (account.spec.ts takes it).
  await page.getByRole('dialog', { name: 'Set up a recovery code' }).getByRole('button', { name: 'Not now' }).click({ timeout: 120_000 });
  await expect(page.getByRole('button', { name: 'Settings' })).toBeVisible();
}

export async function login(p: Person, password = PASSWORD): Promise<void> {
  const { page } = p;
  await page.goto('/');
  await page.getByLabel('Username').fill(p.username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export async function openConversation(p: Person, peer: string): Promise<void> {
  const { page } = p;
  const existing = page.getByRole('navigation', { name: 'Contacts' }).getByRole('button', { name: new RegExp(`^${peer}\\b`) });
  if (await existing.count()) {
    await existing.click();
  } else {
    await page.getByLabel('Find people by username').fill(peer);
    await page.getByRole('region', { name: 'People found' }).getByRole('button', { name: new RegExp(`^${peer}\\b`) }).click();
  }
  await expect(page.getByRole('heading', { name: peer, level: 2 })).toBeVisible();
}

export async function send(p: Person, peer: string, text: string): Promise<void> {
  const box = p.page.getByLabel(`Message to ${peer}`);
  await box.fill(text);
  await box.press('Enter');
}

/** The screenshots the README and docs show. */
const DOC_SHOTS = new Set([
  'conversation',
  'conversation-dark',
  'message-failed',
  'key-changed-banner',
  'key-changed-review',
  'register-weak-password',
  'sign-in-wrong-password',
  'zoom-200-conversation',
  'group-conversation',
  'group-membership-warning',
  'recovery-code',
  'forgot-password',
  'devices',
  'delete-account',
  'key-log-alarm',
  'attachments',
]);

/** Saves a screenshot under test-results/screenshots; with UPDATE_DOCS_SCREENSHOTS=1, those in DOC_SHOTS also into docs/screenshots. */
export async function shot(page: Page, name: string): Promise<void> {
  const dir = path.join(REPO_ROOT, 'test-results/screenshots');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file });
  if (process.env.UPDATE_DOCS_SCREENSHOTS === '1' && DOC_SHOTS.has(name)) {
    const docs = path.join(REPO_ROOT, 'docs/screenshots');
    mkdirSync(docs, { recursive: true });
    copyFileSync(file, path.join(docs, `${name}.png`));
  }
}

interface SqliteDatabase {
  run(sql: string, params: unknown[], callback: (this: { changes: number }, error: Error | null) => void): void;
  get(sql: string, params: unknown[], callback: (error: Error | null, row: Record<string, unknown> | undefined) => void): void;
  close(callback: (error: Error | null) => void): void;
}

/** Runs SQL against the server's SQLite file, as someone with access to the server's disk could. */
export async function withServerDatabase<T>(run: (db: {
  run(sql: string, ...params: unknown[]): Promise<number>;
  get(sql: string, ...params: unknown[]): Promise<Record<string, unknown> | undefined>;
}) => Promise<T>): Promise<T> {
  const url = process.env.E2E_DATABASE_URL ?? '';
  if (!url.startsWith('sqlite:')) throw new Error(`the e2e server must use SQLite, not ${url}`);
  const sqlite3 = createRequire(import.meta.url)('sqlite3') as { Database: new (file: string, cb: (e: Error | null) => void) => SqliteDatabase };
  const db = await new Promise<SqliteDatabase>((resolve, reject) => {
    const d = new sqlite3.Database(url.slice('sqlite:'.length), (error) => (error ? reject(error) : resolve(d)));
  });
  try {
    return await run({
      run: (sql, ...params) =>
        new Promise((resolve, reject) =>
          db.run(sql, params, function (error) {
            if (error) reject(error);
            else resolve(this.changes);
          }),
        ),
      get: (sql, ...params) => new Promise((resolve, reject) => db.get(sql, params, (error, row) => (error ? reject(error) : resolve(row)))),
    });
  } finally {
    await new Promise<void>((resolve) => db.close(() => resolve()));
  }
}
