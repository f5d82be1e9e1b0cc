// Core side (runs anywhere): what a conversation shows once its verified format 2 messages are applied to one
// another — edits, deletions and reactions (PROTOCOL.md "v2 message content", "Deleting a message"). Pure:
// the same verified items give the same result, whatever order they were read in.
import type { KnownContent } from '../protocol/content.js';

export interface VerifiedContentItem {
  id: string;
  seq: number;
  sender: string;
  /** The direct pair or group the message's header binds it to. */
  conversation: string;
  content: KnownContent;
}

/** A record whose encrypted fields the server erased (DELETE /messages/{id}): only its header remains. */
export interface ErasedItem {
  id: string;
  seq: number;
  sender: string;
  conversation: string;
  erased: true;
}

export type ChangeItem = VerifiedContentItem | ErasedItem;

export const MAY_NOT_CHANGE = 'refers to a message it may not change';

export type ItemState =
  | { state: 'shown'; deleted: false; edited: boolean; text: string | null; reactions: Record<string, string[]> }
  | { state: 'deleted'; deleted: true }
  | { state: 'removed by the server'; deleted: false }
  /** A change that took effect on its target. */
  | { state: 'applied' }
  /** A change whose target this reader has not read (yet): never shown alone. */
  | { state: 'waiting' }
  | { state: 'failed'; reason: string };

type Change = VerifiedContentItem & { content: Extract<KnownContent, { type: 'edit' | 'delete' | 'reaction' }> };

const isErased = (item: ChangeItem): item is ErasedItem => 'erased' in item;
const isChange = (item: ChangeItem): item is Change =>
  !isErased(item) && (item.content.type === 'edit' || item.content.type === 'delete' || item.content.type === 'reaction');
/** "the latest by sentAt counts"; "ties in sentAt are broken by seq" */
const later = (a: VerifiedContentItem, b: VerifiedContentItem) => a.content.sentAt > b.content.sentAt || (a.content.sentAt === b.content.sentAt && a.seq > b.seq);

/** Whether `change` may act on `target`: the same conversation; edits and deletes only by the target's sender. */
function allowed(change: Change, target: ChangeItem): boolean {
  if (target.conversation !== change.conversation) return false;
  if (change.content.type === 'reaction') return isErased(target) || target.content.type === 'text' || target.content.type === 'file';
  if (target.sender !== change.sender) return false;
  // An erased target shows nothing an edit could change: one made before it was withdrawn is simply spent.
  if (change.content.type === 'edit') return isErased(target) || target.content.type === 'text' || target.content.type === 'file';
  return true;
}

export function applyContentChanges(items: readonly ChangeItem[]): Map<string, ItemState> {
  const byId = new Map(items.map((item) => [item.id, item]));
  const result = new Map<string, ItemState>();
  const edits = new Map<string, Change>();
  const deletes = new Set<string>();
  // Per target, per (person, emoji): the latest reaction or its removal.
  const reactions = new Map<string, Map<string, Change>>();

  for (const item of [...items].sort((a, b) => a.seq - b.seq)) {
    if (!isChange(item)) continue;
    const target = byId.get(item.content.target);
    if (!target) {
      result.set(item.id, { state: 'waiting' });
      continue;
    }
    if (!allowed(item, target)) {
      result.set(item.id, { state: 'failed', reason: MAY_NOT_CHANGE });
      continue;
    }
    result.set(item.id, { state: 'applied' });
    if (item.content.type === 'delete') deletes.add(target.id);
    else if (item.content.type === 'edit') {
      const current = edits.get(target.id);
      if (!current || later(item, current)) edits.set(target.id, item);
    } else {
      const perTarget = reactions.get(target.id) ?? new Map<string, Change>();
      reactions.set(target.id, perTarget);
      const key = `${item.sender}\n${item.content.emoji}`;
      const current = perTarget.get(key);
      if (!current || later(item, current)) perTarget.set(key, item);
    }
  }

  for (const item of items) {
    if (result.has(item.id)) continue;
    if (deletes.has(item.id)) result.set(item.id, { state: 'deleted', deleted: true });
    else if (isErased(item)) result.set(item.id, { state: 'removed by the server', deleted: false });
    else result.set(item.id, shown(item, edits.get(item.id), reactions.get(item.id)));
  }
  return result;
}

function shown(item: VerifiedContentItem, edit: Change | undefined, reactions: Map<string, Change> | undefined): ItemState {
  const own = item.content.type === 'text' || item.content.type === 'file' ? (item.content.text ?? null) : null;
  const text = edit && edit.content.type === 'edit' ? edit.content.text : own;
  const counted: Record<string, string[]> = {};
  for (const reaction of reactions?.values() ?? []) {
    if (reaction.content.type !== 'reaction' || reaction.content.remove) continue;
    (counted[reaction.content.emoji] ??= []).push(reaction.sender);
  }
  for (const people of Object.values(counted)) people.sort();
  return { state: 'shown', deleted: false, edited: edit !== undefined, text, reactions: counted };
}
