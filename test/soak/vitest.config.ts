// The failure soaks (test/soak), 60 s each and heavy, kept out of the default `vitest run`: `npm run test:soak`
// runs them under scripts/ci/with-postgres.sh, and scripts/test.sh does when CI=true.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..'),
  test: {
    name: 'soak',
    environment: 'node',
    include: ['test/soak/**/*.test.ts'],
    // One at a time: each wants the machine's cores to itself for its figures.
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 120_000,
  },
});
