// Window: decrypting what a conversation shows — asks readMessages for the rows on screen, a small batch
// at a time, and keeps the verified views (placed by the conversation) in a reactive map. Messages a row
// refers to (the original of a reply) are read too, one at a time, after what is on screen.
import { SvelteMap, SvelteSet } from 'svelte/reactivity';
import type { ChatApi, ChatErrorInfo, MessageView } from '../../../core/api/chat-api.js';
import { toChatErrorInfo } from '../../../core/api/errors.js';
import { isAppliedChange } from './placement.js';

/** Messages decrypted per request (see #pump). */
export const READ_BATCH = 6;

export class DecryptQueue {
  readonly views = new SvelteMap<string, MessageView>();
  /** Ids of applied edits, deletes and reactions: no row of their own. */
  readonly hidden = new SvelteSet<string>();
  /** Ids asked for by `ensure` that the core did not answer: "not loaded" where they are referred to. */
  readonly missing = new SvelteSet<string>();
  readError = $state<ChatErrorInfo | null>(null);

  readonly #api: Pick<ChatApi, 'readMessages'>;
  /** What the window may show of a view: the conversation's placement rule. */
  readonly #place: (view: MessageView) => MessageView;
  /** Ids on screen now, oldest first. */
  #wanted: readonly string[] = [];
  /** The person is scrolling fast: rows on screen now will be gone in a frame or two. */
  #scrolling = false;
  #inFlight = false;
  /** Ids whose read failed; asked again only when they come on screen again. */
  readonly #unreadable = new Set<string>();
  /** Ids asked for by `ensure`, not read yet. */
  readonly #referred = new Set<string>();

  constructor(api: Pick<ChatApi, 'readMessages'>, place: (view: MessageView) => MessageView) {
    this.#api = api;
    this.#place = place;
  }

  /** The rows now on screen: decrypt what is not decrypted yet, once the person is not scrolling fast. */
  showing(ids: readonly string[], scrolling: boolean): void {
    const shown = new Set(ids);
    for (const id of this.#unreadable) if (!shown.has(id)) this.#unreadable.delete(id);
    this.#wanted = ids;
    this.#scrolling = scrolling;
    this.#pump();
  }

  /** A view the core answered with outside the queue (a message just sent, changed, or updated live). */
  set(view: MessageView): void {
    const placed = this.#place(view);
    this.views.set(view.id, placed);
    if (isAppliedChange(placed)) this.hidden.add(view.id);
    else if (this.hidden.has(view.id)) this.hidden.delete(view.id);
    if (this.missing.has(view.id)) this.missing.delete(view.id);
  }

  /** A message a row refers to, wanted whether or not it is on screen; read once, after the screen's. */
  ensure(id: string): void {
    if (this.views.has(id) || this.missing.has(id) || this.#referred.has(id)) return;
    this.#referred.add(id);
    this.#pump();
  }

  /** Drops the views with these statuses, so what is on screen of them is read again. */
  reread(statuses: readonly MessageView['status'][]): void {
    const stale = [...this.views.values()].filter((v) => statuses.includes(v.status)).map((v) => v.id);
    for (const id of stale) {
      this.views.delete(id);
      this.hidden.delete(id);
    }
    if (stale.length > 0) this.#pump();
  }

  // Decrypting is the costly part: an RSA-4096 private-key operation per message, plus its request to the
  // server, on a machine whose cores also draw the frames. So nothing is asked while the person scrolls
  // fast (those rows show a placeholder; the list says when the scroll settles), at most one small batch
  // is in flight, the next one waits for the next frame, and each batch is taken from what is on screen
  // *now*: a row that left the screen is never asked for. The newest visible rows go first, as that is
  // where a person looks. A referred-to message goes alone, so one that cannot be read fails only itself.
  #pump(): void {
    if (this.#inFlight || this.#scrolling) return;
    const batch: string[] = [];
    for (let i = this.#wanted.length - 1; i >= 0 && batch.length < READ_BATCH; i--) {
      const id = this.#wanted[i]!;
      if (!this.views.has(id) && !this.#unreadable.has(id)) batch.push(id);
    }
    if (batch.length === 0) return this.#pumpReferred();
    this.#inFlight = true;
    this.#api.readMessages(batch).then(
      (views) => {
        const asked = new Set(batch);
        for (const view of views) if (asked.has(view.id)) this.set(view);
        // An id the core did not answer for is not asked again until it is on screen anew.
        for (const id of batch) if (!this.views.has(id)) this.#unreadable.add(id);
        this.readError = null;
        this.#next();
      },
      (error: unknown) => {
        this.readError = toChatErrorInfo(error);
        for (const id of batch) this.#unreadable.add(id);
        this.#next();
      },
    );
  }

  #pumpReferred(): void {
    for (const id of this.#referred) if (this.views.has(id)) this.#referred.delete(id);
    const id = this.#referred.values().next().value;
    if (id === undefined) return;
    this.#referred.delete(id);
    this.#inFlight = true;
    const settle = (views: MessageView[]) => {
      const view = views.find((v) => v.id === id);
      if (view) this.set(view);
      else this.missing.add(id);
      this.#next();
    };
    // Not the screen's error: where it is referred to, it says "not loaded".
    this.#api.readMessages([id]).then(settle, () => settle([]));
  }

  #next(): void {
    const resume = () => {
      this.#inFlight = false;
      this.#pump();
    };
    if (typeof requestAnimationFrame === 'function') requestAnimationFrame(resume);
    else setTimeout(resume, 0);
  }
}
