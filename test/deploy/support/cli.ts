// Runs the terminal client as a person would: a separate process (`node --import tsx cli/main.ts`), the
// password in ENCRYPTED_CHAT_PASSWORD, one data directory per person.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cliEnv(password: string | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  // Only the test decides: no ENCRYPTED_CHAT_* from the developer's shell.
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('ENCRYPTED_CHAT_')) env[key] = value;
  if (password !== undefined) env.ENCRYPTED_CHAT_PASSWORD = password;
  return env;
}

function spawnCli(args: string[], password?: string): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], {
    cwd: REPO_ROOT,
    env: cliEnv(password),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function runCli(args: string[], password?: string): Promise<CliResult> {
  const child = spawnCli(args, password);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A running `encrypted-chat watch`: its output so far, and a way to wait for a line. */
export class CliWatch {
  stdout = '';
  stderr = '';
  private exitCode: number | null | undefined;
  private readonly child: ChildProcess;
  private waiters: Array<() => void> = [];

  constructor(args: string[], password?: string) {
    this.child = spawnCli(['watch', ...args], password);
    const wake = (): void => {
      const waiters = this.waiters;
      this.waiters = [];
      for (const w of waiters) w();
    };
    this.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      this.stdout += chunk;
      wake();
    });
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
      wake();
    });
    this.child.once('close', (code) => {
      this.exitCode = code;
      wake();
    });
  }

  /** Resolves when `test` holds; rejects if the watch exits first (the test's timeout bounds the wait). */
  async until(test: (w: CliWatch) => boolean, what: string): Promise<void> {
    while (!test(this)) {
      if (this.exitCode !== undefined) {
        throw new Error(`watch exited (${this.exitCode}) while waiting for ${what}; stderr:\n${this.stderr}`);
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Ctrl-C, as a person ends it; resolves with the exit code. */
  async stop(): Promise<number | null> {
    if (this.exitCode === undefined) {
      const closed = new Promise<void>((resolve) => this.child.once('close', () => resolve()));
      this.child.kill('SIGINT');
      await closed;
    }
    return this.exitCode ?? null;
  }
}
