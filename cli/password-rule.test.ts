// The strength rule of new passwords in the terminal client — the window's rule, from core/password/strength.ts:
// register, passwd and recover refuse a weak password with the reason in words, before it is asked a second
// time and before anything reaches the server.
import { describe, expect, it } from 'vitest';
import { CODE, FakeClient, PASSWORD, run } from './fake-client.fixture.js';

const WEAK = /This password is too weak \(very weak, strength 0 of 4\)\. This is a heavily used password\. .*Your private key is kept on the server, locked with this password\./;

describe('a new password must be strong (zxcvbn score 3 of 4 or more)', () => {
  it('register refuses "password" from the environment, saying why, and registers nothing', async () => {
    const fake = new FakeClient();
    const result = await run(['register'], fake, { env: { ENCRYPTED_CHAT_PASSWORD: 'password' } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(WEAK);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(fake.calls).toEqual(['serverInfo']);
  });

  it('register refuses a weak password typed at the prompt before asking for it again', async () => {
    const fake = new FakeClient();
    const result = await run(['register'], fake, { env: { ENCRYPTED_CHAT_PASSWORD: undefined }, tty: true, stdin: 'password\r' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Password: ');
    expect(result.stderr).not.toContain('Type it again');
    expect(result.stderr).toMatch(WEAK);
    expect(fake.calls).toEqual(['serverInfo']);
  });

  it('register counts the username as guessable: a password strong for anyone else is refused for its own name', async () => {
    const other = await run(['register', '--user', 'someone_else'], new FakeClient(), { env: { ENCRYPTED_CHAT_PASSWORD: 'quillonbrisk1' } });
    expect(other.code).toBe(0);
    const own = await run(['register', '--user', 'quillonbrisk'], new FakeClient(), { env: { ENCRYPTED_CHAT_PASSWORD: 'quillonbrisk1' } });
    expect(own.code).toBe(1);
    expect(own.stderr).toContain('This password is too weak');
  });

  it('passwd asks "Current password:", and refuses a weak new one before asking for it again', async () => {
    const fake = new FakeClient();
    const changed: unknown[] = [];
    Object.assign(fake, { changePassword: async (change: unknown) => void changed.push(change) });
    const weak = await run(['passwd'], fake, { env: { ENCRYPTED_CHAT_PASSWORD: undefined, ENCRYPTED_CHAT_NEW_PASSWORD: '12345678' }, tty: true, stdin: `${PASSWORD}\r` });
    expect(weak.code).toBe(1);
    expect(weak.stderr.startsWith('Current password: ')).toBe(true);
    expect(weak.stderr).toContain('This password is too weak');
    expect(changed).toEqual([]);

    const strong = await run(['passwd'], fake, { env: { ENCRYPTED_CHAT_NEW_PASSWORD: 'seven ravens over the quay' } });
    expect(strong.code).toBe(0);
    expect(strong.stdout).toContain('Password changed.');
    expect(changed).toEqual([{ currentPassword: PASSWORD, newPassword: 'seven ravens over the quay' }]);
  });

  it('passwd checks a new password typed at the prompt before asking for it again', async () => {
    const fake = new FakeClient();
    const result = await run(['passwd'], fake, { env: { ENCRYPTED_CHAT_NEW_PASSWORD: undefined }, tty: true, stdin: 'password\r' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('New password: ');
    expect(result.stderr).not.toContain('Type it again');
    expect(result.stderr).toMatch(WEAK);
  });

  it('recover refuses a weak new password before the code is used', async () => {
    const fake = new FakeClient();
    fake.recovery = { set: true, setAt: null, device: null, code: CODE };
    const result = await run(['recover'], fake, { env: { ENCRYPTED_CHAT_PASSWORD: undefined, ENCRYPTED_CHAT_RECOVERY_CODE: CODE, ENCRYPTED_CHAT_NEW_PASSWORD: 'password' } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(WEAK);
    expect(fake.calls).not.toContain('recoverAccount');
    expect(fake.recovery.code).toBe(CODE);
  });
});
