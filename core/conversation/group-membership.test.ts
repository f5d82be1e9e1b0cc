import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { replayMembership, type GroupItem, type MembershipInput } from './group-membership.js';

interface ReaderCase {
  case: string;
  reader: string;
  messages: Array<number | GroupItem>;
  server: MembershipInput['server'];
  listedForSeconds: Record<string, number>;
  deleted: string[];
  expect: Record<string, unknown>;
}
const { membership } = JSON.parse(readFileSync(new URL('../test-fixtures/test-vectors-v2.json', import.meta.url), 'utf8')) as {
  membership: { sequence: GroupItem[]; readers: ReaderCase[]; scenarios: ReaderCase[] };
};
const bySeq = new Map(membership.sequence.map((m) => [m.seq, m]));

describe('group membership replayed from announcements (v2 vectors)', () => {
  it.each([...membership.readers, ...membership.scenarios])('$case', (c) => {
    const messages = c.messages.map((m) => (typeof m === 'number' ? bySeq.get(m)! : m));
    const result = replayMembership({ reader: c.reader, messages, server: c.server, listedForSeconds: c.listedForSeconds, deleted: c.deleted });
    expect(result).toEqual(c.expect);
  });

  it('does not take an announcement from someone outside it as the start', () => {
    const at = '2026-11-26T10:00:00.000Z';
    const result = replayMembership({
      reader: 'bob',
      messages: [{ seq: 1, sender: 'mallory', recipients: ['bob'], content: { type: 'group', name: 'G', owner: 'alice', members: ['alice', 'bob'], sentAt: at } }],
      server: { members: ['alice', 'bob'], owner: 'alice' },
      listedForSeconds: {},
      deleted: [],
    });
    expect(result.announcements).toEqual([{ seq: 1, valid: false, reason: 'not_in_members' }]);
    expect(result.send).toBe('not_a_member');
  });
});
