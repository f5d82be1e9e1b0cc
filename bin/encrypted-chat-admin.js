#!/usr/bin/env node
// The operator's admin tool (docs/deploy.md, "The admin tool"). It runs the compiled tool (dist/), which
// `npm install` builds.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/server/admin/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  process.stderr.write(`encrypted-chat-admin is not built yet. Build it with: npm run build  (in ${root})\n`);
  process.exit(1);
}
await import(entry.href);
