// register against servers that take new accounts openly, by invitation only, or not at all (with the fake
// ChatClient), and how contacts whose account was deleted are shown: fingerprint, messages, send, trust.
import { describe, expect, it } from 'vitest';
import { ChatError } from '../core/api/errors.js';
import { parseCliArgs, UsageError } from './cli-args.js';
import { FakeClient, PASSWORD, run, view, type RunResult } from './fake-client.fixture.js';

/** No password anywhere, and (not being a terminal) none can be asked for: a command that asks fails saying so. */
const NO_PASSWORD = { env: { ENCRYPTED_CHAT_PASSWORD: undefined } };

function expectNoSecrets(...results: RunResult[]): void {
  for (const r of results) expect(r.stdout + r.stderr).not.toContain(PASSWORD);
}

describe('register', () => {
  it('registers on an open server, remembering nothing secret', async () => {
    const fake = new FakeClient();
    const result = await run(['register'], fake);
    expect(result).toMatchObject({ code: 0, stdout: expect.stringContaining('Registered bob on http://127.0.0.1:1.') });
    expect(fake.requests).toEqual([['register', { username: 'bob', password: PASSWORD }]]);
    expect(fake.loggedOut).toBe('this');
    expectNoSecrets(result);
  });

  it('says a closed server takes no new accounts before asking for a password', async () => {
    const fake = new FakeClient();
    fake.info = { registration: 'closed', retention: null };
    const result = await run(['register'], fake, NO_PASSWORD);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('encrypted-chat: The server at http://127.0.0.1:1 does not accept new accounts: its operator closed registration.\n');
    expect(fake.calls).toEqual(['serverInfo']);
    expect(fake.closed).toBe(true);
  });

  it('on an invite-only server: says how to pass the invite before asking, refuses a wrong one, takes the right one once', async () => {
    const fake = new FakeClient();
    fake.info = { registration: 'invite', retention: null };
    fake.invites.add('good-invite-1');
    const none = await run(['register'], fake, NO_PASSWORD);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('takes new accounts by invitation only: ask its operator for an invite code, then pass it with --invite CODE (or ENCRYPTED_CHAT_INVITE).');
    expect(fake.calls).toEqual(['serverInfo']);

    const wrong = await run(['register', '--invite', 'made-up'], fake);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('This invite code does not work: it is wrong, was used already, or has expired.');
    expect(wrong.stderr).not.toContain('made-up');

    const right = await run(['register', '--invite', ' good-invite-1 '], fake);
    expect(right.code).toBe(0);
    expect(fake.requests.at(-1)).toEqual(['register', { username: 'bob', password: PASSWORD, invite: 'good-invite-1' }]);
    const again = await run(['register'], fake, { env: { ENCRYPTED_CHAT_INVITE: 'good-invite-1' } });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('This invite code does not work');

    fake.invites.add('from-env-2');
    expect((await run(['register'], fake, { env: { ENCRYPTED_CHAT_INVITE: 'from-env-2' } })).code).toBe(0);
    expect(fake.requests.at(-1)).toEqual(['register', expect.objectContaining({ invite: 'from-env-2' })]);
    expectNoSecrets(none, wrong, right, again);
  });

  it('adds how to pass an invite when a server that did not say so beforehand asks for one', async () => {
    const fake = new FakeClient();
    fake.info = { registration: null, retention: null };
    fake.register = async () => {
      throw new ChatError('forbidden', 'This server takes new accounts by invitation only: ask its operator for an invite code.');
    };
    const result = await run(['register'], fake);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'encrypted-chat: This server takes new accounts by invitation only: ask its operator for an invite code, then pass it with --invite CODE (or ENCRYPTED_CHAT_INVITE).\n',
    );
  });

  it('checks the invite code like every argument: --invite and ENCRYPTED_CHAT_INVITE, and only for register', async () => {
    expect(parseCliArgs(['register', '--invite', '  abc-123 '])).toMatchObject({ invite: 'abc-123' });
    expect(() => parseCliArgs(['register', '--invite', 'has space'])).toThrow(UsageError);
    expect(() => parseCliArgs(['register', '--invite', 'x'.repeat(129)])).toThrow(/--invite: must be the invite code/);
    expect(() => parseCliArgs(['login', '--invite', 'abc'])).toThrow('--invite does not apply to "login"');
    const fake = new FakeClient();
    const bad = await run(['register'], fake, { env: { ENCRYPTED_CHAT_INVITE: 'bad\u0007code' } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('ENCRYPTED_CHAT_INVITE: must be the invite code');
    expect(fake.calls).toEqual([]);
    expect((await run(['register', '--invite', ''], fake)).code).toBe(2);
  });
});

describe('contacts whose account was deleted', () => {
  it('fingerprint says "account deleted"', async () => {
    const fake = new FakeClient();
    fake.deletedPeople.add('alice');
    const result = await run(['fingerprint', 'alice'], fake);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('alice: account deleted — the conversation stays readable, nothing can be sent to alice any more.');
    const other = await run(['fingerprint', 'carol'], new FakeClient());
    expect(other.stdout).not.toContain('account deleted');
  });

  it('messages marks the deleted person in each header, and in the empty conversation', async () => {
    const fake = new FakeClient();
    fake.deletedPeople.add('alice');
    fake.views = [view({}), view({ id: '3f1c2a9e-7b4d-4e2a-9c1f-5d6e7f8a9b0d', seq: 2, sender: 'bob', recipient: 'alice', outgoing: true, text: 'bye' })];
    const result = await run(['messages'], fake);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('[2026-11-25 12:00] alice (account deleted) → bob: hello\n[2026-11-25 12:00] bob → alice (account deleted): bye\n');
    // --json keeps its documented fields.
    const json = JSON.parse((await run(['messages', '--json'], fake)).stdout) as Array<Record<string, unknown>>;
    expect(json[0]).toMatchObject({ sender: 'alice', text: 'hello' });
    fake.views = [];
    expect((await run(['messages', '--peer', 'alice'], fake)).stdout).toBe('No messages with alice (account deleted) yet.\n');
  });

  it('a send to a deleted account prints the core\'s refusal and exits with 1; trust refuses too', async () => {
    const fake = new FakeClient();
    fake.deletedPeople.add('alice');
    const sent = await run(['send', 'alice', 'are you there?'], fake);
    expect(sent).toMatchObject({ code: 1, stdout: '', stderr: 'encrypted-chat: the account alice was deleted\n' });
    const trusted = await run(['trust', 'alice'], fake);
    expect(trusted.code).toBe(1);
    expect(trusted.stderr).toContain("alice's account was deleted: there is no new key to trust");
    const blocked = await run(['block', 'alice'], fake);
    expect(blocked.stdout).toContain('alice: account deleted');
  });
});
