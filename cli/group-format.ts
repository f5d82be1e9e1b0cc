// CLI side: how a group is printed — its label (#name, or the id's start while no announcement named it), the
// lines of `group list` and `group show`, its warnings, and its stable JSON form. Names come from other people's
// announcements: every one goes through the one sanitizer, like any other text from elsewhere.
import type { GroupView } from '../core/api/view.js';
import { safeLine } from './output.js';

/** Group id → verified name (null while unnamed), as groups() answered. */
export type GroupNames = ReadonlyMap<string, string | null>;

export function groupNames(groups: readonly GroupView[]): Map<string, string | null> {
  return new Map(groups.map((g) => [g.id, g.name]));
}

/** How many characters of a group id stand for it where it has no name. */
export const SHORT_ID = 8;

/** `#Family`, or `#4a1b2c3d` (the id's start) while no verified announcement named the group. */
export function groupLabel(id: string, name: string | null | undefined): string {
  return `#${safeLine(name ? name : id.slice(0, SHORT_ID))}`;
}

export function labelOf(group: Pick<GroupView, 'id' | 'name'>): string {
  return groupLabel(group.id, group.name);
}

function names(list: readonly string[]): string {
  return list.length === 0 ? '(nobody)' : list.map(safeLine).join(', ');
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * What a person must know about the group now, one line each: its warnings (loud ones in capitals) and why
 * sending waits or cannot happen. Empty when all is well.
 */
export function groupWarningLines(group: GroupView): string[] {
  const label = labelOf(group);
  const lines = group.warnings.map((w) => `${w.loud ? 'WARNING' : 'Warning'}: ${label}: ${safeLine(w.text)}`);
  if (group.sending === 'held') {
    lines.push(`Warning: ${label}: messages wait (up to a minute) for an announcement that explains the server's member list.`);
  } else if (group.sending === 'blocked') {
    lines.push(
      `WARNING: ${label}: messages are held because the server lists members no member announced. Ask the group; ` +
        `only if it is right, run "encrypted-chat group confirm ${safeLine(group.id)}".`,
    );
  } else if (group.sending === 'not_a_member') {
    lines.push(`${label}: you are not a member (any more); nothing can be sent to it.`);
  }
  return lines;
}

/** True when `group show` should exit with 5: the server's list and the announcements disagree loudly. */
export function hasLoudWarning(group: GroupView): boolean {
  return group.sending === 'blocked' || group.warnings.some((w) => w.loud);
}

/** One line of `group list`. */
export function groupListLine(group: GroupView): string {
  const n = group.members.length;
  const parts = [`${n} member${n === 1 ? '' : 's'}`];
  if (group.owner) parts.push(`owner ${safeLine(group.owner)}`);
  if (group.unread > 0) parts.push(`${group.unread} unread`);
  if (group.sending !== 'ok') parts.push(group.sending === 'not_a_member' ? 'not a member' : `sending ${group.sending}`);
  const warned = group.warnings.some((w) => w.loud) ? '  ⚠ WARNING (run "group show")' : '';
  return `${labelOf(group)}  ${safeLine(group.id)}  ${parts.join(', ')}${warned}`;
}

/** The lines of `group show`. */
export function groupDetailLines(group: GroupView): string[] {
  const lines = [
    `${labelOf(group)}${group.name ? '' : ' (no name announced yet)'}`,
    `  id:       ${safeLine(group.id)}`,
    `  owner:    ${safeLine(group.owner ?? '?')}`,
    `  members:  ${names(group.members)}`,
  ];
  if (!sameList(group.members, group.serverMembers)) lines.push(`  the server lists: ${names(group.serverMembers)}`);
  const sending = { ok: 'ok', held: 'waiting (held)', blocked: 'HELD: needs your confirmation', not_a_member: 'not a member' }[group.sending];
  lines.push(`  sending:  ${sending}`);
  if (group.lastActivity) lines.push(`  last activity: ${safeLine(group.lastActivity)}${group.unread > 0 ? ` (${group.unread} unread)` : ''}`);
  for (const line of groupWarningLines(group)) lines.push(`  ${line}`);
  return lines;
}

/** The --json form of a group: the same field names in every command. */
export function groupJson(group: GroupView) {
  return {
    id: group.id,
    conversation: group.conversation,
    name: group.name,
    members: group.members,
    owner: group.owner,
    serverMembers: group.serverMembers,
    sending: group.sending,
    warnings: group.warnings.map((w) => ({ code: w.code, user: w.user, loud: w.loud, text: w.text })),
    unread: group.unread,
    lastActivity: group.lastActivity,
    lastSeq: group.lastSeq,
  };
}
