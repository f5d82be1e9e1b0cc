// The sidebar's one list: people and groups together, the newest activity first. A conversation without any
// message yet (just opened from search, or just made) comes first, as the one the person is busy with.
import type { ContactView, ConversationKey, GroupView } from '../../../core/api/chat-api.js';

export type SidebarEntry =
  | { kind: 'person'; key: ConversationKey; name: string; contact: ContactView }
  | { kind: 'group'; key: ConversationKey; name: string; group: GroupView };

/** A group's name as shown: the announced one, or "Unnamed group" until a member named it. */
export function groupTitle(group: Pick<GroupView, 'name'> | null): string {
  return group?.name ?? 'Unnamed group';
}

export function sidebarEntries(contacts: readonly ContactView[], groups: readonly GroupView[]): SidebarEntry[] {
  const entries: SidebarEntry[] = [
    ...contacts.map((contact): SidebarEntry => ({ kind: 'person', key: contact.username, name: contact.username, contact })),
    ...groups.map((group): SidebarEntry => ({ kind: 'group', key: group.conversation, name: groupTitle(group), group })),
  ];
  const seqOf = (e: SidebarEntry) => (e.kind === 'person' ? e.contact.lastSeq : e.group.lastSeq) ?? Number.POSITIVE_INFINITY;
  // Array.prototype.sort is stable: entries of equal activity keep the order the core listed them in.
  return entries.sort((a, b) => seqOf(b) - seqOf(a) || (seqOf(a) === Number.POSITIVE_INFINITY ? 0 : a.name.localeCompare(b.name)));
}
