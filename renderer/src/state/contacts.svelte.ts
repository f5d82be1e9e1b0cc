// The people list: contacts with unread counts and last activity, user search, and which one is open.
import type { ChatApi, ChatErrorInfo, ChatEvent, ContactView } from '../../../core/api/chat-api.js';
import { toChatErrorInfo } from '../../../core/api/errors.js';

export class ContactsState {
  list = $state<ContactView[]>([]);
  selected = $state<string | null>(null);
  query = $state('');
  results = $state<string[]>([]);
  searching = $state(false);
  error = $state<ChatErrorInfo | null>(null);
  searchError = $state<ChatErrorInfo | null>(null);

  readonly #api: ChatApi;
  readonly #self: () => string | null;
  #refreshing: Promise<void> | null = null;
  #refreshAgain = false;
  #searchSerial = 0;

  constructor(api: ChatApi, self: () => string | null) {
    this.#api = api;
    this.#self = self;
  }

  get current(): ContactView | null {
    return this.list.find((c) => c.username === this.selected) ?? null;
  }

  get totalUnread(): number {
    return this.list.reduce((sum, c) => sum + c.unread, 0);
  }

  /** Reloads the list; calls that arrive while one runs are folded into one more run. */
  refresh(): Promise<void> {
    if (this.#refreshing) {
      this.#refreshAgain = true;
      return this.#refreshing;
    }
    this.#refreshing = (async () => {
      do {
        this.#refreshAgain = false;
        try {
          const contacts = await this.#api.contacts();
          this.error = null;
          this.#merge(contacts);
        } catch (error) {
          this.error = toChatErrorInfo(error);
        }
      } while (this.#refreshAgain);
      this.#refreshing = null;
    })();
    return this.#refreshing;
  }

  async search(query: string): Promise<void> {
    this.query = query;
    const q = query.trim().toLowerCase();
    const serial = ++this.#searchSerial;
    if (!q) {
      this.results = [];
      this.searchError = null;
      this.searching = false;
      return;
    }
    this.searching = true;
    try {
      const found = await this.#api.searchUsers(q);
      if (serial !== this.#searchSerial) return;
      const self = this.#self();
      this.results = found.filter((u) => u !== self);
      this.searchError = null;
    } catch (error) {
      if (serial !== this.#searchSerial) return;
      this.results = [];
      this.searchError = toChatErrorInfo(error);
    } finally {
      if (serial === this.#searchSerial) this.searching = false;
    }
  }

  open(username: string): void {
    if (!this.list.some((c) => c.username === username)) {
      this.list = [
        { username, keyStatus: 'unknown', unread: 0, lastActivity: null, lastSeq: null },
        ...this.list,
      ];
    }
    this.selected = username;
    void this.search('');
  }

  close(): void {
    this.selected = null;
  }

  /** The open conversation was read up to its newest message. */
  markedRead(username: string): void {
    this.list = this.list.map((c) => (c.username === username ? { ...c, unread: 0 } : c));
  }

  handleEvent(event: ChatEvent): void {
    if (event.type === 'message') {
      void this.refresh();
    } else if (event.type === 'key_changed') {
      const { username } = event.change;
      this.list = this.list.map((c) => (c.username === username ? { ...c, keyStatus: 'changed' } : c));
      void this.refresh();
    }
  }

  keyTrusted(username: string): void {
    this.list = this.list.map((c) => (c.username === username ? { ...c, keyStatus: 'pinned' } : c));
  }

  #merge(contacts: ContactView[]): void {
    // A conversation opened from search but without messages yet stays in the list until left.
    const opened = this.selected;
    if (opened && !contacts.some((c) => c.username === opened)) {
      const existing = this.list.find((c) => c.username === opened);
      if (existing) contacts = [existing, ...contacts];
    }
    this.list = contacts;
  }
}
