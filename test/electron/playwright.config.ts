// The desktop app, end to end:
//   app.spec.ts — Playwright drives the real Electron app; where the Electron binary is not installed it
//     skips with the reason, never fails for that.
//   desktop-window.spec.ts — the desktop build of the window, the real preload bundle and the real
//     main-process core, in Debian's Chromium (runs wherever Chromium is installed).
import { defineConfig } from '@playwright/test';
import { ON_FAILURE, SERIAL_RUN } from '../support/playwright-settings.js';

export default defineConfig({
  testDir: '.',
  testMatch: ['app.spec.ts', 'desktop-window.spec.ts'],
  outputDir: '../../test-results/electron',
  ...SERIAL_RUN,
  use: ON_FAILURE,
});
