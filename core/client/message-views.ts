// Core side (runs in Node, Electron main and the browser worker): the views a person is shown — each message
// read on its own (message-reader.ts), judged against its group's announced membership (groups.ts), then with
// its conversation's edits, deletions and reactions applied (content-view.ts). A change read after its target
// was shown updates that target through `updated`.
import type { MessageView } from '../api/view.js';
import { BoundedMap } from './bounded.js';
import { ContentLedger, present } from './content-view.js';
import type { Groups } from './groups.js';
import type { Listings } from './listings.js';
import type { MessageReader, ReadItem } from './message-reader.js';

/** Messages listed after one being read that are read with it, for the changes they may hold. */
const MAX_NEWER = 100;
const MAX_UPDATES = 2_000;

export class MessageViews {
  readonly #reader: MessageReader;
  readonly #listings: Listings;
  readonly #groups: Groups;
  readonly #updated: (view: MessageView) => void;
  readonly #ledger = new ContentLedger();
  /** What each target was last shown as through `updated`, to tell the window only of real changes. */
  readonly #lastUpdate = new BoundedMap<string, string>(MAX_UPDATES);

  /** Told of verified messages that are no news (changes, announcements), to take them off the unread count. */
  readonly #notNews: (views: readonly MessageView[]) => void;

  constructor(reader: MessageReader, listings: Listings, groups: Groups, updated: (view: MessageView) => void, notNews: (views: readonly MessageView[]) => void) {
    this.#reader = reader;
    this.#listings = listings;
    this.#groups = groups;
    this.#updated = updated;
    this.#notNews = notNews;
  }

  async read(ids: readonly string[]): Promise<MessageView[]> {
    const items = await this.#reader.items(ids);
    const asked = new Set(ids);
    const newer = new Set<string>();
    for (const item of items) {
      for (const id of this.#listings.listedAfter(item.view.conversation, item.view.seq, MAX_NEWER)) if (!asked.has(id)) newer.add(id);
    }
    // Later messages may edit, delete or react to these: read them too (cached after), but show only the asked.
    const extra = newer.size > 0 ? await this.#reader.items([...newer].slice(0, MAX_NEWER)).catch((): ReadItem[] => []) : [];
    return this.#show(items, extra, asked);
  }

  /** A message this device just sent: known without reading the server. */
  async sent(item: ReadItem): Promise<MessageView> {
    this.#reader.remember(item);
    const [view] = await this.#show([item], [], new Set([item.view.id]));
    return view!;
  }

  /** One message as shown now (read if not cached). */
  async one(id: string): Promise<MessageView> {
    const [view] = await this.read([id]);
    return view!;
  }

  /**
   * One message with every change the server lists after it (up to MAX_NEWER): what a session that has not
   * read its conversation (a terminal command) answers after an edit, a deletion or a reaction.
   */
  async current(id: string): Promise<MessageView> {
    const [item] = await this.#reader.items([id]);
    const later = await this.#listings.conversation(item!.view.conversation, { after: item!.view.seq, order: 'asc', limit: MAX_NEWER });
    const extra = await this.#reader.items(later.map((h) => h.id).filter((other) => other !== id));
    const [view] = await this.#show([item!], extra, new Set([id]));
    return view!;
  }

  /** Its record changed on the server (erased): read again next time. */
  forget(id: string): void {
    this.#reader.forget(id);
    this.#ledger.forget(id);
  }

  clear(): void {
    this.#reader.clear();
    this.#ledger.clear();
    this.#lastUpdate.clear();
  }

  async #show(items: ReadItem[], extra: ReadItem[], asked: ReadonlySet<string>): Promise<MessageView[]> {
    const judged = await Promise.all(items.map((i) => this.#groups.judge(i).catch(() => i)));
    for (const item of [...judged, ...extra]) this.#ledger.learn(item);
    const states = new Map<string, ReturnType<ContentLedger['states']>>();
    const statesOf = (conversation: string) => {
      let found = states.get(conversation);
      if (!found) states.set(conversation, (found = this.#ledger.states(conversation)));
      return found;
    };
    const views = judged.map((item) => this.#listings.placed(present(item, statesOf(item.view.conversation))));
    const quiet = [...views, ...extra.map((i) => present(i, statesOf(i.view.conversation)))].filter((v) => v.status === 'verified' && v.kind !== 'message' && !v.outgoing);
    if (quiet.length > 0) this.#notNews(quiet);
    // Targets shown before whose view these changes alter.
    for (const target of this.#ledger.targetsOf([...judged, ...extra])) {
      if (asked.has(target)) continue;
      const cached = this.#reader.cached(target);
      if (!cached) continue;
      const judgedTarget = await this.#groups.judge(cached).catch(() => cached);
      const view = this.#listings.placed(present(judgedTarget, statesOf(cached.view.conversation)));
      const shown = JSON.stringify(view);
      if (this.#lastUpdate.get(target) === shown) continue;
      this.#lastUpdate.set(target, shown);
      this.#updated(view);
    }
    return views;
  }
}
