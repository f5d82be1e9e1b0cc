// The session host's "stay signed in" (main process, vitest in Node): saving, reopening and erasing the saved
// session, and opening it again when the server ends the session.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { ChatError } from '../../core/api/errors.js';
import { SERVER, sessionHostKit } from './session-host.fixture.js';

const { files, makeHost } = sessionHostKit();

/** A host on SERVER with "stay signed in" on and alice signed in: her session is saved for the next start. */
async function signedInStayingSignedIn(options: Parameters<typeof makeHost>[0] = {}) {
  const made = makeHost(options);
  await made.host.start(SERVER);
  await made.host.updateSettings({ staySignedIn: true });
  await made.host.login({ username: 'alice', password: 'pw' });
  return made;
}

describe('SessionHost stay signed in', () => {
  it('saves the session at sign-in when on, resumes it at the next start, and logout erases both halves', async () => {
    const first = await signedInStayingSignedIn();
    expect(first.clients[0]!.login).toHaveBeenCalledWith({ username: 'alice', password: 'pw' }, { keepSessionSecret: true });
    expect(files.keychain.value).not.toBeNull();
    await stat(path.join(files.dir, 'session.sealed'));
    expect((await first.host.getSettings()).lastUsername).toBe('alice');

    const second = makeHost();
    await second.host.start();
    expect(second.factory.resume).toHaveBeenCalledWith(expect.objectContaining({ serverUrl: SERVER }), expect.objectContaining({ username: 'alice' }));
    expect(await second.host.currentAccount()).toMatchObject({ username: 'alice' });
    expect(second.clients[0]!.startLive).toHaveBeenCalled();

    await second.host.logout();
    expect(files.keychain.value).toBeNull();
    await expect(stat(path.join(files.dir, 'session.sealed'))).rejects.toThrow();
  });

  it('saves nothing while the option is off', async () => {
    const { host } = makeHost();
    await host.start(SERVER);
    await host.login({ username: 'alice', password: 'pw' });
    expect(files.keychain.value).toBeNull();
  });

  it('saves the open session when turned on, erases it when turned off', async () => {
    const { host } = makeHost();
    await host.start(SERVER);
    await host.login({ username: 'alice', password: 'pw' });
    await host.updateSettings({ staySignedIn: true });
    expect(files.keychain.value).not.toBeNull();
    await host.updateSettings({ staySignedIn: false });
    expect(files.keychain.value).toBeNull();
  });

  it('forgets a saved session the server refuses, and says why', async () => {
    await signedInStayingSignedIn();

    const refused = makeHost({ resumeError: new ChatError('unauthorized', 'Your saved sign-in no longer works.') });
    await refused.host.start();
    expect(await refused.host.currentAccount()).toBeNull();
    expect(refused.deps.emit).toHaveBeenCalledWith({ type: 'signed_out', reason: 'Your saved sign-in no longer works.' });
    expect(files.keychain.value).toBeNull();
  });

  it('drops a saved session whose keychain is gone, and turns the option off', async () => {
    await signedInStayingSignedIn();
    const noKeychain = makeHost({ keychainAvailable: false });
    await noKeychain.host.start();
    expect(noKeychain.factory.resume).not.toHaveBeenCalled();
    expect((await noKeychain.host.getSettings()).desktop?.staySignedIn).toBe(false);
    await expect(stat(path.join(files.dir, 'session.sealed'))).rejects.toThrow();
    await noKeychain.host.logout();
    expect(noKeychain.deps.logProblem).not.toHaveBeenCalled();
  });

  it('signs in even when the keychain refuses the key, and turns the option off', async () => {
    const { host, deps } = makeHost();
    await host.start(SERVER);
    await host.updateSettings({ staySignedIn: true });
    files.keychain.set = async () => {
      throw new Error('The keychain is locked');
    };
    expect(await host.login({ username: 'alice', password: 'pw' })).toMatchObject({ username: 'alice' });
    expect((await host.getSettings()).desktop?.staySignedIn).toBe(false);
    expect(deps.logProblem).toHaveBeenCalledWith('saving the session', expect.anything());
    await expect(stat(path.join(files.dir, 'session.sealed'))).rejects.toThrow();
  });

  it('keeps a saved session when the server is only unreachable', async () => {
    await signedInStayingSignedIn();
    const offline = makeHost({ resumeError: new ChatError('server_unreachable', 'The server does not answer.') });
    await offline.host.start();
    expect(files.keychain.value).not.toBeNull();
  });
});

describe('SessionHost when the server ends the session', () => {
  it('opens it again from the saved session with stay signed in, without telling the window to sign in', async () => {
    let clock = 1_000_000;
    const made = await signedInStayingSignedIn({ now: () => clock });
    const first = made.clients[0]!;
    first.account = null;
    first.emit({ type: 'signed_out', reason: 'Your session expired.' });
    await vi.waitFor(() => expect(made.factory.resume).toHaveBeenCalledTimes(1));
    await vi.waitFor(async () => expect(await made.host.currentAccount()).toMatchObject({ username: 'alice' }));
    expect(made.deps.emit).not.toHaveBeenCalledWith(expect.objectContaining({ type: 'signed_out' }));

    // A second loss within the minute is passed on: no loop against a server that refuses every token.
    clock += 59_000;
    made.clients[1]!.account = null;
    made.clients[1]!.emit({ type: 'signed_out', reason: 'Your session expired.' });
    expect(made.deps.emit).toHaveBeenCalledWith({ type: 'signed_out', reason: 'Your session expired.' });
    expect(made.factory.resume).toHaveBeenCalledTimes(1);

    // Later, it recovers again.
    clock += 2_000;
    await made.host.login({ username: 'alice', password: 'pw' });
    made.clients[1]!.account = null;
    made.clients[1]!.emit({ type: 'signed_out', reason: 'Your session expired.' });
    await vi.waitFor(() => expect(made.factory.resume).toHaveBeenCalledTimes(2));
  });

  it('passes the sign-out on without stay signed in, and after a logout', async () => {
    const made = makeHost();
    await made.host.start(SERVER);
    await made.host.login({ username: 'alice', password: 'pw' });
    made.clients[0]!.emit({ type: 'signed_out', reason: 'Your session expired.' });
    expect(made.deps.emit).toHaveBeenCalledWith({ type: 'signed_out', reason: 'Your session expired.' });
    expect(made.factory.resume).not.toHaveBeenCalled();

    const other = await signedInStayingSignedIn();
    const client = other.clients[0]!;
    client.logout.mockImplementationOnce(async () => {
      client.account = null;
      client.emit({ type: 'signed_out', reason: 'You signed out.' });
    });
    await other.host.logout();
    expect(other.factory.resume).not.toHaveBeenCalled();
    expect(other.deps.emit).toHaveBeenCalledWith({ type: 'signed_out', reason: 'You signed out.' });
  });
});
