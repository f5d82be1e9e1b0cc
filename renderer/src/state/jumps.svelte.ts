// Window: jumping to a message a reply quotes — its header loaded first (paging back a few pages at most),
// then marked for a moment once the list brought it into view; or a short sentence on why it was not found.

/** How many older pages a jump loads, at most, looking for the message. */
export const JUMP_PAGES = 5;
const HIGHLIGHT_MS = 2500;

export interface JumpSource {
  /** The header of this message is loaded. */
  has: (id: string) => boolean;
  hasMore: () => boolean;
  loadOlder: () => Promise<void>;
  /** The last page load failed (the conversation shows why). */
  failed: () => boolean;
}

export class Jumps {
  /** The message a jump brought into view, marked for a moment. */
  highlighted = $state<string | null>(null);
  /** A short sentence about the last jump that found nothing. */
  notice = $state<string | null>(null);

  readonly #source: JumpSource;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(source: JumpSource) {
    this.#source = source;
  }

  /** Makes sure the header of message `id` is loaded, paging back up to JUMP_PAGES pages; true when it is. */
  async find(id: string): Promise<boolean> {
    const source = this.#source;
    this.notice = null;
    for (let page = 0; !source.has(id) && source.hasMore() && page < JUMP_PAGES; page++) {
      await source.loadOlder();
      if (source.failed()) return false;
    }
    if (source.has(id)) return true;
    this.notice = source.hasMore()
      ? 'The original message is further back: scroll up to find it.'
      : 'The original message is not in this conversation any more.';
    return false;
  }

  highlight(id: string): void {
    clearTimeout(this.#timer);
    this.highlighted = id;
    this.#timer = setTimeout(() => (this.highlighted = null), HIGHLIGHT_MS);
  }
}
