// Core side (runs anywhere): the sentences a person reads about a group — what an announcement changed, why one
// is not valid, and what is wrong with a message's membership (PROTOCOL.md "Membership end to end").
import type { GroupContent } from '../protocol/content.js';
import type { InvalidReason, MembershipWarning } from '../conversation/group-membership.js';

function list(names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** One line for a valid announcement, e.g. "alice added carol and dave"; `previousOwner` the owner before it. */
export function announcementText(sender: string, c: GroupContent, first: boolean, previousOwner: string | null): string {
  const add = (c.add ?? []).filter((n) => n !== sender);
  const remove = c.remove ?? [];
  if ((c.add ?? []).includes(sender) && first) {
    return add.length > 0 ? `${sender} made the group “${c.name}” with ${list(add)}` : `${sender} made the group “${c.name}”`;
  }
  const parts: string[] = [];
  if (add.length > 0) parts.push(`added ${list(add)}`);
  const others = remove.filter((n) => n !== sender);
  if (others.length > 0) parts.push(`removed ${list(others)}`);
  if (remove.includes(sender)) parts.push('left the group');
  if (parts.length === 0) return `${sender} named the group “${c.name}”`;
  const owner = previousOwner !== null && remove.includes(previousOwner) && c.owner !== previousOwner ? `; ${c.owner} is the owner now` : '';
  return `${sender} ${list(parts)}${owner}`;
}

const INVALID: Record<InvalidReason, string> = {
  not_member: 'Its sender is not a member of the group, so it changes nothing.',
  not_owner: 'Only the group’s owner may remove others; it changes nothing.',
  change_mismatch: 'Its member list does not match the change it names; it changes nothing.',
  owner_change: 'It names an owner it may not name; it changes nothing.',
  not_in_members: 'It does not name you and its sender as members, so it changes nothing.',
};

export function invalidAnnouncementText(reason: InvalidReason): string {
  return `This group change is not valid. ${INVALID[reason]}`;
}

/** A message whose sender or recipients differ from the announced membership at that point. */
export function messageWarningText(sender: string, w: { warnings: string[]; extra?: string[]; missing?: string[] }): string | null {
  if (w.warnings.includes('sender_not_member')) return `${sender} is not a member of this group as its members announced it: this message may not be genuine.`;
  const parts: string[] = [];
  if (w.extra?.length) parts.push(`it was also sent to ${list(w.extra)}, whom no member added`);
  if (w.missing?.length) parts.push(`it was not sent to ${list(w.missing)}, who ${w.missing.length === 1 ? 'is a member' : 'are members'}`);
  return parts.length > 0 ? `Sent to a different membership than the group announced: ${parts.join('; ')}.` : null;
}

/** A group warning as a sentence that starts with a capital and ends with a full stop. */
export function warningSentence(w: MembershipWarning): string {
  if (w.code === 'unannounced_member') {
    return `The server lists ${w.user} in this group, but no member added them. Messages wait until a member announces it, or until you confirm the server's list.`;
  }
  return `${w.user} was removed without an announcement.`;
}
