// Window: a conversation's read marker — moved to the newest message the person has on screen, only
// while the window is visible, and retried with the next screenful when the core refuses it.
import type { ChatApi, ConversationKey, MessageHeaderView } from '../../../core/api/chat-api.js';

export interface ReadMarkerSource {
  /** The seq a message of this conversation (by id) marks read up to: its own, or that of what follows it unshown. */
  seqOf: (id: string) => number | undefined;
  /** The seq of the newest message known. */
  newestSeq: () => number | undefined;
  isVisible?: () => boolean;
  /** The conversation was read up to its newest message. */
  onRead?: () => void;
}

export class ReadMarker {
  readonly #api: Pick<ChatApi, 'markRead'>;
  readonly #conversation: ConversationKey;
  readonly #source: ReadMarkerSource;
  #readUpTo = 0;

  constructor(api: Pick<ChatApi, 'markRead'>, conversation: ConversationKey, source: ReadMarkerSource) {
    this.#api = api;
    this.#conversation = conversation;
    this.#source = source;
  }

  seen(ids: readonly string[]): void {
    if (this.#source.isVisible && !this.#source.isVisible()) return;
    let newest = 0;
    for (const id of ids) newest = Math.max(newest, this.#source.seqOf(id) ?? 0);
    if (newest <= this.#readUpTo) return;
    this.#readUpTo = newest;
    const latest = this.#source.newestSeq();
    this.#api.markRead(this.#conversation, newest).then(
      () => {
        if (latest !== undefined && newest >= latest) this.#source.onRead?.();
      },
      () => {
        // A read marker that did not move is retried with the next screenful.
        this.#readUpTo = 0;
      },
    );
  }
}

/**
 * What seeing the message at `seq` marks read: up to it, and past the messages right after it that have no row
 * of their own (`hidden`: applied edits, deletes and reactions). `headers` are sorted by seq.
 */
export function readUpTo(headers: readonly MessageHeaderView[], seq: number, hidden: ReadonlySet<string>): number {
  if (hidden.size === 0) return seq;
  let low = 0;
  let high = headers.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (headers[mid]!.seq < seq) low = mid + 1;
    else high = mid;
  }
  let upTo = seq;
  for (let i = low + 1; i < headers.length && hidden.has(headers[i]!.id); i++) upTo = headers[i]!.seq;
  return upTo;
}
