// The desktop app, end to end:
//   app.spec.ts — Playwright drives the real Electron app; where the Electron binary is not installed it
//     skips with the reason, never fails for that.
//   desktop-window.spec.ts — the desktop build of the window, the real preload bundle and the real
//     main-process core, in Debian's Chromium (runs wherever Chromium is installed).
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: '.',
  testMatch: ['app.spec.ts', 'desktop-window.spec.ts'],
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
