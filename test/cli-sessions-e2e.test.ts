// The terminal client and v2's device sessions, end to end: each command ends its own session when done, so
// the account's list shows the other devices; one of them is ended from the terminal, then all of them.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatClient } from '../core/client/chat-client.js';
import { MemoryStore } from '../core/client/store.js';
import { failure } from '../core/test-fixtures/waiting.js';
import { cliRunner } from './support/cli-process.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';

const PASSWORD = 'alice password 1';
let server: ServerProcess;
let home: string;
const { cli } = cliRunner(() => ({ home, serverUrl: server.url }));

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'ec-cli-sessions-'));
  server = await startServerProcess();
});
afterAll(async () => {
  await server?.stop();
});

interface SessionJson {
  id: string;
  device: string | null;
  current: boolean;
}

const list = async () => {
  const result = await cli('alice', ['sessions', '--json'], { password: PASSWORD });
  expect([result.code, result.stderr]).toEqual([0, expect.any(String)]);
  return JSON.parse(result.stdout) as SessionJson[];
};

describe('encrypted-chat sessions against the real server', () => {
  it('lists only the command itself and the other devices, ends one, then every one', async () => {
    expect((await cli('alice', ['register'], { password: PASSWORD })).code).toBe(0);
    expect(await list()).toEqual([{ id: expect.any(String), device: expect.stringMatching(/^Terminal, /), current: true, signedInAt: expect.any(String), lastSeenAt: expect.any(String) }]);

    const laptop = new ChatClient({ serverUrl: server.url, store: new MemoryStore(), device: 'Desktop, Linux' });
    const phone = new ChatClient({ serverUrl: server.url, store: new MemoryStore(), device: 'Web, Firefox' });
    await laptop.login({ username: 'alice', password: PASSWORD });
    await phone.login({ username: 'alice', password: PASSWORD });
    const seen = await list();
    expect(seen.map((s) => [s.device, s.current]).sort()).toEqual([
      ['Desktop, Linux', false],
      ['Web, Firefox', false],
      [expect.stringMatching(/^Terminal, /), true],
    ].sort());
    const text = await cli('alice', ['sessions'], { password: PASSWORD });
    expect(text.stdout).toMatch(/Desktop, Linux {2}since .*, last seen /);
    expect(text.stdout).toMatch(/\(this command\)/);

    const laptopSession = seen.find((s) => s.device === 'Desktop, Linux')!;
    expect((await cli('alice', ['sessions', 'revoke', laptopSession.id], { password: PASSWORD })).stdout).toContain('that device has to sign in again');
    expect((await failure(laptop.contacts())).code).toBe('unauthorized');
    expect(await phone.contacts()).toEqual([]);
    const left = (await list()).map((s) => s.device);
    expect(left).toHaveLength(2);
    expect(left).toEqual(expect.arrayContaining(['Web, Firefox', expect.stringMatching(/^Terminal, /)]));

    const unknown = await cli('alice', ['sessions', 'revoke', laptopSession.id], { password: PASSWORD });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('not signed in any more');
    expect((await cli('alice', ['sessions', 'revoke', 'not-an-id'], { password: PASSWORD })).code).toBe(2);

    expect((await cli('alice', ['logout', '--everywhere'], { password: PASSWORD })).code).toBe(0);
    expect((await failure(phone.contacts())).code).toBe('unauthorized');
    await Promise.all([laptop.close(), phone.close()]);
    // Eleven terminal runs, each a process start and a full sign-in (PBKDF2, RSA): a minute on a loaded machine.
  }, 180_000);
});
