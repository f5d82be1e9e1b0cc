// Window: finding people by username prefix (the sidebar's search, and picking a group's members). Only the
// answer to the newest query counts. The signed-in person is among the results only where a conversation with
// oneself makes sense (the sidebar's "Note to self"), never when picking members.
import type { ChatApi, ChatErrorInfo } from '../../../core/api/chat-api.js';
import { toChatErrorInfo } from '../../../core/api/errors.js';

export class UserSearch {
  query = $state('');
  results = $state<string[]>([]);
  searching = $state(false);
  error = $state<ChatErrorInfo | null>(null);

  readonly #api: Pick<ChatApi, 'searchUsers'>;
  readonly #self: () => string | null;
  readonly #includeSelf: boolean;
  #serial = 0;

  constructor(api: Pick<ChatApi, 'searchUsers'>, self: () => string | null, { includeSelf = false }: { includeSelf?: boolean } = {}) {
    this.#api = api;
    this.#self = self;
    this.#includeSelf = includeSelf;
  }

  async search(query: string): Promise<void> {
    this.query = query;
    const q = query.trim().toLowerCase();
    const serial = ++this.#serial;
    if (!q) {
      this.results = [];
      this.error = null;
      this.searching = false;
      return;
    }
    this.searching = true;
    try {
      const found = await this.#api.searchUsers(q);
      if (serial !== this.#serial) return;
      const self = this.#self();
      this.results = this.#includeSelf ? found : found.filter((u) => u !== self);
      this.error = null;
    } catch (error) {
      if (serial !== this.#serial) return;
      this.results = [];
      this.error = toChatErrorInfo(error);
    } finally {
      if (serial === this.#serial) this.searching = false;
    }
  }
}
