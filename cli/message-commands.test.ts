// What send (and reply, edit) checks before any password is asked: the server's address, the text (an empty
// message on standard input) and the recipient (one request that needs no sign-in). Each is a usage error, exit 2.
import { describe, expect, it } from 'vitest';
import { FakeClient, MID, run, view } from './fake-client.fixture.js';

/** No password in the environment, on a terminal: a password would be asked at the prompt ("Password: "). */
const AT_THE_PROMPT = { env: { ENCRYPTED_CHAT_PASSWORD: undefined }, tty: true } as const;

describe('send checks what it can before asking for a password', () => {
  it('refuses an empty message on standard input before signing in', async () => {
    const fake = new FakeClient();
    const result = await run(['send', 'alice'], fake, { stdin: '\n' });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('encrypted-chat: the message on standard input: is empty\n');
    expect(fake.calls).toEqual([]);
    expect(fake.lookedUp).toEqual([]);
  });

  it('refuses an empty TEXT argument before anything else', async () => {
    const fake = new FakeClient();
    const result = await run(['send', 'alice', ''], fake, AT_THE_PROMPT);
    expect(result.code).toBe(2);
    expect(result.stderr).not.toContain('Password: ');
    expect(fake.calls).toEqual([]);
  });

  it('refuses an unknown recipient with one request that needs no sign-in, before the password is asked', async () => {
    const fake = new FakeClient();
    fake.unknownPeople.add('nobody_here');
    const result = await run(['send', 'nobody_here', 'hello'], fake, AT_THE_PROMPT);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('encrypted-chat: There is no user named nobody_here on http://127.0.0.1:1 (nothing was sent; "encrypted-chat users" lists who is there).\n');
    expect(fake.lookedUp).toEqual(['nobody_here']);
    expect(fake.calls).toEqual([]);
  });

  it('leaves a deleted account to the send, which says so (the name is known)', async () => {
    const fake = new FakeClient();
    fake.deletedPeople.add('alice');
    const result = await run(['send', 'alice', 'hello'], fake);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('the account alice was deleted');
    expect(fake.lookedUp).toEqual(['alice']);
  });

  it('reads piped text, then looks the recipient up, then signs in and sends', async () => {
    const fake = new FakeClient();
    const result = await run(['send', 'alice'], fake, { stdin: 'from a pipe\n' });
    expect(result.code).toBe(0);
    expect(fake.lookedUp).toEqual(['alice']);
    expect(fake.requests.find(([name]) => name === 'send')?.[1]).toMatchObject({ conversation: 'alice', text: 'from a pipe' });
  });

  it('refuses a server address that is not one (from the environment) as a usage error, before the password', async () => {
    for (const server of ['ftp://chat.example.org', 'chat.example.org', 'https://user:pw@chat.example.org']) {
      const fake = new FakeClient();
      const result = await run(['send', 'alice', 'hello'], fake, { ...AT_THE_PROMPT, env: { ...AT_THE_PROMPT.env, ENCRYPTED_CHAT_SERVER: server } });
      expect([server, result.code]).toEqual([server, 2]);
      expect(result.stderr).toMatch(/^encrypted-chat: ENCRYPTED_CHAT_SERVER: /);
      expect(result.stderr).not.toContain('Password: ');
      expect(fake.calls).toEqual([]);
    }
  });

  it('refuses a bad server address before asking for a password in every command that signs in', async () => {
    for (const argv of [['messages'], ['passwd'], ['recovery', 'status'], ['watch'], ['fingerprint']]) {
      const fake = new FakeClient();
      const result = await run(argv, fake, { ...AT_THE_PROMPT, env: { ...AT_THE_PROMPT.env, ENCRYPTED_CHAT_SERVER: 'not a url' } });
      expect([argv, result.code]).toEqual([argv, 2]);
      expect(result.stderr).not.toContain('assword: ');
    }
  });

  it('still refuses plain http:// to another machine with 4, before the password', async () => {
    const fake = new FakeClient();
    const result = await run(['messages'], fake, { ...AT_THE_PROMPT, env: { ...AT_THE_PROMPT.env, ENCRYPTED_CHAT_SERVER: 'http://chat.example.org' } });
    expect(result.code).toBe(4);
    expect(result.stderr).not.toContain('Password: ');
  });

  it('reply and edit refuse an empty message on standard input before signing in', async () => {
    for (const command of ['reply', 'edit']) {
      const fake = new FakeClient();
      fake.views = [view({})];
      const result = await run([command, MID], fake, { stdin: '' });
      expect([command, result.code]).toEqual([command, 2]);
      expect(fake.calls).toEqual([]);
    }
  });
});
