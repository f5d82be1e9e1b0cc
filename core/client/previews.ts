// Core side (runs in Node, Electron main and the browser worker): the conversation list's previews — each
// conversation's newest shown message, read through the same views as the conversation itself (so every
// verification rule holds), worded by preview-text.ts, and kept until the conversation moves on.
import { toChatError, type ChatError } from '../api/errors.js';
import type { ConversationKey, PreviewView } from '../api/view.js';
import { BoundedMap } from './bounded.js';
import type { Listings } from './listings.js';
import type { MessageViews } from './message-views.js';
import { previewLine, type PreviewLine } from './preview-text.js';
import type { CurrentSession, Session } from './session.js';

/** Newest headers one preview looks through for a message that is shown (the rest may all be reactions). */
const LOOK_BACK = 20;
/** Conversations read at the same time: enough to hide round trips, few enough to leave the session free. */
const AT_ONCE = 4;
const MAX_CACHED = 2_000;

export class Previews {
  readonly #listings: Listings;
  readonly #views: MessageViews;
  readonly #session: CurrentSession;
  /** By conversation: the preview made for its newest seq then. */
  readonly #cache = new BoundedMap<ConversationKey, PreviewView>(MAX_CACHED);
  /** Bumped by forget() and clear(): a preview read while one of them ran is answered but not kept. */
  readonly #changes = new BoundedMap<ConversationKey, number>(MAX_CACHED);
  #epoch = 0;

  constructor(listings: Listings, views: MessageViews, session: CurrentSession) {
    this.#listings = listings;
    this.#views = views;
    this.#session = session;
  }

  /**
   * The previews of `keys` (each named once), in their order. A conversation that could not be read now is left
   * out; when none could, or the session is gone, the first error is thrown.
   */
  async read(keys: readonly ConversationKey[]): Promise<PreviewView[]> {
    const s = this.#session();
    const answers: Array<PreviewView | ChatError> = new Array(keys.length);
    let next = 0;
    const work = async () => {
      while (next < keys.length) {
        const at = next++;
        answers[at] = await this.#one(s, keys[at]!).catch(toChatError);
      }
    };
    await Promise.all(Array.from({ length: Math.min(AT_ONCE, keys.length) }, work));
    const previews = answers.filter((a): a is PreviewView => !(a instanceof Error));
    const failures = answers.filter((a): a is ChatError => a instanceof Error);
    // Without a valid token nothing can be read: that goes to the facade, which signs in again or ends.
    const unauthorized = failures.find((e) => e.info.code === 'unauthorized');
    if (unauthorized) throw unauthorized;
    if (previews.length === 0 && failures.length > 0) throw failures[0]!;
    return previews;
  }

  /** A message of the conversation changed (an edit, a deletion, a key accepted): read its preview again. */
  forget(conversation: ConversationKey): void {
    this.#cache.delete(conversation);
    this.#changes.set(conversation, (this.#changes.get(conversation) ?? 0) + 1);
  }

  clear(): void {
    this.#cache.clear();
    this.#changes.clear();
    this.#epoch++;
  }

  async #one(s: Session, conversation: ConversationKey): Promise<PreviewView> {
    const lastSeq = s.index.peer(conversation)?.lastSeq ?? null;
    const cached = this.#cache.get(conversation);
    if (cached && cached.lastSeq === lastSeq) return cached;
    if (lastSeq === null) return { conversation, lastSeq, text: null, failed: false };
    const mark = this.#mark(conversation);
    const line = await this.#newestShown(conversation);
    const preview: PreviewView = { conversation, lastSeq, text: line?.text ?? null, failed: line?.failed ?? false };
    if (this.#mark(conversation) === mark) this.#cache.set(conversation, preview);
    return preview;
  }

  /** Newest first, the first message the conversation shows; each read (and cached) as the conversation reads it. */
  async #newestShown(conversation: ConversationKey): Promise<PreviewLine | null> {
    const headers = await this.#listings.conversation(conversation, { order: 'desc', limit: LOOK_BACK });
    for (const header of headers) {
      const view = await this.#views.one(header.id).catch((error: unknown) => {
        // Listed but gone by now (erased between the two requests): the one before it is the newest.
        if (toChatError(error).info.code === 'not_found') return null;
        throw error;
      });
      const line = view && previewLine(view);
      if (line) return line;
    }
    return null;
  }

  #mark(conversation: ConversationKey): string {
    return `${this.#epoch}:${this.#changes.get(conversation) ?? 0}`;
  }
}
