// End-to-end tests of the web client in Debian's Chromium against a real server process (test/e2e).
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH, ON_FAILURE, SERIAL_RUN } from './test/support/playwright-settings.js';

export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '**/*.spec.ts',
  globalSetup: './test/e2e/global-setup.ts',
  outputDir: 'test-results/e2e',
  ...SERIAL_RUN,
  use: {
    browserName: 'chromium',
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
    viewport: { width: 1200, height: 780 },
    ...ON_FAILURE,
  },
});
