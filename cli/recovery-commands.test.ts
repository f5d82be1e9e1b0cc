// recovery status|set|remove, recover and delete-account with the fake ChatClient: what each prints, where
// the recovery code comes from and goes to (and nowhere else), the file "recovery set --out" writes, the
// confirmation delete-account needs, and the usage errors (exit 2) before anything runs.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileStore } from '../node/file-store.js';
import { parseCliArgs } from './cli-args.js';
import { CODE, FakeClient, PASSWORD, run, SET_AT, type RunResult } from './fake-client.fixture.js';

const folder = () => mkdtempSync(join(tmpdir(), 'ec-cli-recovery-'));

/** The recovery code (in any of its spellings) appears in none of these. */
function expectNoCode(...results: RunResult[]): void {
  const bare = CODE.replace(/-/g, '');
  for (const r of results) {
    const all = (r.stdout + r.stderr).replace(/[\s-]/g, '').toUpperCase();
    expect(all).not.toContain(bare);
    expect(r.stdout + r.stderr).not.toContain(PASSWORD);
  }
}

const usage = (argv: string[]) => {
  try {
    parseCliArgs(argv);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
};

describe('recovery', () => {
  it('status: none set, then set (when, which device), also as JSON', async () => {
    const fake = new FakeClient();
    const none = await run(['recovery', 'status'], fake);
    expect(none).toMatchObject({ code: 0, stdout: 'No recovery code is set for bob. Make one with: encrypted-chat recovery set\n' });
    fake.recovery = { set: true, setAt: SET_AT, device: 'Desktop, Linux', code: CODE };
    const set = await run(['recovery', 'status'], fake);
    expect(set.stdout).toBe('A recovery code is set for bob: made 2026-11-25 12:00 on Desktop, Linux.\n');
    const json = await run(['recovery', 'status', '--json'], fake);
    expect(JSON.parse(json.stdout)).toEqual({ set: true, setAt: '2026-11-25T12:00:00.000Z', device: 'Desktop, Linux' });
    expect(fake.loggedOut).toBe('this');
    expectNoCode(none, set, json);
  });

  it('set: prints the code once, prominently, with what it is for, that it replaces any other and signs out other devices', async () => {
    const fake = new FakeClient();
    const result = await run(['recovery', 'set'], fake);
    expect(result.code).toBe(0);
    expect(result.stdout.split(CODE)).toHaveLength(2);
    expect(result.stdout).toContain(`\n\n    ${CODE}\n\n`);
    expect(result.stdout).toContain('shown only this once');
    expect(result.stdout).toContain('set a new password if you forget yours ("encrypted-chat recover")');
    expect(result.stdout).toContain('It replaces any earlier recovery code, and every other device of bob was signed out.');
    expect(result.stderr).not.toContain(CODE);
    expect(result.stdout + result.stderr).not.toContain(PASSWORD);
    expect(fake.calls).toEqual(['login', 'createRecoveryCode']);
  });

  it('set with a wrong password exits with 3 and makes no code', async () => {
    const fake = new FakeClient();
    const result = await run(['recovery', 'set'], fake, { env: { ENCRYPTED_CHAT_PASSWORD: 'not it' } });
    expect(result).toMatchObject({ code: 3, stdout: '' });
    expect(fake.recovery.set).toBe(false);
  });

  it('set --out FILE writes the code to a new file of mode 0600 instead, and never overwrites one', async () => {
    const fake = new FakeClient();
    const file = join(folder(), 'code.txt');
    const result = await run(['recovery', 'set', '--out', file], fake);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`written to ${file} (readable only by you); it is not shown here.`);
    expect(result.stdout).toContain('It replaces any earlier recovery code');
    expectNoCode(result);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain(`    ${CODE}\n`);
    expect(text).toContain('Account: bob');
    expect(text).toContain('Server:  http://127.0.0.1:1');
    expect(text).toContain('Made:    2026-11-25');

    // An existing file: refused before the password is asked, nothing changes.
    const again = new FakeClient();
    const refused = await run(['recovery', 'set', '--out', file], again, { env: { ENCRYPTED_CHAT_PASSWORD: undefined } });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(`encrypted-chat: ${file} already exists: recovery set never overwrites a file. Name a new file, or delete that one first.\n`);
    expect(again.calls).toEqual([]);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('set --out: a failure leaves no file; a folder that does not exist changes nothing', async () => {
    const fake = new FakeClient();
    const file = join(folder(), 'code.txt');
    const wrong = await run(['recovery', 'set', '--out', file], fake, { env: { ENCRYPTED_CHAT_PASSWORD: 'not it' } });
    expect(wrong.code).toBe(3);
    expect(() => statSync(file)).toThrow();
    const other = new FakeClient();
    const nowhere = await run(['recovery', 'set', '--out', join(folder(), 'no', 'such', 'code.txt')], other);
    expect(nowhere.code).toBe(1);
    expect(nowhere.stderr).toContain('Cannot create');
    expect(nowhere.stderr).toContain('Nothing was changed.');
    expect(other.calls).toEqual(['login']);
  });

  it('remove: asks the password, removes the code; says when there was none', async () => {
    const fake = new FakeClient();
    const none = await run(['recovery', 'remove'], fake);
    expect(none.stdout).toBe('No recovery code was set for bob: nothing to remove.\n');
    fake.recovery = { set: true, setAt: SET_AT, device: null, code: CODE };
    const removed = await run(['recovery', 'remove'], fake);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain('Recovery code of bob removed');
    expect(fake.recovery.set).toBe(false);
    fake.recovery = { set: true, setAt: SET_AT, device: null, code: CODE };
    expect((await run(['recovery', 'remove'], fake, { env: { ENCRYPTED_CHAT_PASSWORD: 'wrong one' } })).code).toBe(3);
    expect(fake.recovery.set).toBe(true);
  });

  it('checks its arguments, never repeating what follows "recovery" or "recover"', () => {
    expect(parseCliArgs(['recovery', 'set', '--out', 'f.txt'])).toMatchObject({ command: 'recovery', positionals: ['set'], out: 'f.txt' });
    expect(usage(['recovery'])).toBe('"recovery" takes one of: status, set, remove (run "encrypted-chat recovery --help")');
    expect(usage(['recovery', 'stauts'])).toContain('"recovery" takes one of');
    expect(usage(['recovery', CODE])).not.toContain(CODE);
    expect(usage(['recovery', 'set', CODE])).not.toContain(CODE);
    expect(usage(['recover', CODE])).toContain('"recover" takes no arguments');
    expect(usage(['recover', CODE])).not.toContain(CODE);
    expect(usage(['recovery', 'status', '--out', 'f'])).toBe('--out does not apply to "recovery status" (only to "recovery set")');
    expect(usage(['recovery', 'set', '--json'])).toBe('--json does not apply to "recovery set" (only to "recovery status")');
    expect(usage(['recovery', 'set', '--out', ''])).toContain('--out');
    expect(usage(['messages', '--out', 'f'])).toContain('--out does not apply to "messages"');
    expect(usage(['recover', '--code-file', ''])).toContain('--code-file');
    expect(usage(['login', '--code-file', 'f'])).toContain('--code-file does not apply to "login"');
  });

  it('a usage error exits with 2 before signing in', async () => {
    const fake = new FakeClient();
    const result = await run(['recovery', 'set', '--json'], fake);
    expect(result.code).toBe(2);
    expect(fake.calls).toEqual([]);
  });
});

describe('recover', () => {
  const env = (extra: Record<string, string | undefined> = {}) => ({ env: { ENCRYPTED_CHAT_PASSWORD: undefined, ENCRYPTED_CHAT_NEW_PASSWORD: 'new password 2', ...extra } });

  it('sets a new password with the code (from the environment), says it is used up and how to make a new one', async () => {
    const fake = new FakeClient();
    fake.recovery = { set: true, setAt: SET_AT, device: null, code: CODE };
    const result = await run(['recover'], fake, env({ ENCRYPTED_CHAT_RECOVERY_CODE: CODE.toLowerCase().replace(/-/g, ' ') }));
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      'New password set for bob on http://127.0.0.1:1: sign in with it from now on. Every other session of the account has ended.\n' +
        'Your recovery code is used up: it does not work again. Make a new one now with: encrypted-chat recovery set\n',
    );
    expect(fake.loggedOut).toBe('this');
    // The same code a second time: refused as a sign-in failure (3), without repeating it.
    const again = await run(['recover'], fake, env({ ENCRYPTED_CHAT_RECOVERY_CODE: CODE }));
    expect(again.code).toBe(3);
    expect(again.stderr).toContain('That username and recovery code do not match');
    expectNoCode(result, again);
  });

  it('reads the code from --code-file: a bare code, or the file "recovery set --out" wrote', async () => {
    const dir = folder();
    const saved = join(dir, 'saved.txt');
    const fake = new FakeClient();
    expect((await run(['recovery', 'set', '--out', saved], fake)).code).toBe(0);
    const fromSaved = await run(['recover', '--code-file', saved], fake, env());
    expect(fromSaved.code).toBe(0);
    const bare = join(dir, 'bare.txt');
    writeFileSync(bare, `${CODE}\n`);
    fake.recovery = { set: true, setAt: SET_AT, device: null, code: CODE };
    expect((await run(['recover', '--code-file', bare], fake, env())).code).toBe(0);
    const empty = join(dir, 'empty.txt');
    writeFileSync(empty, 'nothing here\n');
    const none = await run(['recover', '--code-file', empty], fake, env());
    expect(none).toMatchObject({ code: 1, stderr: `encrypted-chat: The file ${empty} holds no recovery code (8 groups of 4 letters and digits).\n` });
    const missing = await run(['recover', '--code-file', join(dir, 'nope.txt')], fake, env());
    expect(missing.stderr).toContain('Cannot read the recovery code file');
    expectNoCode(fromSaved, none, missing);
  });

  it('refuses what is not a code without repeating it, and says where a code can come from', async () => {
    const fake = new FakeClient();
    const typo = 'ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-456';
    const bad = await run(['recover'], fake, env({ ENCRYPTED_CHAT_RECOVERY_CODE: typo }));
    expect(bad).toMatchObject({ code: 1, stderr: 'encrypted-chat: That is not a recovery code: it has 8 groups of 4 letters and digits (ABCD-EFGH-…).\n' });
    const none = await run(['recover'], fake, env());
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('No recovery code given: set ENCRYPTED_CHAT_RECOVERY_CODE, use --code-file FILE, or run in a terminal to be asked.');
    const noNew = await run(['recover'], fake, env({ ENCRYPTED_CHAT_RECOVERY_CODE: CODE, ENCRYPTED_CHAT_NEW_PASSWORD: undefined }));
    expect(noNew.stderr).toContain('No new password given: set ENCRYPTED_CHAT_NEW_PASSWORD, use --new-password-file');
    expect(fake.calls).toEqual([]);
  });

  it('asks for the code on a terminal without echoing it', async () => {
    const fake = new FakeClient();
    fake.recovery = { set: true, setAt: SET_AT, device: null, code: CODE };
    const result = await run(['recover'], fake, { ...env(), tty: true, stdin: `${CODE}\r` });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('Recovery code: ');
    expectNoCode(result);
  });
});

describe('delete-account', () => {
  it('without a terminal, needs --yes-delete-my-account with the username (else 2, before the password)', async () => {
    const fake = new FakeClient();
    const bare = await run(['delete-account'], fake, { env: { ENCRYPTED_CHAT_PASSWORD: undefined } });
    expect(bare).toMatchObject({
      code: 2,
      stderr: 'encrypted-chat: deleting an account needs a confirmation: not in a terminal, add --yes-delete-my-account bob\n',
    });
    const other = await run(['delete-account', '--yes-delete-my-account', 'alice'], fake);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('--yes-delete-my-account names alice, but the account is bob: nothing was deleted');
    expect((await run(['delete-account', '--yes-delete-my-account', 'x!'], fake)).code).toBe(2);
    expect(fake.calls).toEqual([]);
    expect(usage(['send', 'a_b', 'hi', '--yes-delete-my-account', 'bob'])).toContain('does not apply to "send"');
  });

  it('deletes with the confirmation and the password, says what happened and forgets the default user', async () => {
    const dataDir = folder();
    const fake = new FakeClient();
    expect((await run(['login'], fake, { dataDir })).code).toBe(0);
    const wrong = await run(['delete-account', '--yes-delete-my-account', 'BOB'], fake, { dataDir, env: { ENCRYPTED_CHAT_PASSWORD: 'not it' } });
    expect(wrong.code).toBe(3);
    expect(fake.accountDeleted).toBe(false);
    const result = await run(['delete-account', '--yes-delete-my-account', 'BOB'], fake, { dataDir });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Account bob deleted: .*The name stays taken for good: nobody can register bob again\./);
    expect(fake.accountDeleted).toBe(true);
    expect(JSON.parse((await new FileStore(dataDir).get('cli-settings'))!)).toEqual({ serverUrl: 'http://127.0.0.1:1' });
    expect(result.stdout + result.stderr).not.toContain(PASSWORD);
  });

  it('on a terminal, asks to type the username after the password', async () => {
    const fake = new FakeClient();
    const no = await run(['delete-account'], fake, { tty: true, stdin: 'alice\n' });
    expect(no).toMatchObject({ code: 1, stderr: 'Type your username (bob) to delete the account for good: encrypted-chat: That is not bob: nothing was deleted.\n' });
    expect(fake.calls).toEqual(['login']);
    const yes = await run(['delete-account'], fake, { tty: true, stdin: 'bob\n' });
    expect(yes.code).toBe(0);
    expect(yes.stdout).toContain('Account bob deleted');
    expect(fake.accountDeleted).toBe(true);
  });
});
