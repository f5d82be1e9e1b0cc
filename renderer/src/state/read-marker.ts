// Window: a conversation's read marker — moved to the newest message the person has on screen, only
// while the window is visible, and retried with the next screenful when the core refuses it.
import type { ChatApi } from '../../../core/api/chat-api.js';

export interface ReadMarkerSource {
  /** The seq of a message of this conversation, by id. */
  seqOf: (id: string) => number | undefined;
  /** The seq of the newest message known. */
  newestSeq: () => number | undefined;
  isVisible?: () => boolean;
  /** The conversation was read up to its newest message. */
  onRead?: () => void;
}

export class ReadMarker {
  readonly #api: Pick<ChatApi, 'markRead'>;
  readonly #peer: string;
  readonly #source: ReadMarkerSource;
  #readUpTo = 0;

  constructor(api: Pick<ChatApi, 'markRead'>, peer: string, source: ReadMarkerSource) {
    this.#api = api;
    this.#peer = peer;
    this.#source = source;
  }

  seen(ids: readonly string[]): void {
    if (this.#source.isVisible && !this.#source.isVisible()) return;
    let newest = 0;
    for (const id of ids) newest = Math.max(newest, this.#source.seqOf(id) ?? 0);
    if (newest <= this.#readUpTo) return;
    this.#readUpTo = newest;
    const latest = this.#source.newestSeq();
    this.#api.markRead(this.#peer, newest).then(
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
