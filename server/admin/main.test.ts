// The entry point as a process (node --import tsx server/admin/main.ts, what bin/encrypted-chat-admin.js runs
// once compiled): help and exit statuses, DATABASE_URL from the environment as the server reads it, the
// server's default path relative to the working directory, and that the process ends by itself when done.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPostgresUrl } from '../../test/support/database.js';
import { register, startTestServer } from '../testing/harness.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** tsx by its own path, so that the tool also starts from a working directory outside the project. */
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

function runTool(args: string[], env: Record<string, string | undefined>, cwd = ROOT): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', TSX, path.join(ROOT, 'server/admin/main.ts'), ...args], {
    cwd,
    env: { ...process.env, DATABASE_URL: undefined, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer();
  await register(server.url, 'main_ivy');
});
afterAll(() => server.close());

describe('encrypted-chat-admin as a process', () => {
  it('prints its help with exit 0, and a usage error with exit 2', async () => {
    const help = await runTool(['--help'], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: encrypted-chat-admin \[--database URL\] <command>/);
    for (const command of ['users list', 'users disable', 'users enable', 'users delete', 'sessions revoke', 'invites create', 'invites list', 'invites revoke', 'stats', 'purge', 'backup']) {
      expect(help.stdout).toMatch(new RegExp(`\\n  ${command} +\\S`));
    }
    const commandHelp = await runTool(['invites', 'create', '-h'], {});
    expect(commandHelp).toMatchObject({ code: 0, stderr: '' });
    expect(commandHelp.stdout).toMatch(/^usage: encrypted-chat-admin invites create \[--expires DURATION\] \[--count N\] \[--database URL\]\n/);
    const none = await runTool([], {});
    expect(none).toMatchObject({ code: 2, stdout: '', stderr: 'encrypted-chat-admin: no command given\nsee encrypted-chat-admin --help\n' });
    expect((await runTool(['reboot'], {})).code).toBe(2);
  });

  it('works on DATABASE_URL from the environment, and ends by itself', async () => {
    const list = await runTool(['users', 'list'], { DATABASE_URL: server.config.databaseUrl });
    expect(list.stderr).toBe('');
    expect(list.code).toBe(0);
    expect(list.stdout.split('\n')[1]).toMatch(/^main_ivy  /);
    const unknown = await runTool(['users', 'disable', 'nobody_here'], { DATABASE_URL: server.config.databaseUrl });
    expect(unknown).toMatchObject({ code: 1, stdout: '', stderr: 'encrypted-chat-admin: there is no user nobody_here\n' });
    const bad = await runTool(['stats'], { DATABASE_URL: 'mysql://localhost/chat' });
    expect(bad).toMatchObject({ code: 1, stderr: 'encrypted-chat-admin: DATABASE_URL must start with sqlite: or postgres://\n' });
  });

  it.skipIf(isPostgresUrl(process.env.TEST_DATABASE_URL))(
    "without DATABASE_URL looks for the server's default file, relative to the working directory, and creates none",
    async () => {
      const folder = mkdtempSync(path.join(os.tmpdir(), 'chat-admin-cwd-'));
      const run = await runTool(['stats'], {}, folder);
      const expected = path.join(folder, 'data', 'chat.sqlite');
      expect(run).toMatchObject({ code: 1, stderr: `encrypted-chat-admin: there is no database at ${expected}: set DATABASE_URL as for the server, or pass --database\n` });
      expect(existsSync(path.join(folder, 'data'))).toBe(false);
    },
  );
});
