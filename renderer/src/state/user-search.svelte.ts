// Window: finding people by username prefix (the sidebar's search, and picking a group's members). Only the
// answer to the newest query counts; the signed-in person is never among the results.
import type { ChatApi, ChatErrorInfo } from '../../../core/api/chat-api.js';
import { toChatErrorInfo } from '../../../core/api/errors.js';

export class UserSearch {
  query = $state('');
  results = $state<string[]>([]);
  searching = $state(false);
  error = $state<ChatErrorInfo | null>(null);

  readonly #api: Pick<ChatApi, 'searchUsers'>;
  readonly #self: () => string | null;
  #serial = 0;

  constructor(api: Pick<ChatApi, 'searchUsers'>, self: () => string | null) {
    this.#api = api;
    this.#self = self;
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
      this.results = found.filter((u) => u !== self);
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
