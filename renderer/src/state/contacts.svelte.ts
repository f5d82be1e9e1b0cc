// The people list: contacts with unread counts and last activity, and the people search. Which conversation is
// open is the chat's (chat.svelte.ts): a person opened from search stays listed while it is open.
import type { ChatApi, ChatErrorInfo, ChatEvent, ContactView, ConversationKey } from '../../../core/api/chat-api.js';
import { toChatErrorInfo } from '../../../core/api/errors.js';
import { UserSearch } from './user-search.svelte.js';

export class ContactsState {
  list = $state<ContactView[]>([]);
  error = $state<ChatErrorInfo | null>(null);
  /** The sidebar's "Find people" (oneself included: a conversation with oneself is a note to self). */
  readonly people: UserSearch;

  readonly #api: ChatApi;
  readonly #selected: () => ConversationKey | null;
  #refreshing: Promise<void> | null = null;
  #refreshAgain = false;

  constructor(api: ChatApi, self: () => string | null, selected: () => ConversationKey | null = () => null) {
    this.#api = api;
    this.#selected = selected;
    this.people = new UserSearch(api, self, { includeSelf: true });
  }

  get totalUnread(): number {
    return this.list.reduce((sum, c) => sum + c.unread, 0);
  }

  find(username: string): ContactView | null {
    return this.list.find((c) => c.username === username) ?? null;
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

  /** A conversation with this person is opened: listed at once, even before any message. */
  ensure(username: string): void {
    if (!this.list.some((c) => c.username === username)) {
      this.list = [{ username, keyStatus: 'unknown', unread: 0, lastActivity: null, lastSeq: null }, ...this.list];
    }
  }

  /** The open conversation was read up to its newest message. */
  markedRead(username: string): void {
    this.list = this.list.map((c) => (c.username === username ? { ...c, unread: 0 } : c));
  }

  handleEvent(event: ChatEvent): void {
    if ((event.type === 'message' && event.message.group === null) || event.type === 'read_elsewhere') {
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
    const opened = this.#selected();
    if (opened && !contacts.some((c) => c.username === opened)) {
      const existing = this.list.find((c) => c.username === opened);
      if (existing) contacts = [existing, ...contacts];
    }
    this.list = contacts;
  }
}
