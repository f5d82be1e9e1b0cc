// Bench side (Node, run by `npm run bench:peers`): Debian's ejabberd as a peer to load, on loopback with a
// throwaway config and spool of its own (its own HTTP port and Erlang node name, never the system service):
// mod_http_api's `send_message` to a user who is offline, which mod_offline stores in Mnesia.
import { execFile, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { until } from '../../core/test-fixtures/waiting.js';

const run = promisify(execFile);
const CTL = '/usr/sbin/ejabberdctl';
export const EJABBERD_HOST = 'bench.localhost';
const START_TIMEOUT_MS = 60_000;

export interface Ejabberd {
  url: string;
  version: string;
  /** Runs `ejabberdctl <args>` against this node. */
  ctl(...args: string[]): Promise<string>;
  /** What Mnesia says of a table: its storage type (disc_copies, disc_only_copies, ram_copies). */
  storageType(table: string): Promise<string>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Installs Debian's ejabberd when it is missing and this runs as root; answers why not otherwise (one line),
 * or null when ejabberdctl is there. A temporary policy-rc.d keeps apt from starting the system service.
 */
export function ensureEjabberd(): string | null {
  if (existsSync(CTL)) return null;
  if (process.getuid?.() !== 0) return 'ejabberd is not installed and this is not root (apt-get install ejabberd)';
  const policy = '/usr/sbin/policy-rc.d';
  const ownPolicy = !existsSync(policy);
  if (ownPolicy) writeFileSync(policy, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    let result = spawnSync('apt-get', ['install', '-y', '-q', 'ejabberd'], { env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    if (result.status !== 0) {
      spawnSync('apt-get', ['update', '-q'], { env, stdio: 'ignore' });
      result = spawnSync('apt-get', ['install', '-y', '-q', 'ejabberd'], { env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    }
    if (result.status !== 0 || !existsSync(CTL)) return `apt-get install ejabberd failed: ${(result.stderr ?? '').trim().split('\n').pop() ?? ''}`;
    return null;
  } finally {
    if (ownPolicy) unlinkSync(policy);
  }
}

function configYaml(port: number): string {
  // Only what the benchmark uses: the HTTP API on loopback, mod_offline without a quota (a quota would make
  // ejabberd count the queue on every message), the default database (Mnesia).
  return `hosts:
  - ${EJABBERD_HOST}
loglevel: warning
log_rotate_count: 0
listen:
  -
    port: ${port}
    ip: "127.0.0.1"
    module: ejabberd_http
    request_handlers:
      /api: mod_http_api
auth_method: internal
api_permissions:
  "console commands":
    from:
      - ejabberd_ctl
    who: all
    what: "*"
  "benchmark over loopback":
    from:
      - mod_http_api
    who:
      ip: 127.0.0.1/8
    what:
      - send_message
      - get_offline_count
shaper_rules:
  max_user_offline_messages: infinity
modules:
  mod_admin_extra: {}
  mod_http_api: {}
  mod_offline:
    access_max_user_messages: max_user_offline_messages
`;
}

/** Starts a throwaway ejabberd node (its own config, spool, logs and port) and waits until it answers. */
export async function startEjabberd(): Promise<Ejabberd> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'chat-bench-ejabberd-'));
  const port = await freePort();
  for (const sub of ['spool', 'logs']) mkdirSync(path.join(dir, sub));
  writeFileSync(path.join(dir, 'ejabberd.yml'), configYaml(port));
  writeFileSync(path.join(dir, 'ejabberdctl.cfg'), '');
  // Debian's ejabberdctl runs the node as the ejabberd user when called by root: it must own the folder.
  if (process.getuid?.() === 0) {
    const owner = spawnSync('id', ['-u', 'ejabberd'], { encoding: 'utf8' });
    const group = spawnSync('id', ['-g', 'ejabberd'], { encoding: 'utf8' });
    const uid = Number(owner.stdout.trim());
    const gid = Number(group.stdout.trim());
    const chownAll = (p: string) => {
      chownSync(p, uid, gid);
      if (statSync(p).isDirectory()) for (const entry of readdirSync(p)) chownAll(path.join(p, entry));
    };
    chownAll(dir);
  }
  const node = `chatbench${process.pid}@localhost`;
  const base = ['--node', node, '--config', path.join(dir, 'ejabberd.yml'), '--ctl-config', path.join(dir, 'ejabberdctl.cfg'), '--spool', path.join(dir, 'spool'), '--logs', path.join(dir, 'logs')];
  const ctl = async (...args: string[]) => (await run(CTL, [...base, ...args], { cwd: dir, timeout: 120_000 })).stdout;
  let started = false;
  const stop = async () => {
    if (started) await ctl('stop').catch(() => undefined);
    started = false;
    // `stop` returns before the node is gone; give it a moment before its files go.
    await new Promise((r) => setTimeout(r, 2000));
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', () => {
    if (started) spawnSync(CTL, [...base, 'stop'], { stdio: 'ignore', timeout: 20_000 });
    rmSync(dir, { recursive: true, force: true });
  });
  try {
    await ctl('start');
    started = true;
    const deadline = Date.now() + START_TIMEOUT_MS;
    let status = '';
    await until(
      async () => /is running in that node/.test((status = await ctl('status').catch((error: { stdout?: string }) => error.stdout ?? ''))),
      () => `ejabberd to start within ${START_TIMEOUT_MS / 1000} s: ${status.trim()}`,
      START_TIMEOUT_MS,
    );
    const version = /ejabberd (\S+) is running/.exec(status)?.[1] ?? '?';
    const url = `http://127.0.0.1:${port}`;
    // The HTTP listener may come up a moment after the node reports itself started.
    await until(
      () =>
        fetch(`${url}/api/get_offline_count`, { method: 'POST', body: JSON.stringify({ user: 'nobody', host: EJABBERD_HOST }) })
          .then((r) => r.status === 200)
          .catch(() => false),
      `ejabberd's HTTP API on ${url} to answer`,
      Math.max(0, deadline - Date.now()),
    );
    return {
      url,
      version,
      ctl,
      storageType: async (table) => /\{storage_type,(\w+)\}/.exec(await ctl('mnesia_table_info', table))?.[1] ?? 'unknown',
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
