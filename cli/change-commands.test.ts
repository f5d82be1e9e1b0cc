// send --group, reply, edit, delete and react with the fake ChatClient: the requests they make, what they
// print (and as JSON), text from standard input, and the arguments they refuse before signing in.
import { describe, expect, it } from 'vitest';
import { ChatError } from '../core/api/errors.js';
import { FakeClient, GID, group, groupView, MID, NEW_ID, run, view } from './fake-client.fixture.js';

const requests = (fake: FakeClient, name: string) => fake.requests.filter(([n]) => n === name).map(([, arg]) => arg);

function fake(): FakeClient {
  const f = new FakeClient();
  f.groupList = [group()];
  f.views = [groupView({ sender: 'bob', outgoing: true, text: 'dinner at 7? it is going to be a long evening of talk' })];
  return f;
}

describe('send', () => {
  it('sends to a group named by --group, text from the argument or standard input', async () => {
    const f = fake();
    const sent = await run(['send', '--group', 'Family', 'hi all'], f);
    expect(sent.code).toBe(0);
    expect(sent.stdout).toBe(`Sent to #Family at 2026-11-25 12:00 (id ${NEW_ID}).\n`);
    const piped = await run(['send', '--group', '7c9e', '--json'], f, { stdin: 'from\nstdin\n' });
    expect(JSON.parse(piped.stdout)).toMatchObject({ id: NEW_ID, group: GID, recipient: null, conversation: `group:${GID}`, text: 'from\nstdin', kind: 'message' });
    expect(requests(f, 'send')).toEqual([
      { conversation: `group:${GID}`, text: 'hi all', id: NEW_ID },
      { conversation: `group:${GID}`, text: 'from\nstdin', id: NEW_ID },
    ]);
  });

  it('exits with 5 when the group holds the message (a member no announcement explains)', async () => {
    const f = fake();
    f.send = () => Promise.reject(new ChatError('held', 'The server lists mallory in this group, but no member added them.'));
    const held = await run(['send', '--group', 'Family', 'hi'], f);
    expect(held.code).toBe(5);
    expect(held.stderr).toBe('encrypted-chat: The server lists mallory in this group, but no member added them.\n');
  });

  it('still sends to a person', async () => {
    const f = fake();
    expect((await run(['send', 'Alice', 'hi'], f)).stdout).toBe(`Sent to alice at 2026-11-25 12:00 (id ${NEW_ID}).\n`);
    expect(requests(f, 'send')).toEqual([{ conversation: 'alice', text: 'hi', id: NEW_ID }]);
  });

  it('refuses a name beside --group, a missing one without, and --group elsewhere', async () => {
    const f = fake();
    expect((await run(['send', '--group', 'Family', 'bob', 'hi'], f)).code).toBe(2);
    expect((await run(['send'], f)).stderr).toContain('"send" needs an argument');
    expect((await run(['send', '--group', '', 'hi'], f)).stderr).toContain('--group: is empty');
    expect((await run(['users', '--group', 'Family'], f)).stderr).toContain('--group does not apply to "users"');
    expect((await run(['messages', '--group', 'Family', '--peer', 'bob'], f)).stderr).toContain('use --peer or --group, not both');
    expect(f.calls).toEqual([]);
  });
});

describe('reply', () => {
  it('answers in the conversation of the message it replies to', async () => {
    const f = fake();
    const result = await run(['reply', MID.toUpperCase(), 'yes!'], f);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`Replied in #Family (a reply to bob) at 2026-11-25 12:00 (id ${NEW_ID}).\n`);
    f.views.push(view({ id: '3f1c2a9e-7b4d-4e2a-9c1f-5d6e7f8a9b0d', conversation: 'alice' }));
    await run(['reply', '3f1c2a9e-7b4d-4e2a-9c1f-5d6e7f8a9b0d'], f, { stdin: 'direct reply' });
    expect(requests(f, 'send')).toEqual([
      { conversation: `group:${GID}`, text: 'yes!', id: NEW_ID, replyTo: MID },
      { conversation: 'alice', text: 'direct reply', id: NEW_ID, replyTo: '3f1c2a9e-7b4d-4e2a-9c1f-5d6e7f8a9b0d' },
    ]);
  });

  it('fails with 1 for a message it cannot read, and 2 for a bad id', async () => {
    const f = fake();
    const missing = await run(['reply', '3f1c2a9e-7b4d-4e2a-9c1f-000000000000', 'hi'], f);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('There is no message 3f1c2a9e-7b4d-4e2a-9c1f-000000000000 that you can read');
    const bad = await run(['reply', 'abc', 'hi'], f);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('MESSAGE-ID: must be a lowercase UUID version 4');
    expect((await run(['reply', MID, '  '], f)).stderr).toContain('TEXT: is empty');
    expect(requests(f, 'send')).toEqual([]);
  });
});

describe('edit, delete, react', () => {
  it('edit sends the new text and prints the message as it is now', async () => {
    const f = fake();
    const result = await run(['edit', MID, 'dinner at 8'], f);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`Edited ${MID} in #Family:\n[2026-11-25 12:00] bob → #Family (edited): dinner at 8\n`);
    await run(['edit', MID], f, { stdin: 'from stdin\n' });
    expect(requests(f, 'editMessage')).toEqual([{ target: MID, text: 'dinner at 8', id: NEW_ID }, { target: MID, text: 'from stdin', id: NEW_ID }]);
    const json = JSON.parse((await run(['edit', MID, 'again', '--json'], f)).stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ id: MID, text: 'again', edited: true });
  });

  it('delete withdraws the message', async () => {
    const f = fake();
    const result = await run(['delete', MID], f);
    expect(result.stdout).toBe(`Deleted ${MID} for everyone in #Family:\n[2026-11-25 12:00] bob → #Family: (deleted)\n`);
    expect(requests(f, 'deleteMessage')).toEqual([{ target: MID, id: NEW_ID }]);
    expect(JSON.parse((await run(['delete', MID, '--json'], f)).stdout)).toMatchObject({ deleted: 'by_sender', text: null });
    expect((await run(['delete', MID, 'extra'], f)).code).toBe(2);
  });

  it('react adds, or with --remove takes back, one emoji', async () => {
    const f = fake();
    const added = await run(['react', MID, '👍'], f);
    expect(added.stdout.split('\n').slice(0, 3)).toEqual([
      `Reacted 👍 to ${MID} in #Family:`,
      '[2026-11-25 12:00] bob → #Family: dinner at 7? it is going to be a long evening of talk',
      '  👍 1 (bob)',
    ]);
    expect((await run(['react', MID, '👍', '--remove'], f)).stdout).toContain(`Took back your 👍 on ${MID}`);
    expect(requests(f, 'react')).toEqual([{ target: MID, emoji: '👍', id: NEW_ID }, { target: MID, emoji: '👍', id: NEW_ID, remove: true }]);
    expect(JSON.parse((await run(['react', MID, '🎉', '--json'], f)).stdout)).toMatchObject({ reactions: [{ emoji: '🎉', people: ['bob'] }] });
  });

  it("reads the target's conversation first (a fresh session knows no earlier changes), and fails for an unknown target", async () => {
    const f = fake();
    for (const argv of [['edit', MID, 'x'], ['delete', MID], ['react', MID, '👍']]) await run(argv, f);
    expect(requests(f, 'recentMessages')).toEqual(Array(3).fill({ conversation: `group:${GID}`, limit: 200 }));
    const unknown = '3f1c2a9e-7b4d-4e2a-9c1f-000000000000';
    for (const argv of [['edit', unknown, 'x'], ['delete', unknown], ['react', unknown, '👍']]) {
      const result = await run(argv, f);
      expect([argv, result.code, result.stderr]).toEqual([argv, 1, expect.stringContaining(`There is no message ${unknown} that you can read`)]);
    }
    expect(requests(f, 'editMessage').length + requests(f, 'deleteMessage').length + requests(f, 'react').length).toBe(3);
  });

  it('refuses bad arguments before signing in', async () => {
    const f = fake();
    expect((await run(['react', MID], f)).stderr).toContain('"react" needs 2 arguments');
    expect((await run(['react', MID, '👍'.repeat(9)], f)).stderr).toContain('EMOJI: must be at most 32 bytes');
    expect((await run(['react', MID, ''], f)).stderr).toContain('EMOJI: is empty');
    expect((await run(['edit', MID, '--remove', 'x'], f)).stderr).toContain('--remove does not apply to "edit"');
    expect((await run(['delete'], f)).code).toBe(2);
    expect((await run(['edit', 'not-an-id', 'x'], f)).code).toBe(2);
    expect(f.calls).toEqual([]);
  });
});
