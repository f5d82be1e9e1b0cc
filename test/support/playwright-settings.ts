// What the two Playwright configs (web e2e, desktop) and the UI benchmark share: Debian's Chromium, and
// how the browser tests run on a slow 2-core machine.
import type { PlaywrightTestConfig } from '@playwright/test';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * One test at a time, never retried, with room for the slow steps (registration makes an RSA-4096 key in
 * the page and stretches the password; the desktop suite also builds the app first); evidence on failure.
 */
export const SERIAL_RUN: PlaywrightTestConfig = {
  timeout: 240_000,
  expect: { timeout: 45_000 },
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
};
export const ON_FAILURE = { screenshot: 'only-on-failure', trace: 'retain-on-failure', actionTimeout: 30_000 } as const satisfies PlaywrightTestConfig['use'];
