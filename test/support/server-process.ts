// The one way tests and benchmarks run the real server as a child process (kill -9, restarts, several
// instances over one database, load): the TypeScript source through tsx, or the compiled dist/ as in production.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freshDatabaseUrl } from './database.js';

export interface ServerProcess {
  url: string;
  pid: number;
  databaseUrl: string;
  /** SIGTERM, waits for exit. */
  stop(): Promise<void>;
  /** SIGKILL, waits for exit. */
  kill(): Promise<void>;
}

export interface ServerProcessOptions {
  env?: Record<string, string>;
  /** Default: a fresh database (see database.ts). */
  databaseUrl?: string;
  /** Runs dist/server/main.js with plain node, as `npm start` does (benchmarks measure that); see buildServer. */
  compiled?: boolean;
}

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const COMPILED_ENTRY = path.join(REPO_ROOT, 'dist/server/main.js');
const READY_PATTERN = /^Encrypted Chat server listening on (\S+)$/m;
const START_TIMEOUT_MS = 30_000;

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Compiles the project to dist/ like `npm run build` does (type errors elsewhere do not stop the emit). */
export async function buildServer(): Promise<void> {
  const tsc = path.join(REPO_ROOT, 'node_modules/typescript/bin/tsc');
  await promisify(execFile)(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: REPO_ROOT }).catch(() => undefined);
  if (!existsSync(COMPILED_ENTRY)) throw new Error('the build did not produce dist/server/main.js; run `npx tsc -p tsconfig.build.json` to see why');
}

export async function startServerProcess(options: ServerProcessOptions = {}): Promise<ServerProcess> {
  const databaseUrl = options.databaseUrl ?? (await freshDatabaseUrl());
  const entry = options.compiled ? [COMPILED_ENTRY] : ['--import', 'tsx', 'server/main.ts'];
  const child = spawn(process.execPath, entry, {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'silent',
      ...options.env,
      DATABASE_URL: databaseUrl,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let stdout = '';
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-10_000);
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server did not start within ${START_TIMEOUT_MS / 1000} s; its stderr:\n${stderr}`));
    }, START_TIMEOUT_MS);
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const match = READY_PATTERN.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the server exited before it was ready (code ${code}, signal ${signal}); its stderr:\n${stderr}`));
    });
  });
  const signal = async (name: NodeJS.Signals): Promise<void> => {
    const done = exited(child);
    child.kill(name);
    await done;
  };
  return {
    url,
    pid: child.pid!,
    databaseUrl,
    stop: () => signal('SIGTERM'),
    kill: () => signal('SIGKILL'),
  };
}

/**
 * Two instances over one database, as on two machines behind a load balancer. One after the other, so the
 * second also starts over a database the first already migrated; if the second fails, the first is stopped.
 */
export async function startTwoInstances(databaseUrl: string, env: Record<string, string>): Promise<[ServerProcess, ServerProcess]> {
  const first = await startServerProcess({ databaseUrl, env });
  try {
    return [first, await startServerProcess({ databaseUrl, env })];
  } catch (error) {
    await first.stop();
    throw error;
  }
}
