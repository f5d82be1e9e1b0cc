// Web adapter: the composer drafts in the page's storage (localStorage, one entry), so a draft survives a
// reload and a session that ended elsewhere. Saves run one after another, so none undoes another.
import { parseDrafts, withDraft } from '../../../../core/api/drafts.js';
import type { KeyValueStore } from '../../../../core/client/store.js';

const KEY = 'window-drafts';

export class WebDrafts {
  readonly #store: KeyValueStore;
  #serial: Promise<unknown> = Promise.resolve();

  constructor(store: KeyValueStore) {
    this.#store = store;
  }

  async all(): Promise<Record<string, string>> {
    return parseDrafts(await this.#store.get(KEY));
  }

  save(key: string, text: string): Promise<void> {
    const run = async () => {
      const next = withDraft(parseDrafts(await this.#store.get(KEY)), key, text);
      if (Object.keys(next).length === 0) await this.#store.delete(KEY);
      else await this.#store.set(KEY, JSON.stringify(next));
    };
    const done = this.#serial.then(run, run);
    this.#serial = done.catch(() => undefined);
    return done;
  }
}
