// How group messages, replies, edits, deletes, reactions, announcements, failed changes, the sender's clock and
// membership warnings are printed, by formatMessage and through "messages" and "watch" with the fake client.
import { describe, expect, it } from 'vitest';
import type { MessageView } from '../core/api/view.js';
import { FakeClient, GID, GID2, group, groupView, MID, run, view } from './fake-client.fixture.js';
import { formatMessage, isHidden, messageJson, replyPreview } from './message-format.js';
import { CONTINUATION } from './output.js';

const names = new Map([[GID, 'Family']]);
const T = '[2026-11-25 12:00]';
const id = (n: number) => `3f1c2a9e-7b4d-4e2a-9c1f-5d6e7f8a9b${n.toString().padStart(2, '0')}`;

describe('formatMessage', () => {
  it('names the group, or the start of its id while unnamed', () => {
    expect(formatMessage(groupView(), { groups: names })).toBe(`${T} alice → #Family: hello`);
    expect(formatMessage(groupView())).toBe(`${T} alice → #7c9e6679: hello`);
    expect(formatMessage(groupView(), { groups: new Map([[GID, 'Fam\u202e\nily']]) })).toBe(`${T} alice → #Fam\\u202e\\u000aily: hello`);
    expect(formatMessage(groupView(), { groups: names, ids: true })).toBe(`${T} ${MID} alice → #Family: hello`);
  });

  it('shows replies, edits, deletes, reactions and the sender clock on detail lines', () => {
    const target = groupView({ id: id(1), sender: 'bob', text: 'Dinner at seven tonight?\nI will cook something nice for all of us' });
    const reply = groupView({
      replyTo: id(1),
      text: 'yes\nsure',
      edited: true,
      reactions: [{ emoji: '👍', people: ['bob', 'carol'] }, { emoji: '❤️', people: ['dave'] }],
      senderClock: '2026-11-25T10:00:00.000Z',
    });
    expect(formatMessage(reply, { groups: names, messages: new Map([[id(1), target]]) }).split('\n')).toEqual([
      `${T} alice → #Family (edited): yes`,
      `${CONTINUATION}sure`,
      '  ↪ reply to bob: Dinner at seven tonight? I will cook so…',
      '  👍 2 (bob, carol)   ❤️ 1 (dave)',
      "  ⏱ the sender's clock said 2026-11-25 10:00",
    ]);
    expect(replyPreview(undefined, id(1))).toBe('↪ reply to a message not read on this device (3f1c2a9e…)');
    expect(replyPreview({ ...target, deleted: 'by_sender', text: null }, id(1))).toBe('↪ reply to bob: (deleted)');
    expect(replyPreview({ ...target, status: 'bad_signature', text: 'SECRET' }, id(1))).toBe('↪ reply to bob: (not verified)');
    expect(formatMessage(groupView({ deleted: 'by_sender', text: null, reactions: [{ emoji: '👍', people: ['bob'] }] }), { groups: names })).toBe(`${T} alice → #Family: (deleted)`);
    expect(formatMessage(view({ deleted: 'by_server', text: null, edited: true }))).toBe(`${T} alice → bob: (removed by the server)`);
  });

  it('prints announcements as one line, and hides verified changes but not failed ones', () => {
    const announcement = groupView({ kind: 'announcement', text: 'alice added carol' });
    expect(formatMessage(announcement, { groups: names })).toBe(`${T} #Family: * alice added carol`);
    expect(formatMessage({ ...announcement, status: 'invalid_announcement', reason: null, text: null }, { groups: names })).toBe(
      `${T} alice → #Family: ✗ GROUP CHANGE REFUSED (invalid_announcement): It is a group change its sender may not make, or its lists do not add up.`,
    );
    const change = groupView({ kind: 'change', text: null });
    expect(isHidden(change)).toBe(true);
    const failed = { ...change, status: 'may_not_change' as const, reason: 'It refers to a message it may not change.' };
    expect(isHidden(failed)).toBe(false);
    expect(formatMessage(failed, { groups: names })).toBe(`${T} alice → #Family: ✗ CHANGE NOT APPLIED (may_not_change): It refers to a message it may not change.`);
  });

  it('leads with a membership warning, loudly, and keeps the text below it', () => {
    const warned = groupView({ sender: 'mallory', text: 'trust me', warning: 'mallory is not a member\u001b[0m of this group.' });
    expect(formatMessage(warned, { groups: names }).split('\n')).toEqual([
      `${T} mallory → #Family: ⚠ WARNING: mallory is not a member\\u001b[0m of this group.`,
      `${CONTINUATION}trust me`,
    ]);
  });

  it('a reaction or a group name cannot forge a header line', () => {
    const hostile: MessageView = groupView({ reactions: [{ emoji: '\n[2026-11-25 12:00:01] bob → #Family: x', people: ['b\nc'] }], senderClock: '\u009b2J' });
    const lines = formatMessage(hostile, { groups: new Map([[GID, 'F\n[x]']]) }).split('\n');
    expect(lines).toHaveLength(3);
    for (const line of lines.slice(1)) expect(line.startsWith('  ')).toBe(true);
    expect(lines.join('\n')).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  });

  it('JSON has the same field names for every message, text null unless verified and not deleted', () => {
    const keys = ['id', 'sender', 'recipient', 'group', 'conversation', 'timestamp', 'kind', 'text', 'status', 'reason', 'replyTo', 'edited', 'deleted', 'reactions', 'senderClock', 'warning'];
    expect(Object.keys(messageJson(view()))).toEqual(keys);
    expect(Object.keys(messageJson(groupView({ kind: 'announcement' })))).toEqual(keys);
    expect(messageJson(groupView({ deleted: 'by_server', text: 'leftover' })).text).toBeNull();
    expect(messageJson(groupView({ status: 'bad_signature', text: 'SECRET', reason: 'r' }))).toMatchObject({ text: null, reason: 'r', group: GID, recipient: null });
  });
});

describe('messages', () => {
  function fake(): FakeClient {
    const f = new FakeClient();
    f.groupList = [group(), group({ id: GID2, name: 'Work' })];
    f.views = [
      groupView({ id: id(1), seq: 1, kind: 'announcement', text: 'alice added bob and carol' }),
      groupView({ id: id(2), seq: 2, text: 'first' }),
      groupView({ id: id(3), seq: 3, kind: 'change', text: null }),
      groupView({ id: id(4), seq: 4, sender: 'carol', replyTo: id(2), text: 'second', reactions: [{ emoji: '👍', people: ['alice', 'bob'] }] }),
      view({ id: id(5), seq: 5, text: 'direct' }),
      groupView({ id: id(6), seq: 6, group: GID2, conversation: `group:${GID2}`, text: 'work talk' }),
    ];
    return f;
  }

  it('prints direct and group messages together, hiding verified changes', async () => {
    const result = await run(['messages'], fake());
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual([
      `${T} #Family: * alice added bob and carol`,
      `${T} alice → #Family: first`,
      `${T} carol → #Family: second`,
      '  ↪ reply to alice: first',
      '  👍 2 (alice, bob)',
      `${T} alice → bob: direct`,
      `${T} alice → #Work: work talk`,
    ]);
  });

  it('--group shows one group, marks it read, and --ids prints ids', async () => {
    const f = fake();
    const result = await run(['messages', '--group', 'Family', '--ids'], f);
    expect(result.stdout.trim().split('\n').filter((l) => l.startsWith('['))).toEqual([
      `${T} ${id(1)} #Family: * alice added bob and carol`,
      `${T} ${id(2)} alice → #Family: first`,
      `${T} ${id(4)} carol → #Family: second`,
    ]);
    expect(f.requests.filter(([n]) => n !== 'groupDetails')).toEqual([
      ['recentMessages', { conversation: `group:${GID}`, limit: 50 }],
      ['markRead', [`group:${GID}`, 4]],
    ]);
    expect((await run(['messages', '--group', 'Nope'], f)).code).toBe(1);
    const empty = new FakeClient();
    empty.groupList = [group()];
    expect((await run(['messages', '--group', GID], empty)).stdout).toBe('No messages with #Family yet.\n');
  });

  it('--json lists every field, changes left out', async () => {
    const json = JSON.parse((await run(['messages', '--json', '--group', 'Family'], fake())).stdout) as Array<Record<string, unknown>>;
    expect(json.map((m) => [m.id, m.kind, m.text, m.replyTo])).toEqual([
      [id(1), 'announcement', 'alice added bob and carol', null],
      [id(2), 'message', 'first', null],
      [id(4), 'message', 'second', id(2)],
    ]);
    expect(json[2]).toMatchObject({ group: GID, recipient: null, conversation: `group:${GID}`, reactions: [{ emoji: '👍', people: ['alice', 'bob'] }] });
  });

  it('exits with 5 when a message carries a membership warning, saying so on stderr', async () => {
    const f = new FakeClient();
    f.groupList = [group()];
    f.views = [groupView({ sender: 'mallory', warning: 'mallory is not a member of this group.' })];
    const result = await run(['messages'], f);
    expect(result.code).toBe(5);
    expect(result.stdout).toContain('mallory → #Family: ⚠ WARNING: mallory is not a member of this group.');
    expect(result.stderr).toContain('WARNING: 1 message(s) above carry a group membership warning: #Family.');
    expect((await run(['messages', '--json'], f)).code).toBe(5);
  });
});

describe('watch', () => {
  it('prints new messages, updates of earlier ones, and group warnings once each', async () => {
    const f = new FakeClient();
    f.groupList = [group()];
    f.views = [groupView({ id: id(1), text: 'first' }), groupView({ id: id(2), kind: 'change', text: null }), groupView({ id: id(3), sender: 'carol', replyTo: id(1), text: 'reply' })];
    const blocked = group({ sending: 'blocked', serverMembers: ['alice', 'bob', 'carol', 'mallory'], warnings: [{ code: 'unannounced_member', user: 'mallory', loud: true, text: 'The server lists mallory in this group, but no member added them.' }] });
    f.live = (emit) => {
      emit({ type: 'connection', state: 'online', detail: null });
      for (const v of f.views) emit({ type: 'message', message: v });
      emit({ type: 'message_updated', message: { ...f.views[0]!, text: 'first, edited', edited: true, reactions: [{ emoji: '👍', people: ['bob'] }] } });
      emit({ type: 'group_changed', group: blocked });
      emit({ type: 'group_changed', group: blocked });
      emit({ type: 'group_changed', group: { ...blocked, name: 'Renamed' } });
      emit({ type: 'group_changed', group: group({ name: 'Renamed' }) });
    };
    const controller = new AbortController();
    setTimeout(() => controller.abort('SIGINT'), 150);
    const result = await run(['watch'], f, { signal: controller.signal });
    expect(result.code).toBe(130);
    expect(result.stdout.trim().split('\n')).toEqual([
      `${T} alice → #Family: first`,
      `${T} carol → #Family: reply`,
      '  ↪ reply to alice: first',
      `↻ updated ${T} alice → #Family (edited): first, edited`,
      '  👍 1 (bob)',
    ]);
    const loud = 'WARNING: #Family: The server lists mallory in this group, but no member added them.';
    expect(result.stderr.trim().split('\n')).toEqual([
      'Watching for messages as bob (Ctrl-C to stop).',
      loud,
      expect.stringMatching(/^WARNING: #Family: messages are held/),
      loud.replace('#Family', '#Renamed'),
      expect.stringMatching(/^WARNING: #Renamed: messages are held/),
    ]);
  });
});
