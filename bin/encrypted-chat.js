#!/usr/bin/env node
// The terminal client's command. It runs the compiled client (dist/), which `npm install` builds.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  process.stderr.write(`encrypted-chat is not built yet. Build it with: npm run build  (in ${root})\n`);
  process.exit(1);
}
await import(entry.href);
