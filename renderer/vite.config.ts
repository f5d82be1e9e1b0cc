// Two builds of one window: `--mode web` → dist/web (served by the server at /), `--mode desktop` →
// dist/desktop-renderer (loaded by Electron). Output is CSP-clean: no inline scripts or styles.
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

export default defineConfig(({ mode }) => {
  // Any mode but "desktop" is the web build (also Vite's own "development" for the dev server).
  const desktop = mode === 'desktop';
  return {
    root: fileURLToPath(new URL('.', import.meta.url)),
    // Relative asset URLs work both at the server's / and under Electron's app:// scheme.
    base: './',
    plugins: [svelte()],
    define: { __DESKTOP__: JSON.stringify(desktop) },
    build: {
      outDir: fileURLToPath(new URL(desktop ? '../dist/desktop-renderer' : '../dist/web', import.meta.url)),
      emptyOutDir: true,
      cssCodeSplit: true,
      // The polyfill would be an inline script; every supported browser has modulepreload.
      modulePreload: { polyfill: false },
      target: 'es2022',
      sourcemap: false,
      chunkSizeWarningLimit: 4096,
    },
  };
});
