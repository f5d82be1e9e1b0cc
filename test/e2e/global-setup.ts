// Builds the web client and starts one real server (SQLite in a temporary folder) serving it, for every
// spec. The specs find it through E2E_SERVER_URL and E2E_DATABASE_URL.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServerProcess } from '../support/server-process.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export default async function globalSetup(): Promise<() => Promise<void>> {
  execFileSync('npm', ['run', '--silent', 'build:web'], { cwd: REPO_ROOT, stdio: 'inherit' });
  const server = await startServerProcess({
    env: {
      WEB_ROOT: path.join(REPO_ROOT, 'dist/web'),
      // Each spec registers fresh people from the same address.
      REGISTRATIONS_PER_ADDRESS: '1000',
      LOGIN_FAILURES_PER_ADDRESS: '1000',
    },
  });
  process.env.E2E_SERVER_URL = server.url;
  process.env.E2E_DATABASE_URL = server.databaseUrl;
  return async () => {
    await server.stop();
  };
}
