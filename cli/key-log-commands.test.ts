// The server's key log in the terminal, with the fake ChatClient: audit and its exit codes, key-log accept and
// dismiss, what fingerprint says of a contact's key, and the alarms every command that signs in reports on
// standard error (and the exit code they give a command that otherwise succeeded).
import { describe, expect, it } from 'vitest';
import { ChatError } from '../core/api/errors.js';
import type { KeyLogAlarm } from '../core/api/view.js';
import { parseCliArgs, UsageError } from './cli-args.js';
import { alarm, CODE, FakeClient, FP, run, SET_AT } from './fake-client.fixture.js';
import { commandHelp } from './help.js';
import { alarmExitCode, KEY_LOG_EXIT_CODES } from './key-log-report.js';

const withAlarms = (...alarms: KeyLogAlarm[]) => {
  const fake = new FakeClient();
  fake.keyLogView.alarms = alarms;
  return fake;
};

describe('audit', () => {
  it('reads the whole log once and says it checks out, with size, entries checked and the log key', async () => {
    const fake = new FakeClient();
    const result = await run(['audit'], fake);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout.split('\n')).toEqual([
      'Key log of http://127.0.0.1:1',
      `  log key:  ${FP('e')}`,
      '  size:     3 entries in the newest signed head',
      '  checked:  3 entries, read and hashed on this device from the first entry on',
      expect.stringMatching(/^The log checks out: 3 entries reproduce the signed root, and that head is signed by the pinned log key and consistent with the head this device kept\./),
      '',
    ]);
    // From the start, and not once more at the end: audit's own answer is the state the command leaves.
    expect(fake.keyLogCalls).toEqual(['audit fromStart']);
    expect(fake.loggedOut).toBe('this');
  });

  it('--json prints the view', async () => {
    const fake = withAlarms(alarm('stale'));
    const result = await run(['audit', '--json'], fake);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ ...fake.keyLogView, alarms: fake.keyLogView.alarms.map((a) => ({ ...a, raisedAt: new Date(a.raisedAt).toISOString() })) });
    expect(result.stderr).toMatch(/^encrypted-chat: KEY LOG WARNING: The stale alarm's sentence\.\n$/);
  });

  it('prints each alarm found, with its id, and exits with its code; not again on standard error', async () => {
    const fake = new FakeClient();
    const fork = alarm('fork', { message: 'The server shows different key histories to different people.' });
    fake.onAudit = (fromStart, f) => fromStart && f.raise(fork);
    const result = await run(['audit'], fake);
    expect(result.code).toBe(10);
    expect(result.stdout).toContain('The log does NOT check out: an alarm.\n');
    expect(result.stdout).toContain('KEY LOG ALARM (fork): The server shows different key histories to different people.\n');
    expect(result.stdout).toContain(`alarm fork::${SET_AT}) Once you have dealt with it: encrypted-chat key-log dismiss fork::${SET_AT}`);
    expect(result.stdout).not.toContain('checks out:');
    expect(result.stderr).toBe('');
    const json = await run(['audit', '--json'], fake);
    expect(json.code).toBe(10);
    expect(JSON.parse(json.stdout)).toMatchObject({ alarms: [{ kind: 'fork', id: fork.id }] });
    expect(json.stderr).toContain('encrypted-chat: KEY LOG ALARM: The server shows different key histories to different people.');
  });

  it('gives each class of alarm its own code, the most serious of several, and 0 for an old head (a warning)', async () => {
    const expected = { fork: 10, bad_head: 10, own_name: 11, other_name: 12, missing_key: 12, log_key_changed: 13, stale: 0 } as const;
    expect(KEY_LOG_EXIT_CODES).toEqual(expected);
    for (const [kind, code] of Object.entries(expected)) {
      const result = await run(['audit'], withAlarms(alarm(kind as KeyLogAlarm['kind'])));
      expect([kind, result.code]).toEqual([kind, code]);
    }
    expect(alarmExitCode([alarm('log_key_changed'), alarm('other_name'), alarm('own_name'), alarm('stale')])).toBe(11);
    expect(alarmExitCode([alarm('stale')])).toBe(0);
    const stale = await run(['audit'], withAlarms(alarm('stale')));
    expect(stale.stdout).toContain('The log checks out: 3 entries');
    expect(stale.stderr).toBe("encrypted-chat: KEY LOG WARNING: The stale alarm's sentence.\n");
  });

  it('says so when the server keeps no key log, with its own exit code', async () => {
    const fake = new FakeClient();
    fake.keyLogView = { available: false, size: null, checkedSize: 0, logKeyFingerprint: null, offeredKeyFingerprint: null, alarms: [] };
    const result = await run(['audit'], fake);
    expect(result).toMatchObject({ code: 14, stderr: '' });
    expect(result.stdout).toBe('The server at http://127.0.0.1:1 keeps no public key log: there is nothing to audit. Keys are only pinned on first use here.\n');
    const json = await run(['audit', '--json'], fake);
    expect(json.code).toBe(14);
    expect(JSON.parse(json.stdout)).toMatchObject({ available: false });
  });

  it('does not pass a log it could not read up to a verified head', async () => {
    const fake = new FakeClient();
    fake.keyLogView = { ...fake.keyLogView, size: 5, checkedSize: 2 };
    const result = await run(['audit'], fake);
    expect(result.code).toBe(10);
    expect(result.stdout).toContain('The log could NOT be checked completely: 2 entries of 5 were read up to a verified head.');
  });

  it('fails like any command when the log cannot be read at all', async () => {
    const fake = new FakeClient();
    fake.onAudit = () => {
      throw new ChatError('server_unreachable', 'The server cannot be reached.');
    };
    const result = await run(['audit'], fake);
    expect(result.code).toBe(4);
    expect(result.stderr).toBe('encrypted-chat: The server cannot be reached.\n');
  });

  it('escapes what an alarm carries', async () => {
    const fake = withAlarms(alarm('other_name', { message: 'carol\u001b[2J\u202e', id: 'other_name:carol:1' }));
    const result = await run(['audit'], fake);
    expect(result.stdout).toContain('KEY LOG ALARM (other_name): carol\\u001b[2J\\u202e\n');
    expect(result.stdout).not.toMatch(/[\u001b\u202e]/);
  });
});

describe('the alarms after every command that signs in', () => {
  it('go to standard error after the result, and a command that succeeded exits with their code', async () => {
    const fake = withAlarms(alarm('other_name', { message: "A key was registered in alice's name after the one you know." }));
    const result = await run(['send', 'alice', 'hi'], fake);
    expect(result.code).toBe(12);
    expect(result.stdout).toMatch(/^Sent to alice at /);
    expect(result.stderr.split('\n')).toEqual([
      "encrypted-chat: KEY LOG ALARM: A key was registered in alice's name after the one you know.",
      `  (raised 2026-11-25 12:00, alarm other_name:alice:${SET_AT}) Once you have dealt with it: encrypted-chat key-log dismiss other_name:alice:${SET_AT}`,
      '',
    ]);
    // The check the sign-in started is waited for (one more round), before the session ends.
    expect(fake.keyLogCalls).toEqual(['audit']);
    expect(fake.loggedOut).toBe('this');
  });

  it('report what is raised during the command too (a key_log event)', async () => {
    const fake = new FakeClient();
    fake.onAudit = (_fromStart, f) => f.raise(alarm('own_name', { message: 'A key was registered in your name that is not yours.' }));
    const result = await run(['messages'], fake);
    expect(result.code).toBe(11);
    expect(result.stderr).toContain('encrypted-chat: KEY LOG ALARM: A key was registered in your name that is not yours.\n');
  });

  it('leave the exit code of a command that failed as it is, and are still said before the error', async () => {
    const fake = withAlarms(alarm('fork', { message: 'Forked.' }));
    fake.deletedPeople.add('carol');
    const failed = await run(['send', 'carol', 'hi'], fake);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^encrypted-chat: KEY LOG ALARM: Forked\.\n.*\nencrypted-chat: the account carol was deleted\n$/);
    // A command that failed asks the server nothing more.
    expect(fake.keyLogCalls).toEqual(['keyLog']);
    const changed = await run(['fingerprint', 'alice'], (() => {
      const f = withAlarms(alarm('fork'));
      f.contactDetails = async (name) => ({ ...(await FakeClient.prototype.contactDetails.call(f, name)), keyStatus: 'changed', serverFingerprint: FP('d') });
      return f;
    })());
    expect(changed.code).toBe(1);
    expect(changed.stderr).toContain('KEY LOG ALARM');
  });

  it('a warning (an old head) changes no exit code; a log that cannot be checked at the end is said, nothing more', async () => {
    const stale = await run(['group', 'list'], withAlarms(alarm('stale', { message: 'The key log is not being updated.' })));
    expect(stale).toMatchObject({ code: 0, stderr: 'encrypted-chat: KEY LOG WARNING: The key log is not being updated.\n' });
    const fake = new FakeClient();
    fake.onAudit = () => {
      throw new ChatError('rate_limited', 'Too many requests.');
    };
    const unchecked = await run(['group', 'list'], fake);
    expect(unchecked).toMatchObject({ code: 0, stderr: "encrypted-chat: could not check the server's key log: Too many requests.\n" });
  });

  it('are reported by login, register, recover and logout --everywhere; not by delete-account', async () => {
    for (const argv of [['login'], ['register'], ['logout', '--everywhere']]) {
      const result = await run(argv, withAlarms(alarm('missing_key')));
      expect([argv, result.code, result.stderr]).toEqual([argv, 12, expect.stringContaining("KEY LOG ALARM: The missing_key alarm's sentence.")]);
    }
    const recovering = withAlarms(alarm('bad_head'));
    recovering.recovery = { set: true, setAt: SET_AT, device: null, code: CODE };
    const recovered = await run(['recover'], recovering, { env: { ENCRYPTED_CHAT_RECOVERY_CODE: CODE, ENCRYPTED_CHAT_NEW_PASSWORD: 'a new password 1' } });
    expect(recovered.code).toBe(10);
    const deleted = await run(['delete-account', '--yes-delete-my-account', 'bob'], withAlarms(alarm('fork')));
    expect(deleted).toMatchObject({ code: 0, stderr: '' });
  });

  it('print as they are raised while watch runs, and change nothing of its exit code', async () => {
    const fake = withAlarms(alarm('other_name', { message: 'Earlier.' }));
    fake.live = (emit) => {
      emit({ type: 'connection', state: 'online', detail: null });
      fake.raise(alarm('fork', { message: 'Raised while watching.' }));
      fake.raise(alarm('stale', { message: 'Old head.' }));
    };
    const controller = new AbortController();
    setTimeout(() => controller.abort('SIGINT'), 100);
    const result = await run(['watch'], fake, { signal: controller.signal });
    expect(result.code).toBe(130);
    const lines = result.stderr.split('\n').filter((l) => l.startsWith('encrypted-chat: KEY LOG'));
    expect(lines).toEqual(['encrypted-chat: KEY LOG ALARM: Earlier.', 'encrypted-chat: KEY LOG ALARM: Raised while watching.', 'encrypted-chat: KEY LOG WARNING: Old head.']);
  });

  it('no alarm: nothing is said and nothing changes', async () => {
    const result = await run(['send', 'alice', 'hi'], new FakeClient());
    expect(result).toMatchObject({ code: 0, stderr: '' });
  });
});

describe('key-log accept and dismiss', () => {
  it('accept takes the new log key and prints its fingerprint', async () => {
    const fake = withAlarms(alarm('log_key_changed'));
    fake.keyLogView.offeredKeyFingerprint = FP('f');
    const result = await run(['key-log', 'accept'], fake);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toBe(`Now following the key log signed with ${FP('f')}\n(was ${FP('e')}). This device reads the log again from its first entry.\n`);
    // The new log is read at once, as on a first contact.
    expect(fake.keyLogCalls).toEqual(['audit', 'acceptLogKey', 'audit']);
    const again = await run(['key-log', 'accept'], fake);
    expect(again).toMatchObject({ code: 0, stdout: `The server's log key has not changed: nothing to accept (the log key is ${FP('f')}).\n` });
  });

  it('the new log key is also shown under its alarm', async () => {
    const fake = withAlarms(alarm('log_key_changed', { message: 'The log is signed with a different key.' }));
    fake.keyLogView.offeredKeyFingerprint = FP('f');
    const result = await run(['messages'], fake);
    expect(result.code).toBe(13);
    expect(result.stderr).toContain(`The log is now signed with the key ${FP('f')}. Only if the server's operator told you the log was started again: encrypted-chat key-log accept`);
  });

  it('dismiss takes one alarm away; the others still stand and give the exit code', async () => {
    const fork = alarm('fork');
    const other = alarm('other_name');
    const fake = withAlarms(fork, other);
    const result = await run(['key-log', 'dismiss', fork.id], fake);
    expect(result.code).toBe(12);
    expect(result.stdout).toContain(`Dismissed key log alarm ${fork.id} (fork). 1 other alarm(s) still stand (below).`);
    expect(result.stderr).toContain("KEY LOG ALARM: The other_name alarm's sentence.");
    expect(result.stderr).not.toContain('fork');
    const last = await run(['key-log', 'dismiss', other.id, '--json'], fake);
    expect(last.code).toBe(0);
    expect(JSON.parse(last.stdout)).toMatchObject({ alarms: [] });
  });

  it('dismiss refuses an id this device does not hold, and a new log key (that is accepted instead)', async () => {
    const fake = withAlarms(alarm('log_key_changed'));
    const unknown = await run(['key-log', 'dismiss', 'fork::1'], fake);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('There is no key log alarm fork::1 on this device');
    const changed = await run(['key-log', 'dismiss', `log_key_changed::${SET_AT}`], fake);
    expect(changed.code).toBe(1);
    expect(changed.stderr).toContain('A new log key is not dismissed: accept it with "encrypted-chat key-log accept"');
    expect(fake.keyLogCalls.filter((c) => c.startsWith('dismiss'))).toEqual([]);
  });
});

describe('fingerprint and the key log', () => {
  it('shows that the log confirms the key, refuses it (exit 5, with the reason), or that there is no log', async () => {
    const fake = new FakeClient();
    const confirmed = await run(['fingerprint', 'alice'], fake);
    expect(confirmed).toMatchObject({ code: 0, stdout: `alice: ${FP('a')} (pinned on this device)\nalice: Key confirmed by the server's public key log.\n` });

    fake.contactLog.set('alice', { keyLog: 'refused', keyLogDetail: "The server's key log does not contain this key for alice: the log entry it points to holds another name or key.\u001b[0m" });
    const refused = await run(['fingerprint', 'alice'], fake);
    expect(refused.code).toBe(5);
    expect(refused.stdout).toContain(
      "alice: KEY REFUSED by the server's public key log: The server's key log does not contain this key for alice: the log entry it points to holds another name or key.\\u001b[0m Send alice nothing until you have compared key fingerprints in person.",
    );

    fake.contactLog.set('alice', { keyLog: 'unavailable', keyLogDetail: null });
    const none = await run(['fingerprint', 'alice'], fake);
    expect(none).toMatchObject({ code: 0 });
    expect(none.stdout).toContain('alice: this server keeps no public key log (keys are only pinned on first use).');
  });
});

describe('arguments', () => {
  const usage = (argv: string[]) => {
    try {
      parseCliArgs(argv);
      return null;
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      return (error as Error).message;
    }
  };

  it('are checked before anything runs', async () => {
    expect(usage(['audit', 'now'])).toContain('too many arguments for "audit": now');
    expect(usage(['audit', '--peer', 'bob'])).toContain('--peer does not apply to "audit"');
    expect(usage(['key-log'])).toContain('"key-log" takes "accept" or "dismiss ID"');
    expect(usage(['key-log', 'show'])).toContain('(not "show")');
    expect(usage(['key-log', 'accept', 'x'])).toContain('too many arguments for "key-log accept": x');
    expect(usage(['key-log', 'dismiss'])).toContain('"key-log dismiss" needs an argument');
    expect(usage(['key-log', 'dismiss', 'a', 'b'])).toContain('too many arguments');
    expect(usage(['key-log', 'dismiss', 'two words'])).toContain('ID: is not an alarm id');
    expect(usage(['key-log', 'dismiss', 'x'.repeat(201)])).toContain('ID:');
    expect(usage(['fingerprint', 'alice', '--json'])).toContain('--json does not apply to "fingerprint"');
    expect(parseCliArgs(['key-log', 'dismiss', ' fork::1 ']).positionals).toEqual(['dismiss', 'fork::1']);
    const fake = new FakeClient();
    expect((await run(['key-log', 'dismiss', 'a\u001bb'], fake)).code).toBe(2);
    expect(fake.calls).toEqual([]);
  });

  it('--help says what audit checks and what each exit code means', async () => {
    const help = await run(['audit', '--help'], new FakeClient());
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: encrypted-chat audit [--json]');
    for (const code of ['10', '11', '12', '13', '14']) expect(commandHelp('audit')).toContain(`${code} `);
    expect(commandHelp('key-log')).toContain('key-log dismiss ID');
    expect((await run(['key-log', 'dismiss', '--help'], new FakeClient())).stdout).toContain('Usage: encrypted-chat key-log accept');
  });
});
