// Neutral ground (runs anywhere, no zod): the ConversationKey of view.ts — a direct conversation is the other
// person's username, a group one "group:" + the group's id.
import type { ConversationKey } from './view.js';

const GROUP_PREFIX = 'group:';

export type ConversationTarget = { kind: 'direct'; peer: string } | { kind: 'group'; group: string };

export function groupKey(group: string): ConversationKey {
  return `${GROUP_PREFIX}${group}`;
}

export function isGroupKey(key: ConversationKey): boolean {
  return key.startsWith(GROUP_PREFIX);
}

/** The key as a direct peer or a group id; the key itself was validated by conversationKeySchema. */
export function targetOf(key: ConversationKey): ConversationTarget {
  return isGroupKey(key) ? { kind: 'group', group: key.slice(GROUP_PREFIX.length) } : { kind: 'direct', peer: key };
}
