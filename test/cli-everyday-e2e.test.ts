// The terminal client's first hour, end to end (issue 14): the real CLI (cli/main.ts) against the real server,
// each in its own process — the window's password rule, what is checked before a password is asked, --version,
// one time format, and watch across a stopped and started server (its lines, the missed messages counted, Ctrl-C).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../core/test-fixtures/waiting.js';
import { cliRunner } from './support/cli-process.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';

let server: ServerProcess;
let home: string;
let serverUrl: string;
const { running, cli } = cliRunner(() => ({ home, serverUrl }));

const ALICE = 'alice password 1';
const BOB = 'bob password 22';
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

/** No password anywhere, and standard input is no terminal: a command that asked for one would fail saying so. */
const NO_PASSWORD = { env: { ENCRYPTED_CHAT_PASSWORD: '' } };

/** `iso` as the CLI prints times in `zone`: 2026-11-25 17:30 (Swedish dates are ISO-shaped). */
function local(iso: string, zone: string): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    .format(new Date(iso));
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'ec-cli-everyday-'));
  server = await startServerProcess();
  serverUrl = server.url;
});

afterAll(async () => {
  await server?.stop();
});

describe('the terminal client in its first hour, against the real server', { timeout: 240_000 }, () => {
  it('refuses "password" for a new account with the reason in words, before any key is made', async () => {
    const weak = await cli('alice', ['register'], { password: 'password' });
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain('encrypted-chat: This password is too weak (very weak, strength 0 of 4). This is a heavily used password.');
    expect(weak.stderr).toContain('Anyone who copies the server’s database could try guesses offline');
    expect(weak.stderr).not.toContain('Making your encryption key');
    expect((await cli('alice', ['register'], { password: ALICE })).code).toBe(0);
    expect((await cli('bob', ['register'], { password: BOB })).code).toBe(0);
    // The account was not made with the weak one.
    expect((await cli('alice', ['login'], { password: 'password' })).code).toBe(3);
  });

  it('passwd refuses a weak new password, and the old one still works', async () => {
    const weak = await cli('alice', ['passwd'], { password: ALICE, env: { ENCRYPTED_CHAT_NEW_PASSWORD: 'password' } });
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain('This password is too weak');
    expect((await cli('alice', ['login'], { password: ALICE })).code).toBe(0);
  });

  it('prints its version', async () => {
    expect(await cli('alice', ['--version'])).toEqual({ code: 0, stdout: `encrypted-chat ${version}\n`, stderr: '' });
  });

  it('says what is wrong before asking for a password: an unknown recipient, an empty message, a bad server address', async () => {
    const nobody = await cli('alice', ['send', 'nobody_here', 'hello'], NO_PASSWORD);
    expect(nobody.code).toBe(2);
    expect(nobody.stderr).toBe(`encrypted-chat: There is no user named nobody_here on ${serverUrl} (nothing was sent; "encrypted-chat users" lists who is there).\n`);
    const empty = await cli('alice', ['send', 'bob'], { ...NO_PASSWORD, input: '\n' });
    expect(empty).toMatchObject({ code: 2, stderr: 'encrypted-chat: the message on standard input: is empty\n' });
    const badUrl = await cli('alice', ['messages'], { env: { ENCRYPTED_CHAT_PASSWORD: '', ENCRYPTED_CHAT_SERVER: 'chat.example.org' } });
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toMatch(/^encrypted-chat: ENCRYPTED_CHAT_SERVER: "chat.example.org" is not a server address/);
  });

  it('prints times one way, local and to the minute, in send and messages; --json keeps ISO 8601', async () => {
    const zone = { TZ: 'Asia/Kolkata' };
    const sent = await cli('alice', ['send', 'bob', 'what time is it?'], { password: ALICE, env: zone });
    expect(sent.code).toBe(0);
    const [json] = JSON.parse((await cli('bob', ['messages', '--json'], { password: BOB })).stdout) as Array<{ timestamp: string; text: string }>;
    expect(json!.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const shown = local(json!.timestamp, zone.TZ);
    expect(shown).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d$/);
    expect(sent.stdout).toMatch(new RegExp(`^Sent to bob at ${shown} \\(id `));
    const listed = await cli('bob', ['messages'], { password: BOB, env: zone });
    expect(listed.stdout).toBe(`[${shown}] alice → bob: what time is it?\n`);
  });

  it('watch says once that the connection is lost, once that it is back with the missed messages counted, and stops on Ctrl-C with 130', async () => {
    const watcher = running('bob', ['watch'], { password: BOB });
    const output = () => `output so far:\n${watcher.stdout}${watcher.stderr}`;
    await until(() => watcher.stderr.includes('Watching for messages as bob'), () => `the watch to start; ${output()}`, 60_000);

    // The server stops: the watch says so, once, however often it retries.
    const { databaseUrl } = server;
    const port = new URL(serverUrl).port;
    await server.stop();
    await until(() => watcher.stderr.includes('Connection lost, reconnecting…'), () => `the loss to be reported; ${output()}`, 60_000);

    // Meanwhile two messages reach the database through another instance the watch does not know of.
    const other = await startServerProcess({ databaseUrl });
    try {
      for (const text of ['missed one', 'missed two']) {
        expect((await cli('alice', ['send', 'bob', text], { password: ALICE, env: { ENCRYPTED_CHAT_SERVER: other.url } })).code).toBe(0);
      }
    } finally {
      await other.stop();
    }

    // The server starts again where it was: the catch-up fetches both, and the watch says how many.
    server = await startServerProcess({ databaseUrl, env: { PORT: port } });
    expect(server.url).toBe(serverUrl);
    await until(() => watcher.stderr.includes('Reconnected ('), () => `the reconnection to be reported; ${output()}`, 60_000);
    expect(watcher.stderr).toContain('Reconnected (2 missed messages fetched)');
    await until(() => watcher.stdout.includes('alice → bob: missed two'), () => `the missed messages; ${output()}`, 30_000);
    expect(watcher.stdout).toContain('alice → bob: missed one');

    // A live message after that is printed, and not counted as missed.
    expect((await cli('alice', ['send', 'bob', 'live again'], { password: ALICE })).code).toBe(0);
    await until(() => watcher.stdout.includes('alice → bob: live again'), () => `the live message; ${output()}`, 30_000);
    expect(watcher.stderr.match(/Connection lost/g)).toHaveLength(1);
    expect(watcher.stderr.match(/Reconnected/g)).toHaveLength(1);

    watcher.child.kill('SIGINT');
    expect(await watcher.exited).toBe(130);
  });
});
