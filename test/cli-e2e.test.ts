// The terminal client end to end: the real CLI (cli/main.ts) against the real server, each in its own process.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { runCli } from '../cli/run-cli.js';
import { until } from '../core/test-fixtures/waiting.js';
import { cliRunner, type CliResult } from './support/cli-process.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';

const ROOT = resolve(import.meta.dirname, '..');
let server: ServerProcess;
let home: string;

type Result = CliResult;
const { running, cli } = cliRunner(() => ({ home, serverUrl: server.url }));

function expectOneLineError(result: Result): void {
  const lines = result.stderr.trim().split('\n');
  expect(lines.at(-1)).toMatch(/^encrypted-chat: /);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'ec-cli-'));
  server = await startServerProcess();
});

afterAll(async () => {
  await server?.stop();
});

describe('encrypted-chat (terminal client) against the real server', () => {
  const alicePw = 'alice password 1';
  const bobPw = 'bob password 22';

  it('prints help for the program and every command', async () => {
    const program = await cli('alice', ['--help']);
    expect(program.code).toBe(0);
    for (const command of ['register', 'login', 'users', 'send', 'messages', 'watch', 'fingerprint', 'trust', 'disown', 'block', 'unblock', 'passwd', 'logout']) {
      expect(program.stdout).toContain(command);
      const out = new PassThrough();
      let text = '';
      out.setEncoding('utf8').on('data', (c: string) => (text += c));
      const code = await runCli([command, '--help'], { env: {}, stdin: process.stdin, stdout: out as never, stderr: out as never });
      expect([command, code]).toEqual([command, 0]);
      expect(text).toContain(`Usage: encrypted-chat ${command}`);
    }
  });

  it('registers two users, who exchange messages both ways and read their own sent ones', async () => {
    const a = await cli('alice', ['register'], { password: alicePw });
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/Your key fingerprint: ([0-9a-f]{4} ){15}[0-9a-f]{4}/);
    expect(a.stderr).toContain('Making your encryption key');
    const b = await cli('Bob', ['register'], { password: bobPw });
    expect(b.code).toBe(0);

    const fingerprint = await cli('alice', ['fingerprint'], { password: alicePw });
    expect(a.stdout).toContain(fingerprint.stdout.trim().split(': ')[1]);

    expect((await cli('alice', ['users'], { password: alicePw })).stdout.split('\n')).toEqual(expect.arrayContaining(['alice', 'bob']));
    expect((await cli('alice', ['send', 'bob', 'Hi Bob, ✓ from alice'], { password: alicePw })).code).toBe(0);
    const fromStdin = await cli('bob', ['send', 'ALICE'], { password: bobPw, input: 'Hi Alice\nsecond line\n' });
    expect(fromStdin.code).toBe(0);

    const bobView = await cli('bob', ['messages', '--json'], { password: bobPw });
    expect(bobView.code).toBe(0);
    const list = JSON.parse(bobView.stdout) as Array<Record<string, unknown>>;
    expect(list.map((m) => [m.sender, m.recipient, m.text, m.status, m.reason])).toEqual([
      ['alice', 'bob', 'Hi Bob, ✓ from alice', 'verified', null],
      ['bob', 'alice', 'Hi Alice\nsecond line', 'verified', null],
    ]);
    const fields = ['conversation', 'deleted', 'edited', 'group', 'id', 'kind', 'reactions', 'reason', 'recipient', 'replyTo', 'sender', 'senderClock', 'status', 'text', 'timestamp', 'warning'];
    for (const m of list) expect(Object.keys(m).sort()).toEqual(fields);

    const aliceView = await cli('alice', ['messages', '--peer', 'bob'], { password: alicePw });
    expect(aliceView.stdout).toContain('alice → bob: Hi Bob, ✓ from alice');
    expect(aliceView.stdout).toContain('bob → alice: Hi Alice');
  });

  it('changes a password and still reads the old messages with the new one', async () => {
    const change = await cli('alice', ['passwd'], { password: alicePw, env: { ENCRYPTED_CHAT_NEW_PASSWORD: 'alice password 2' } });
    expect(change.code).toBe(0);
    const old = await cli('alice', ['messages'], { password: alicePw });
    expect(old.code).toBe(3);
    expect(old.stderr).toContain('Wrong username or password.');
    expectOneLineError(old);
    const passwordFile = join(home, 'alice-password');
    writeFileSync(passwordFile, 'alice password 2\n', { mode: 0o600 });
    const after = await cli('alice', ['messages', '--json', '--password-file', passwordFile]);
    expect(after.code).toBe(0);
    expect((JSON.parse(after.stdout) as Array<{ text: string; status: string }>).map((m) => [m.text, m.status])).toEqual([
      ['Hi Bob, ✓ from alice', 'verified'],
      ['Hi Alice\nsecond line', 'verified'],
    ]);
  });

  it('watch prints a message sent while it runs', async () => {
    const watcher = running('bob', ['watch'], { password: bobPw });
    await until(() => watcher.stderr.includes('Watching for messages as bob'), () => `the watch to start; output so far:\n${watcher.stderr}`, 30_000);
    const sent = await cli('alice', ['send', 'bob', 'live while watching'], { password: 'alice password 2' });
    expect(sent.code).toBe(0);
    await until(() => watcher.stdout.includes('alice → bob: live while watching'), () => `the live message; output so far:\n${watcher.stdout + watcher.stderr}`, 30_000);
    const signalled = Date.now();
    watcher.child.kill('SIGINT');
    expect(await watcher.exited).toBe(130);
    expect(Date.now() - signalled).toBeLessThan(1_500);
  });

  it('watch stops on SIGTERM with 143', async () => {
    const watcher = running('bob', ['watch'], { password: bobPw });
    await until(() => watcher.stderr.includes('Watching for messages as bob'), () => `the watch to start; output so far:\n${watcher.stderr}`, 30_000);
    watcher.child.kill('SIGTERM');
    expect(await watcher.exited).toBe(143);
    expect(watcher.stderr).not.toContain('Connection lost');
  });

  it('blocks and unblocks a contact, and disowns earlier keys', async () => {
    const alice2 = 'alice password 2';
    const blocked = await cli('bob', ['block', 'Alice'], { password: bobPw });
    expect(blocked.code).toBe(0);
    expect(blocked.stdout).toContain('Blocked alice: the server now refuses their messages to you.');
    const refused = await cli('alice', ['send', 'bob', 'while blocked'], { password: alice2 });
    expect(refused.code).not.toBe(0);
    expectOneLineError(refused);
    const shown = await cli('bob', ['fingerprint', 'alice'], { password: bobPw });
    expect(shown.stdout).toContain('alice is blocked');
    const unblocked = await cli('bob', ['unblock', 'alice'], { password: bobPw });
    expect(unblocked.code).toBe(0);
    expect(unblocked.stdout).toContain('Unblocked alice: their messages reach you again.');
    expect((await cli('alice', ['send', 'bob', 'after unblock'], { password: alice2 })).code).toBe(0);
    const self = await cli('bob', ['block', 'bob'], { password: bobPw });
    expect(self.code).toBe(1);
    expect(self.stderr).toContain('You cannot block yourself.');
    const disown = await cli('bob', ['disown', 'alice'], { password: bobPw });
    expect(disown.code).toBe(0);
    expect(disown.stdout).toContain('alice has no earlier keys on this device: nothing to disown.');
  });

  it('bin/encrypted-chat.js says how to build when dist/ is missing', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'ec-bin-'));
    mkdirSync(join(copy, 'bin'));
    copyFileSync(join(ROOT, 'bin/encrypted-chat.js'), join(copy, 'bin/encrypted-chat.js'));
    const result = await new Promise<Result>((done) => {
      const child = spawn(process.execPath, [join(copy, 'bin/encrypted-chat.js'), '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
      child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
      child.on('close', (code) => done({ code, stdout, stderr }));
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('npm run build');
  });

  it('fails with one line and a distinct exit code', async () => {
    const usage = await cli('alice', ['send']);
    expect(usage.code).toBe(2);
    expectOneLineError(usage);
    const insecure = await cli('alice', ['users'], { env: { ENCRYPTED_CHAT_SERVER: 'http://chat.example.org' } });
    expect(insecure.code).toBe(4);
    expect(insecure.stderr).toContain('Plain http:// is allowed only to this computer');
    const down = await cli('alice', ['users'], { env: { ENCRYPTED_CHAT_SERVER: 'http://127.0.0.1:9' } });
    expect(down.code).toBe(4);
    expect(down.stderr).toContain('Cannot reach the server');
    const noPassword = await cli('alice', ['messages']);
    expect(noPassword.code).toBe(1);
    expect(noPassword.stderr).toContain('ENCRYPTED_CHAT_PASSWORD');
    const nobody = await cli('alice', ['send', 'nobody_here', 'hello'], { password: 'alice password 2' });
    expect(nobody.code).toBe(2);
    expect(nobody.stderr).toContain('There is no user named nobody_here on ');
    expectOneLineError(nobody);
  });
});
