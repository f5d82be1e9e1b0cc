// The desktop app, end to end: Playwright drives the real Electron app (test/electron/app.spec.ts).
// Where the Electron binary is not installed, the spec skips with the reason; it never fails for that.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: '.',
  testMatch: 'app.spec.ts',
  outputDir: '../../test-results/electron',
  // Building the app, then sign-in stretches the password twice: allow for a slow machine.
  timeout: 240_000,
  expect: { timeout: 45_000 },
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  use: { screenshot: 'only-on-failure', trace: 'retain-on-failure', actionTimeout: 30_000 },
});
