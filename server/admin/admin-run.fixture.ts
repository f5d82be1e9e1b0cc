// Test support: runs encrypted-chat-admin in this process, exactly as main.ts does, and keeps what it wrote.
import { runAdmin } from './admin-cli.js';

export interface AdminRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout split into lines, without the last empty one. */
  lines: string[];
}

/** Runs the tool on `databaseUrl` (passed as --database unless `env` names DATABASE_URL itself). */
export async function admin(databaseUrl: string | undefined, argv: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<AdminRun> {
  let stdout = '';
  let stderr = '';
  const args = databaseUrl === undefined ? argv : [...argv, '--database', databaseUrl];
  const code = await runAdmin(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env, cwd: process.cwd() });
  return { code, stdout, stderr, lines: stdout.split('\n').filter((line, i, all) => line !== '' || i < all.length - 1) };
}

/** Runs the tool and fails the test unless it exits 0; returns its stdout lines. */
export async function adminOk(databaseUrl: string, argv: readonly string[]): Promise<string[]> {
  const run = await admin(databaseUrl, argv);
  if (run.code !== 0) throw new Error(`encrypted-chat-admin ${argv.join(' ')} exited ${run.code}: ${run.stderr}`);
  return run.lines;
}
