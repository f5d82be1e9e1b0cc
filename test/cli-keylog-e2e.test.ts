// The terminal client and the server's public key log (PROTOCOL.md "Key transparency"), end to end against the
// real server process: audit passes and reports the log's size, fingerprint shows the log's confirmation; then
// through a tampering proxy — a changed entry in GET /keylog/entries makes audit fail naming the fork, and a
// key for bob that is not bob's in GET /users/bob is refused by fingerprint and send, naming the log.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliRunner, type CliResult } from './support/cli-process.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';
import { TamperingProxy } from './support/tampering-proxy.js';

const PASSWORD = { alice: 'alice password 1', bob: 'bob password 12' } as const;
let server: ServerProcess;
let home: string;
/** Where the next command goes: the server itself, or a proxy in front of it. */
let target = '';
const { cli } = cliRunner(() => ({ home, serverUrl: target }));
const as = (user: keyof typeof PASSWORD, args: string[]) => cli(user, args, { password: PASSWORD[user] });
const proxies: TamperingProxy[] = [];

/** Only the process's own lines: a failed expectation shows what the command said. */
const said = (r: CliResult) => ({ code: r.code, stdout: r.stdout, stderr: r.stderr });

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'ec-cli-keylog-'));
  server = await startServerProcess();
  target = server.url;
}, 40_000);
afterAll(async () => {
  await Promise.all(proxies.map((p) => p.stop()));
  await server?.stop();
});

async function proxy(): Promise<TamperingProxy> {
  const p = new TamperingProxy(server.url);
  proxies.push(p);
  target = await p.start();
  return p;
}

describe('encrypted-chat and the key log, against the real server', () => {
  it('audits the log and confirms a contact key; a tampered entry fails the audit; a substituted key is refused', async () => {
    // One after the other: two RSA-4096 key generations at once are slower than in turn on a small machine.
    for (const user of ['alice', 'bob'] as const) expect(said(await as(user, ['register']))).toMatchObject({ code: 0 });

    const audit = await as('alice', ['audit']);
    expect(said(audit)).toMatchObject({ code: 0 });
    expect(audit.stderr).not.toContain('KEY LOG');
    expect(audit.stdout).toContain('  size:     2 entries in the newest signed head\n');
    expect(audit.stdout).toContain('  checked:  2 entries,');
    expect(audit.stdout).toMatch(/  log key: {2}([0-9A-F]{4} ){15}[0-9A-F]{4}\n/i);
    expect(audit.stdout).toContain('The log checks out: 2 entries reproduce the signed root');

    const fingerprint = await as('alice', ['fingerprint', 'bob']);
    expect(said(fingerprint)).toMatchObject({ code: 0 });
    expect(fingerprint.stderr).not.toContain('KEY LOG');
    expect(fingerprint.stdout).toContain("bob: Key confirmed by the server's public key log.\n");

    // A proxy that changes one entry of the log as GET /keylog/entries hands it out: its hash no longer
    // reproduces the root the log key signed.
    const entries = await proxy();
    entries.rewrite = ({ method, path, status, json }) => {
      if (method !== 'GET' || !path.startsWith('/keylog/entries') || status !== 200) return undefined;
      const answer = json as { entries: Array<{ timestamp: string }> };
      const first = answer.entries[0];
      if (first) first.timestamp = new Date(Date.parse(first.timestamp) + 1).toISOString();
      return { status, json: answer };
    };
    const forked = await as('alice', ['audit']);
    expect(said(forked)).toMatchObject({ code: 10 });
    expect(forked.stdout).toContain('The log does NOT check out');
    expect(forked.stdout).toContain('KEY LOG ALARM (fork): The server shows different key histories to different people.');
    expect(forked.stdout).toMatch(/encrypted-chat key-log dismiss fork::\d+/);
    expect(forked.stdout).not.toContain('checks out:');
    expect(entries.count('GET', '/keylog/entries')).toBeGreaterThan(0);
    // Any later command says so on standard error, and a command that otherwise succeeded exits with 10.
    const later = await as('alice', ['fingerprint']);
    expect(said(later)).toMatchObject({ code: 10, stderr: expect.stringContaining('encrypted-chat: KEY LOG ALARM: The server shows different key histories') });
    expect(later.stdout).toMatch(/^alice: /);

    // A proxy that shows alice's key as bob's (with its matching fingerprint, so only the log can tell).
    const users = await proxy();
    const alice = (await (await fetch(`${server.url}/users/alice`)).json()) as { publicKey: string; fingerprint: string };
    users.rewrite = ({ method, path, status, json }) => {
      if (method !== 'GET' || path !== '/users/bob' || status !== 200) return undefined;
      return { status, json: { ...(json as object), publicKey: alice.publicKey, fingerprint: alice.fingerprint } };
    };
    const refused = await as('alice', ['fingerprint', 'bob']);
    expect(said(refused)).toMatchObject({ code: 5 });
    expect(refused.stderr).toContain("encrypted-chat: KEY LOG ALARM: The server's key log does not contain this key for bob.");
    expect(refused.stderr).toContain("encrypted-chat: The server's key log does not contain this key for bob: the log entry it points to holds another name or key.");
    expect(refused.stdout).toBe('');
    const send = await as('alice', ['send', 'bob', 'hello through a lying server']);
    expect(said(send)).toMatchObject({ code: 5, stdout: '' });
    expect(send.stderr).toContain("The server's key log does not contain this key for bob");
    expect(users.count('POST', '/messages')).toBe(0);
  }, 60_000);
});
