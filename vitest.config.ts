import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';
import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['core/**/*.test.ts', 'node/**/*.test.ts', 'server/**/*.test.ts', 'cli/**/*.test.ts', 'electron/**/*.test.ts', 'test/**/*.test.ts'],
          // The 60 s failure soaks run on their own: test/soak/vitest.config.ts (`npm run test:soak`).
          exclude: [...configDefaults.exclude, 'test/soak/**'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        plugins: [svelte(), svelteTesting()],
        define: { __DESKTOP__: 'false' },
        test: {
          name: 'renderer',
          environment: 'jsdom',
          include: ['renderer/**/*.test.ts'],
          setupFiles: ['renderer/test/setup.ts'],
          // Typing whole forms with user-event (and the password-strength check) outlasts 5 s on a busy CI machine.
          testTimeout: 30_000,
        },
      },
    ],
  },
});
