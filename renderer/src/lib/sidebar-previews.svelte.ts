// Window: the sidebar's previews (the line under each conversation's name) — asked of the core for the rows on
// screen only, in the background, one ask at a time and never more than a screenful in it; kept in a reactive
// map, and asked again for a row once its conversation has a newer message than its preview, or a message of it
// changed. The core words them; the window shows them as text.
import { SvelteMap } from 'svelte/reactivity';
import type { ChatApi, ChatEvent, ConversationKey, PreviewView } from '../../../core/api/chat-api.js';
import { MAX_PREVIEW_BATCH } from '../../../core/api/preview-batch.js';

/** A conversation on screen, with its newest seq as the list knows it. */
export interface PreviewRow {
  key: ConversationKey;
  lastSeq: number | null;
}

export class SidebarPreviews {
  readonly #api: Pick<ChatApi, 'previews'>;
  readonly #previews = new SvelteMap<ConversationKey, PreviewView>();
  #onScreen: readonly PreviewRow[] = [];
  /** The newest seq each conversation was last asked at, answered or not: not asked again at that seq. */
  readonly #askedAt = new Map<ConversationKey, number | null>();
  /** A message of these changed since their preview was made: asked again whatever their seq. */
  readonly #changed = new Set<ConversationKey>();
  #asking = false;

  constructor(api: Pick<ChatApi, 'previews'>) {
    this.#api = api;
  }

  /** The preview to show (the last one answered, until a newer one is); null while there is none. */
  preview(key: ConversationKey): PreviewView | null {
    return this.#previews.get(key) ?? null;
  }

  /** The rows on screen now, top first: those without a current preview are asked for. */
  showing(rows: readonly PreviewRow[]): void {
    const onScreen = new Set(rows.map((r) => r.key));
    // One that could not be read is asked again when it comes back on screen.
    for (const key of this.#askedAt.keys()) if (!onScreen.has(key) && !this.#previews.has(key)) this.#askedAt.delete(key);
    this.#onScreen = rows;
    void this.#pump();
  }

  handleEvent(event: ChatEvent): void {
    if (event.type === 'message_updated') {
      this.#changed.add(event.message.conversation);
      void this.#pump();
    } else if (event.type === 'connection' && event.state === 'online') {
      // What failed while the server was away is worth asking again now.
      for (const key of this.#askedAt.keys()) if (!this.#previews.has(key)) this.#askedAt.delete(key);
      void this.#pump();
    }
  }

  /** Rows whose preview is missing or older than their conversation, at most a screenful. */
  #due(): PreviewRow[] {
    return this.#onScreen.filter((row) => this.#isDue(row)).slice(0, MAX_PREVIEW_BATCH);
  }

  #isDue({ key, lastSeq }: PreviewRow): boolean {
    // An empty conversation has no preview line: nothing to ask.
    if (lastSeq === null) return false;
    if (this.#changed.has(key)) return true;
    if (this.#askedAt.has(key) && this.#askedAt.get(key) === lastSeq) return false;
    // The core may have seen a newer message than the list has yet: a preview at or past the row's seq is current.
    const shown = this.#previews.get(key)?.lastSeq ?? null;
    return shown === null || shown < lastSeq;
  }

  async #pump(): Promise<void> {
    if (this.#asking) return;
    this.#asking = true;
    try {
      for (let due = this.#due(); due.length > 0; due = this.#due()) {
        for (const row of due) {
          this.#askedAt.set(row.key, row.lastSeq);
          this.#changed.delete(row.key);
        }
        try {
          for (const preview of await this.#api.previews(due.map((r) => r.key))) this.#previews.set(preview.conversation, preview);
        } catch {
          // The line stays as it was (or the row's own detail): the conversation, opened, shows why it cannot be read.
        }
      }
    } finally {
      this.#asking = false;
    }
  }
}
