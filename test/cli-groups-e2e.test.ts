// The terminal client's groups and v2 messages end to end: the real CLI (cli/main.ts) against the real server,
// each command in its own process. alice makes a group with bob and carol; they talk, reply, edit, delete and
// react; each one's `messages --json` is checked; bob leaves, alice removes carol, and `group show` follows.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../core/test-fixtures/waiting.js';
import { cliRunner } from './support/cli-process.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';

const PASSWORDS: Record<string, string> = { alice: 'alice password 1', bob: 'bob password 22', carol: 'carol password 333' };
let server: ServerProcess;
let home: string;

const runner = cliRunner(() => ({ home, serverUrl: server.url }));
const running = (user: string, args: string[], input = '') => runner.running(user, args, { password: PASSWORDS[user]!, input });
const cli = (user: string, args: string[], input = '') => runner.cli(user, args, { password: PASSWORDS[user]!, input });

/** Runs a command that must succeed, and parses its --json output. */
async function json<T>(user: string, args: string[], input = ''): Promise<T> {
  const result = await cli(user, [...args, '--json'], input);
  expect([user, args, result.code, result.stderr]).toEqual([user, args, 0, expect.any(String)]);
  return JSON.parse(result.stdout) as T;
}

interface MessageJson {
  id: string;
  sender: string;
  recipient: string | null;
  group: string | null;
  conversation: string;
  kind: string;
  text: string | null;
  status: string;
  replyTo: string | null;
  edited: boolean;
  deleted: string | null;
  reactions: Array<{ emoji: string; people: string[] }>;
  warning: string | null;
}

interface GroupJson {
  id: string;
  name: string | null;
  members: string[];
  owner: string | null;
  serverMembers: string[];
  sending: string;
  warnings: unknown[];
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'ec-cli-groups-'));
  server = await startServerProcess();
});

afterAll(async () => {
  await server?.stop();
});

describe('encrypted-chat groups against the real server', () => {
  let gid = '';
  const ids: Record<string, string> = {};

  it('registers three people; alice makes a group with bob and carol', async () => {
    for (const user of ['alice', 'bob', 'carol']) expect((await cli(user, ['register'])).code).toBe(0);
    const created = await json<GroupJson>('alice', ['group', 'create', 'Family', 'bob', 'carol']);
    expect(created).toMatchObject({ name: 'Family', members: ['alice', 'bob', 'carol'], owner: 'alice', sending: 'ok' });
    gid = created.id;
    const listed = await json<GroupJson[]>('bob', ['group', 'list']);
    expect(listed.map((g) => [g.id, g.members])).toEqual([[gid, ['alice', 'bob', 'carol']]]);
  }, 120_000);

  it('each sends to the group (by name, by the start of its id, from standard input)', async () => {
    ids.alice = (await json<MessageJson>('alice', ['send', '--group', 'Family', 'Hi all, from alice'])).id;
    ids.bob = (await json<MessageJson>('bob', ['send', '--group', gid.slice(0, 8), 'Hi, bob here'])).id;
    ids.carol = (await json<MessageJson>('carol', ['send', '--group', 'Family'], 'carol\nwrote this\n')).id;
    const text = await cli('carol', ['messages', '--group', 'Family']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('[');
    expect(text.stdout).toContain('alice → #Family: Hi all, from alice');
    expect(text.stdout).toContain('bob → #Family: Hi, bob here');
    expect(text.stdout).toContain('#Family: * alice made the group “Family” with bob and carol');
  }, 120_000);

  it('reply, edit, delete and react', async () => {
    const reply = await json<MessageJson>('bob', ['reply', ids.alice!, 'Hello alice!']);
    expect(reply).toMatchObject({ group: gid, replyTo: ids.alice, text: 'Hello alice!' });
    ids.reply = reply.id;
    expect(await json<MessageJson>('alice', ['edit', ids.alice!, 'Hi all, from alice (fixed)'])).toMatchObject({ text: 'Hi all, from alice (fixed)', edited: true });
    expect(await json<MessageJson>('carol', ['delete', ids.carol!])).toMatchObject({ deleted: 'by_sender', text: null });
    expect((await cli('bob', ['react', ids.alice!, '👍'])).code).toBe(0);
    expect((await cli('carol', ['react', ids.alice!, '👍'])).code).toBe(0);
    expect((await cli('carol', ['react', ids.alice!, '🎉'])).code).toBe(0);
    const removed = await json<MessageJson>('carol', ['react', ids.alice!, '🎉', '--remove']);
    expect(removed.reactions).toEqual([{ emoji: '👍', people: ['bob', 'carol'] }]);
    const refused = await cli('bob', ['edit', ids.alice!, 'not mine']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr.trim().split('\n').at(-1)).toMatch(/^encrypted-chat: /);
  }, 180_000);

  it("shows the same conversation in each person's messages --json", async () => {
    for (const user of ['alice', 'bob', 'carol']) {
      const list = await json<MessageJson[]>(user, ['messages', '--group', 'Family']);
      expect([user, list.map((m) => [m.sender, m.kind, m.text, m.status])]).toEqual([
        user,
        [
          ['alice', 'announcement', 'alice made the group “Family” with bob and carol', 'verified'],
          ['alice', 'message', 'Hi all, from alice (fixed)', 'verified'],
          ['bob', 'message', 'Hi, bob here', 'verified'],
          ['carol', 'message', null, 'verified'],
          ['bob', 'message', 'Hello alice!', 'verified'],
        ],
      ]);
      const [, edited, , deleted, reply] = list;
      expect(edited).toMatchObject({ id: ids.alice, edited: true, group: gid, recipient: null, conversation: `group:${gid}`, reactions: [{ emoji: '👍', people: ['bob', 'carol'] }] });
      expect(deleted).toMatchObject({ id: ids.carol, deleted: 'by_sender' });
      expect(reply).toMatchObject({ id: ids.reply, replyTo: ids.alice });
      for (const m of list) expect(m.warning).toBeNull();
    }
    const text = await cli('bob', ['messages', '--group', 'Family']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('alice → #Family (edited): Hi all, from alice (fixed)');
    expect(text.stdout).toContain('  👍 2 (bob, carol)');
    expect(text.stdout).toContain('carol → #Family: (deleted)');
    expect(text.stdout).toContain('  ↪ reply to alice: Hi all, from alice (fixed)');
  }, 180_000);

  it('watch prints a new message and its edit as an update', async () => {
    const watcher = running('carol', ['watch']);
    await until(() => watcher.stderr.includes('Watching for messages as carol'), () => `the watch to start; output so far:\n${watcher.stderr}`, 30_000);
    const live = await json<MessageJson>('alice', ['send', '--group', 'Family', 'live one']);
    await until(() => watcher.stdout.includes('alice → #Family: live one'), () => `the live message; output so far:\n${watcher.stdout + watcher.stderr}`, 30_000);
    expect((await cli('alice', ['edit', live.id, 'live one, edited'])).code).toBe(0);
    await until(() => watcher.stdout.includes('↻ updated'), () => `the update line; output so far:\n${watcher.stdout + watcher.stderr}`, 30_000);
    expect(watcher.stdout).toMatch(/↻ updated \[[^\]]+\] alice → #Family \(edited\): live one, edited/);
    watcher.child.kill('SIGINT');
    expect(await watcher.exited).toBe(130);
  }, 120_000);

  it('bob leaves, alice removes carol, and group show follows', async () => {
    expect((await cli('bob', ['group', 'leave', 'Family'])).code).toBe(0);
    const afterLeave = await json<GroupJson>('alice', ['group', 'show', 'Family']);
    expect(afterLeave).toMatchObject({ members: ['alice', 'carol'], serverMembers: ['alice', 'carol'], owner: 'alice', sending: 'ok', warnings: [] });
    expect(await json<GroupJson>('carol', ['group', 'show', gid])).toMatchObject({ members: ['alice', 'carol'], sending: 'ok' });

    const removed = await json<GroupJson>('alice', ['group', 'remove', 'Family', 'carol']);
    expect(removed.members).toEqual(['alice']);
    const shown = await cli('alice', ['group', 'show', 'Family']);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('  members:  alice\n');
    expect(await json<GroupJson>('alice', ['group', 'show', gid])).toMatchObject({ members: ['alice'], serverMembers: ['alice'], owner: 'alice' });

    const bobList = await json<GroupJson[]>('bob', ['group', 'list']);
    expect(bobList.filter((g) => g.id === gid).map((g) => g.sending)).toEqual(bobList.some((g) => g.id === gid) ? ['not_a_member'] : []);
    const lonely = await cli('alice', ['send', '--group', 'Family', 'anyone?']);
    expect(lonely.code).not.toBe(0);
    expect(lonely.stderr.trim().split('\n').at(-1)).toMatch(/^encrypted-chat: /);

    // bob was never the owner: his leaving changes no owner.
    const carolSees = await json<MessageJson[]>('carol', ['messages', '--group', gid]);
    expect(carolSees.filter((m) => m.kind === 'announcement').map((m) => m.text)).toEqual([
      'alice made the group “Family” with bob and carol',
      'bob left the group',
      'alice removed carol',
    ]);
  }, 180_000);
});
