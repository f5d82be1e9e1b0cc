// The terminal client's account commands end to end, each command in its own process against real servers:
// a recovery code written to a file, "forgot password" with it (the old messages still open, the old password
// and the used code are refused), deleting an account (a send to it is refused, its name stays taken), and
// registering on servers that take new accounts by invitation only or not at all.
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInvite } from '../server/auth/invites.js';
import { openDatabase } from '../server/db/database.js';
import { cliRunner, type CliResult } from './support/cli-process.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';

const ALICE_PW = 'alice password 1';
const BOB_PW = 'bob password 22';
const BOB_NEW_PW = 'bob new password 333';
const CODE_LINE = /^ {4}([A-Z2-7]{4}(?:-[A-Z2-7]{4}){7})$/m;

let open: ServerProcess;
let byInvite: ServerProcess;
let closed: ServerProcess;
let home: string;
let serverUrl = '';
const { cli } = cliRunner(() => ({ home, serverUrl }));

/** Runs against `server`. */
async function on(server: ServerProcess, user: string, args: string[], options: Parameters<typeof cli>[2] = {}): Promise<CliResult> {
  serverUrl = server.url;
  return cli(user, args, options);
}

function expectOneLineError(result: CliResult, code: number, text: string | RegExp): void {
  expect([result.code, result.stdout]).toEqual([code, '']);
  const last = result.stderr.trim().split('\n').at(-1)!;
  expect(last).toMatch(/^encrypted-chat: /);
  if (typeof text === 'string') expect(last).toContain(text);
  else expect(last).toMatch(text);
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'ec-cli-recovery-'));
  [open, byInvite, closed] = await Promise.all([
    startServerProcess(),
    startServerProcess({ env: { REGISTRATION: 'invite' } }),
    startServerProcess({ env: { REGISTRATION: 'closed' } }),
  ]);
});
afterAll(async () => {
  await Promise.all([open?.stop(), byInvite?.stop(), closed?.stop()]);
});

describe('encrypted-chat recovery, recover and delete-account against the real server', () => {
  let code = '';
  const codeFile = () => join(home, 'bob-recovery-code.txt');

  it('registers two people; one sends the other a message', async () => {
    expect((await on(open, 'alice', ['register'], { password: ALICE_PW })).code).toBe(0);
    expect((await on(open, 'bob', ['register'], { password: BOB_PW })).code).toBe(0);
    expect((await on(open, 'alice', ['send', 'bob', 'Hello Bob, from before the recovery'], { password: ALICE_PW })).code).toBe(0);
  }, 120_000);

  it('recovery set --out writes a new code to a new file of mode 0600; status shows it; an existing file is refused', async () => {
    const none = await on(open, 'bob', ['recovery', 'status'], { password: BOB_PW });
    expect(none).toMatchObject({ code: 0, stdout: 'No recovery code is set for bob. Make one with: encrypted-chat recovery set\n' });

    const set = await on(open, 'bob', ['recovery', 'set', '--out', codeFile()], { password: BOB_PW });
    expect(set.code).toBe(0);
    expect(set.stdout).toContain(`written to ${codeFile()} (readable only by you); it is not shown here.`);
    expect(set.stdout).toContain('every other device of bob was signed out');
    expect(statSync(codeFile()).mode & 0o777).toBe(0o600);
    const text = readFileSync(codeFile(), 'utf8');
    code = CODE_LINE.exec(text)![1]!;
    expect(text).toContain('Account: bob');
    expect(set.stdout + set.stderr).not.toContain(code);
    expect(set.stdout + set.stderr).not.toContain(BOB_PW);

    const status = await on(open, 'bob', ['recovery', 'status', '--json'], { password: BOB_PW });
    expect(JSON.parse(status.stdout)).toEqual({ set: true, setAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), device: expect.stringMatching(/^Terminal, /) });

    const again = await on(open, 'bob', ['recovery', 'set', '--out', codeFile()], { password: BOB_PW });
    expectOneLineError(again, 1, 'already exists: recovery set never overwrites a file');
    expect(readFileSync(codeFile(), 'utf8')).toBe(text);
  }, 120_000);

  it('recover with the code and a new password: the old message still opens, the old password and the used code are refused', async () => {
    const recovered = await on(open, 'bob', ['recover', '--code-file', codeFile()], { env: { ENCRYPTED_CHAT_NEW_PASSWORD: BOB_NEW_PW } });
    expect(recovered.code).toBe(0);
    expect(recovered.stdout).toContain('New password set for bob');
    expect(recovered.stdout).toContain('Your recovery code is used up: it does not work again. Make a new one now with: encrypted-chat recovery set');
    expect(recovered.stdout + recovered.stderr).not.toContain(code);

    const read = await on(open, 'bob', ['messages'], { password: BOB_NEW_PW });
    expect(read.code).toBe(0);
    expect(read.stdout).toMatch(/^\[[^\]]+\] alice → bob: Hello Bob, from before the recovery$/m);

    expectOneLineError(await on(open, 'bob', ['messages'], { password: BOB_PW }), 3, /./);
    const twice = await on(open, 'bob', ['recover'], { env: { ENCRYPTED_CHAT_RECOVERY_CODE: code, ENCRYPTED_CHAT_NEW_PASSWORD: 'yet another password 4' } });
    expectOneLineError(twice, 3, 'That username and recovery code do not match');
    expect(twice.stderr).not.toContain(code);
    expect((await on(open, 'bob', ['recovery', 'status'], { password: BOB_NEW_PW })).stdout).toContain('No recovery code is set for bob.');
  }, 180_000);

  it('delete-account: needs the confirmation; then a send to the deleted account is refused, and its name stays taken', async () => {
    const unconfirmed = await on(open, 'bob', ['delete-account'], { password: BOB_NEW_PW });
    expectOneLineError(unconfirmed, 2, 'add --yes-delete-my-account bob');
    const deleted = await on(open, 'bob', ['delete-account', '--yes-delete-my-account', 'bob'], { password: BOB_NEW_PW });
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toMatch(/^Account bob deleted: .*The name stays taken for good/);

    const sent = await on(open, 'alice', ['send', 'bob', 'Are you still there?'], { password: ALICE_PW });
    expectOneLineError(sent, 1, 'the account bob was deleted');
    const fingerprint = await on(open, 'alice', ['fingerprint', 'bob'], { password: ALICE_PW });
    expect(fingerprint.stdout).toContain('bob: account deleted');
    const shown = await on(open, 'alice', ['messages'], { password: ALICE_PW });
    expect(shown.stdout).toMatch(/^\[[^\]]+\] alice → bob \(account deleted\): Hello Bob, from before the recovery$/m);

    const taken = await on(open, 'bob', ['register'], { password: 'someone else 55' });
    expectOneLineError(taken, 1, 'The username bob is already taken.');
  }, 180_000);
});

describe('encrypted-chat register on servers that are not open', () => {
  it('REGISTRATION=invite: says how to pass an invite, refuses a wrong one, takes the right one once', async () => {
    const none = await on(byInvite, 'carol', ['register']);
    expectOneLineError(none, 1, 'takes new accounts by invitation only: ask its operator for an invite code, then pass it with --invite CODE (or ENCRYPTED_CHAT_INVITE).');
    const wrong = await on(byInvite, 'carol', ['register', '--invite', 'made-up-code'], { password: 'carol password 1' });
    expectOneLineError(wrong, 1, 'This invite code does not work: it is wrong, was used already, or has expired.');

    const db = await openDatabase(byInvite.databaseUrl);
    let invite: string;
    try {
      invite = (await createInvite(db)).code;
    } finally {
      await db.close();
    }
    const right = await on(byInvite, 'carol', ['register', '--invite', invite], { password: 'carol password 1' });
    expect(right.code).toBe(0);
    expect(right.stdout).toContain('Registered carol on');
    const reused = await on(byInvite, 'dave', ['register'], { password: 'dave password 1', env: { ENCRYPTED_CHAT_INVITE: invite } });
    expectOneLineError(reused, 1, 'This invite code does not work');
  }, 120_000);

  it('REGISTRATION=closed: says so before asking for a password', async () => {
    const result = await on(closed, 'erin', ['register']);
    expectOneLineError(result, 1, 'does not accept new accounts: its operator closed registration.');
  }, 60_000);
});
