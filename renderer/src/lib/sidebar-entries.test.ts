import { describe, expect, it } from 'vitest';
import type { ContactView, GroupView } from '../../../core/api/chat-api.js';
import { groupTitle, sidebarEntries } from './sidebar-entries.js';

const contact = (username: string, lastSeq: number | null): ContactView => ({ username, keyStatus: 'pinned', unread: 0, lastActivity: null, lastSeq });
const group = (id: string, name: string | null, lastSeq: number | null): GroupView => ({
  id, conversation: `group:${id}`, name, members: ['alice', 'bob'], owner: 'alice', serverMembers: ['alice', 'bob'],
  sending: 'ok', warnings: [], unread: 0, lastActivity: null, lastSeq,
});

describe('sidebarEntries', () => {
  it('lists people and groups in one list, newest activity first, new conversations on top', () => {
    const entries = sidebarEntries([contact('bob', 3), contact('carol', null), contact('dave', 9)], [group('g1', 'Climbing', 5), group('g2', null, 12)]);
    expect(entries.map((e) => e.key)).toEqual(['carol', 'group:g2', 'dave', 'group:g1', 'bob']);
    expect(entries.map((e) => e.name)).toEqual(['carol', 'Unnamed group', 'dave', 'Climbing', 'bob']);
  });

  it('names a group "Unnamed group" until it is named', () => {
    expect(groupTitle({ name: null })).toBe('Unnamed group');
    expect(groupTitle({ name: 'Family' })).toBe('Family');
  });
});
