// Test support: the real terminal client (cli/main.ts) in its own process, one per command, each person with
// their own config folder under `home`, against `serverUrl`.
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliRun {
  password?: string;
  input?: string;
  env?: Record<string, string>;
}

export interface RunningCli {
  child: ChildProcess;
  /** What it printed so far. */
  stdout: string;
  stderr: string;
  /** Its exit code, once its output is all in (null when a signal ended it). */
  exited: Promise<number | null>;
}

export function cliRunner(place: () => { home: string; serverUrl: string }) {
  function start(user: string, args: string[], options: CliRun = {}): ChildProcess {
    const { home, serverUrl } = place();
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'cli/main.ts'), ...args], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: home,
        XDG_CONFIG_HOME: join(home, `config-${user}`),
        ENCRYPTED_CHAT_SERVER: serverUrl,
        ENCRYPTED_CHAT_USER: user,
        ...(options.password === undefined ? {} : { ENCRYPTED_CHAT_PASSWORD: options.password }),
        ...options.env,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdin!.end(options.input ?? '');
    return child;
  }

  /** A command left running (watch, say), its output collected as it comes. */
  function running(user: string, args: string[], options: CliRun = {}): RunningCli {
    const child = start(user, args, options);
    const run: RunningCli = { child, stdout: '', stderr: '', exited: new Promise((done) => child.on('close', (code) => done(code))) };
    child.stdout!.setEncoding('utf8').on('data', (c: string) => (run.stdout += c));
    child.stderr!.setEncoding('utf8').on('data', (c: string) => (run.stderr += c));
    return run;
  }

  async function cli(user: string, args: string[], options: CliRun = {}): Promise<CliResult> {
    const run = running(user, args, options);
    const code = await run.exited;
    return { code, stdout: run.stdout, stderr: run.stderr };
  }

  return { running, cli };
}
