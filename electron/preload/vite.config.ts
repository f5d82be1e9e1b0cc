// Build of the preload (`npm run build:preload`): a sandboxed preload cannot load modules from disk, so the
// domain modules are bundled into one CommonJS file; only `electron` stays a require() the sandbox serves.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('../..', import.meta.url));

export default defineConfig({
  root,
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL('../../dist/electron', import.meta.url)),
    emptyOutDir: false,
    target: 'chrome140',
    minify: false,
    sourcemap: false,
    lib: {
      entry: fileURLToPath(new URL('./index.ts', import.meta.url)),
      formats: ['cjs'],
      fileName: () => 'preload.cjs',
    },
    rollupOptions: { external: ['electron'] },
  },
});
