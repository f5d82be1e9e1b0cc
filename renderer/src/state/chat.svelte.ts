// The signed-in window's state: contacts, the open conversation (kept per peer so drafts and unsent
// messages survive switching), and the routing of live events to them.
import type { ChatApi, ChatEvent } from '../../../core/api/chat-api.js';
import { ContactsState } from './contacts.svelte.js';
import { ConversationState } from './conversation.svelte.js';
import type { SessionState } from './session.svelte.js';

export class ChatState {
  readonly contacts: ContactsState;
  /** A short sentence for screen readers when something arrives (aria-live). */
  announcement = $state('');

  readonly #api: ChatApi;
  readonly #conversations = new Map<string, ConversationState>();
  readonly #isVisible: () => boolean;
  readonly #session: SessionState;

  constructor(api: ChatApi, session: SessionState, isVisible: () => boolean = defaultVisibility) {
    this.#api = api;
    this.#session = session;
    this.#isVisible = isVisible;
    this.contacts = new ContactsState(api, () => session.account?.username ?? null);
  }

  get conversation(): ConversationState | null {
    const peer = this.contacts.selected;
    return peer ? this.conversationWith(peer) : null;
  }

  conversationWith(peer: string): ConversationState {
    let conversation = this.#conversations.get(peer);
    if (!conversation) {
      conversation = new ConversationState(this.#api, peer, {
        onRead: (p) => this.contacts.markedRead(p),
        onKeyTrusted: (p) => this.contacts.keyTrusted(p),
        isVisible: this.#isVisible,
        me: () => this.#session.account?.username ?? null,
      });
      this.#conversations.set(peer, conversation);
    }
    return conversation;
  }

  open(peer: string): void {
    this.contacts.open(peer);
    void this.conversationWith(peer).open();
  }

  handleEvent(event: ChatEvent): void {
    this.contacts.handleEvent(event);
    if (event.type === 'message') {
      const header = event.message;
      const peer = header.outgoing ? header.recipient : header.sender;
      this.#conversations.get(peer)?.arrived(header);
      if (!header.outgoing) this.#announce(`New message from ${header.sender}`);
    } else if (event.type === 'key_changed') {
      this.#conversations.get(event.change.username)?.contactKeyChanged();
      this.#announce(`Warning: the safety key of ${event.change.username} changed`);
    }
  }

  #announceTimer: ReturnType<typeof setTimeout> | undefined;

  /** Screen readers announce a live region when its text changes, so the same sentence twice is emptied first. */
  #announce(text: string): void {
    clearTimeout(this.#announceTimer);
    this.announcement = '';
    this.#announceTimer = setTimeout(() => (this.announcement = text), 100);
  }
}

function defaultVisibility(): boolean {
  return typeof document === 'undefined' || document.visibilityState !== 'hidden';
}
