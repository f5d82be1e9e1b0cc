// Core side (runs in Node, Electron main and the browser worker): what each read message shows once the
// conversation's other verified messages are applied to it — edits, deletions, reactions (PROTOCOL.md "v2
// message content", "Deleting a message") — over a bounded ledger of what this session has read.
import { applyContentChanges, type ChangeItem, type ItemState } from '../conversation/content-changes.js';
import type { ConversationKey, FileView, MessageView, ReactionView } from '../api/view.js';
import type { FileContent } from '../protocol/content.js';
import { inlineImageType, safeFileName } from '../protocol/file-rules.js';
import { decodeBase64, isBase64 } from '../protocol/base64.js';
import { BoundedMap } from './bounded.js';
import type { ReadItem } from './message-reader.js';

const MAX_LEDGER = 10_000;

const CHANGE_FAILED: Record<string, string> = {
  edit: 'This edit refers to a message it may not change.',
  delete: 'This deletion refers to a message it may not change.',
  reaction: 'This reaction refers to a message it may not change.',
};

export class ContentLedger {
  /** By message id: what each read message contributes to its conversation. */
  readonly #items = new BoundedMap<string, ChangeItem & { conversation: ConversationKey }>(MAX_LEDGER);

  /** Takes in what a read message says (verified content, or an erased record). */
  learn(item: ReadItem): void {
    const { id, seq, sender, conversation } = item.view;
    if (item.erased) this.#items.set(id, { id, seq, sender, conversation, erased: true });
    else if (item.content && item.view.status === 'verified') this.#items.set(id, { id, seq, sender, conversation, content: item.content });
  }

  forget(id: string): void {
    this.#items.delete(id);
  }

  clear(): void {
    this.#items.clear();
  }

  /**
   * The state of every learned message of the conversation, changes applied. The targets its changes name come
   * along from wherever they are, so that a change aimed at another conversation fails rather than waits.
   */
  states(conversation: ConversationKey): Map<string, ItemState> {
    const items = [...this.#items.values()].filter((i) => i.conversation === conversation);
    const named = new Set(items.flatMap((i) => ('content' in i && 'target' in i.content && typeof i.content.target === 'string' ? [i.content.target] : [])));
    for (const id of named) {
      const target = this.#items.get(id);
      if (target && target.conversation !== conversation) items.push(target);
    }
    return applyContentChanges(items);
  }

  /** Targets of the changes among `items` (their views change when these are read). */
  targetsOf(items: readonly ReadItem[]): string[] {
    const targets = new Set<string>();
    for (const { content, view } of items) {
      if (view.status === 'verified' && content && (content.type === 'edit' || content.type === 'delete' || content.type === 'reaction')) targets.add(content.target);
    }
    return [...targets];
  }
}

/** The view a person is shown: the message's own reading with its conversation's changes applied. */
export function present(item: ReadItem, states: ReadonlyMap<string, ItemState>): MessageView {
  const view = item.view;
  const state = states.get(view.id);
  if (!state || view.status !== 'verified') return view;
  switch (state.state) {
    case 'shown':
      if (view.kind !== 'message') return view;
      return { ...view, text: state.text, edited: state.edited, reactions: reactionViews(state.reactions) };
    case 'deleted': {
      const { files: _withdrawn, ...rest } = view;
      return { ...rest, kind: 'message', text: null, reason: null, deleted: 'by_sender', edited: false, reactions: [], replyTo: null };
    }
    case 'removed by the server':
      return view;
    case 'applied':
    case 'waiting':
      return { ...view, kind: 'change' };
    case 'failed':
      return { ...view, kind: 'change', status: 'may_not_change', reason: CHANGE_FAILED[item.content?.type ?? ''] ?? state.reason };
  }
}

function reactionViews(reactions: Record<string, string[]>): ReactionView[] {
  return Object.entries(reactions)
    .filter(([, people]) => people.length > 0)
    .map(([emoji, people]) => ({ emoji, people }))
    .sort((a, b) => b.people.length - a.people.length || (a.emoji < b.emoji ? -1 : 1));
}

const MAX_THUMBNAIL_BYTES = 8 * 1024;
const MAX_IMAGE_SIDE = 100_000;
const side = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= MAX_IMAGE_SIDE;

/**
 * What the window may show of a `file` message's files: the safe base name, the claimed type as a word, the
 * size, and a thumbnail only when its bytes really are a JPEG or PNG of at most 8 KiB (as a data: URL).
 */
export function fileViews(content: FileContent): FileView[] {
  return content.files.map((file, index) => {
    const view: FileView = { index, name: safeFileName(file.name), mime: file.mime, size: file.size };
    const thumbnail = thumbnailUrl(file.image?.thumbnail);
    if (file.image && thumbnail && side(file.image.width) && side(file.image.height)) view.image = { width: file.image.width, height: file.image.height, thumbnail };
    return view;
  });
}

/** A data: URL of a JPEG or PNG thumbnail (by its magic bytes, whatever it claims); null for anything else. */
export function thumbnailUrl(thumbnail: string | undefined): string | null {
  if (thumbnail === undefined || !isBase64(thumbnail)) return null;
  const bytes = decodeBase64(thumbnail);
  if (bytes.length === 0 || bytes.length > MAX_THUMBNAIL_BYTES) return null;
  const type = inlineImageType(bytes);
  return type === 'image/jpeg' || type === 'image/png' ? `data:${type};base64,${thumbnail}` : null;
}
