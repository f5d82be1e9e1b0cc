// The signed-in window's state: contacts and groups, which conversation is open (each kept by its key, so
// drafts and unsent messages survive switching), and the routing of live events to them.
import type { ChatApi, ChatErrorInfo, ChatEvent, ConversationKey, NewGroup } from '../../../core/api/chat-api.js';
import { isGroupKey, targetOf } from '../../../core/api/conversation-key.js';
import { draftKey, draftPrefix } from '../../../core/api/drafts.js';
import type { PendingMessage } from '../lib/rows.js';
import { groupTitle, sidebarEntries, type SidebarEntry } from '../lib/sidebar-entries.js';
import { SidebarPreviews } from '../lib/sidebar-previews.svelte.js';
import { ContactsState } from './contacts.svelte.js';
import { ConversationState } from './conversation.svelte.js';
import { GroupsState } from './groups.svelte.js';
import { KeyLogState } from './key-log.svelte.js';
import type { SessionState } from './session.svelte.js';
import { UserSearch } from './user-search.svelte.js';

/** What a session that ended elsewhere leaves behind, to be picked up by signing in again as the same person. */
export interface Leftovers {
  username: string;
  serverUrl: string;
  drafts: Record<ConversationKey, string>;
  queued: PendingMessage[];
}

/** A draft is written to the app's store this long after the last key press. */
const DRAFT_SAVE_DELAY_MS = 400;

export class ChatState {
  readonly contacts: ContactsState;
  readonly groups: GroupsState;
  readonly keyLog: KeyLogState;
  /** The line under each name in the sidebar, asked for the rows on screen. */
  readonly previews: SidebarPreviews;
  /** The open conversation. */
  selected = $state<ConversationKey | null>(null);
  /** A short sentence for screen readers when something arrives (aria-live). */
  announcement = $state('');
  /** People and groups in one list, newest activity first. */
  readonly entries: SidebarEntry[];

  readonly #api: ChatApi;
  readonly #conversations = new Map<ConversationKey, ConversationState>();
  readonly #isVisible: () => boolean;
  readonly #session: SessionState;
  /** Drafts typed but not yet handed to saveDraft, by conversation. */
  readonly #unsavedDrafts = new Map<ConversationKey, string>();
  #draftTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(api: ChatApi, session: SessionState, isVisible: () => boolean = defaultVisibility) {
    this.#api = api;
    this.#session = session;
    this.#isVisible = isVisible;
    const self = () => session.account?.username ?? null;
    this.contacts = new ContactsState(api, self, () => this.selected);
    this.groups = new GroupsState(api, self);
    this.keyLog = new KeyLogState(api);
    this.previews = new SidebarPreviews(api);
    this.entries = $derived(sidebarEntries(this.contacts.list, this.groups.list));
  }

  get conversation(): ConversationState | null {
    const key = this.selected;
    return key ? this.conversationWith(key) : null;
  }

  /** A search of its own, for picking people (a new group's members, people to add). */
  newPeopleSearch(): UserSearch {
    return new UserSearch(this.#api, () => this.#session.account?.username ?? null);
  }

  get totalUnread(): number {
    return this.contacts.totalUnread + this.groups.totalUnread;
  }

  /** Loads the people and the groups. */
  refresh(): Promise<void> {
    return Promise.all([this.contacts.refresh(), this.groups.refresh(), this.keyLog.refresh()]).then(() => undefined);
  }

  conversationWith(key: ConversationKey): ConversationState {
    let conversation = this.#conversations.get(key);
    if (!conversation) {
      const target = targetOf(key);
      conversation = new ConversationState(this.#api, key, {
        onRead: (k) => (isGroupKey(k) ? this.groups.markedRead(k) : this.contacts.markedRead(k)),
        onKeyTrusted: (p) => this.contacts.keyTrusted(p),
        isVisible: this.#isVisible,
        me: () => this.#session.account?.username ?? null,
        connected: () => this.#session.connection !== 'offline',
        onDraft: (k, text) => this.#draftChanged(k, text),
        ...(target.kind === 'group'
          ? { group: () => this.groups.byKey(key), loadGroup: () => this.groups.load(target.group) }
          : {}),
      });
      this.#conversations.set(key, conversation);
    }
    return conversation;
  }

  open(key: ConversationKey): void {
    if (!isGroupKey(key)) this.contacts.ensure(key);
    void this.contacts.people.search('');
    this.selected = key;
    const unread = isGroupKey(key) ? (this.groups.byKey(key)?.unread ?? 0) : (this.contacts.find(key)?.unread ?? 0);
    this.conversationWith(key).openedWithUnread(unread);
    void this.conversationWith(key).open();
  }

  close(): void {
    this.selected = null;
  }

  /** Makes the group and opens its conversation; the error, if any, is for the dialog to show. */
  async createGroup(group: NewGroup): Promise<ChatErrorInfo | null> {
    const result = await this.groups.create(group);
    if (!result.ok) return result.error;
    this.open(result.group.conversation);
    return null;
  }

  /** Brings back the drafts this device kept for the account; a session that ended elsewhere brings its own. */
  async restore(leftovers: Leftovers | null): Promise<void> {
    const account = this.#session.account;
    if (!account) return;
    const kept = leftovers?.username === account.username && leftovers.serverUrl === account.serverUrl ? leftovers : null;
    for (const [conversation, text] of Object.entries(kept?.drafts ?? {})) this.conversationWith(conversation).restoreDraft(text);
    try {
      const prefix = draftPrefix(account.serverUrl, account.username);
      for (const [key, text] of Object.entries(await this.#api.drafts())) {
        if (key.startsWith(prefix)) this.conversationWith(key.slice(prefix.length)).restoreDraft(text);
      }
    } catch {
      // No drafts to bring back; writing works the same.
    }
    const queued = kept?.queued ?? [];
    const conversations = [...new Set(queued.map((m) => m.conversation))];
    await Promise.all(conversations.map((c) => this.conversationWith(c).resume(queued)));
  }

  /** What must outlive this session when it ends elsewhere: every draft and every message not yet sent. */
  leftovers(): Leftovers | null {
    const account = this.#session.account;
    if (!account) return null;
    void this.flushDrafts();
    const drafts: Record<ConversationKey, string> = {};
    const queued: PendingMessage[] = [];
    for (const [key, conversation] of this.#conversations) {
      if (conversation.draft.trim() !== '') drafts[key] = conversation.draft;
      queued.push(...conversation.unsent());
    }
    return { username: account.username, serverUrl: account.serverUrl, drafts, queued };
  }

  /** Writes the drafts typed since the last save now (also before the session goes). */
  async flushDrafts(): Promise<void> {
    clearTimeout(this.#draftTimer);
    const account = this.#session.account;
    const unsaved = [...this.#unsavedDrafts];
    this.#unsavedDrafts.clear();
    if (!account) return;
    await Promise.all(
      unsaved.map(([conversation, text]) => this.#api.saveDraft(draftKey(account.serverUrl, account.username, conversation), text).catch(() => undefined)),
    );
  }

  #draftChanged(conversation: ConversationKey, text: string): void {
    this.#unsavedDrafts.set(conversation, text);
    clearTimeout(this.#draftTimer);
    this.#draftTimer = setTimeout(() => void this.flushDrafts(), DRAFT_SAVE_DELAY_MS);
  }

  handleEvent(event: ChatEvent): void {
    if (event.type === 'connection' && event.state === 'online') {
      for (const conversation of this.#conversations.values()) void conversation.connectionBack();
    }
    this.contacts.handleEvent(event);
    this.groups.handleEvent(event);
    this.keyLog.handleEvent(event);
    this.previews.handleEvent(event);
    if (event.type === 'key_log' && event.keyLog.alarms.length > 0) this.#announce('Warning from the key log: ' + event.keyLog.alarms.at(-1)!.message);
    if (event.type === 'message') {
      const header = event.message;
      this.#conversations.get(header.conversation)?.arrived(header);
      if (!header.outgoing) {
        const group = header.group === null ? null : this.groups.byKey(header.conversation);
        this.#announce(header.group === null ? `New message from ${header.sender}` : `New message in ${groupTitle(group)}`);
      }
    } else if (event.type === 'message_updated') {
      this.#conversations.get(event.message.conversation)?.updated(event.message);
    } else if (event.type === 'group_changed' && event.group.sending === 'ok') {
      void this.#conversations.get(event.group.conversation)?.sendable();
    } else if (event.type === 'transfer') {
      for (const conversation of this.#conversations.values()) conversation.files.transferred(event);
    } else if (event.type === 'key_changed') {
      this.#conversations.get(event.change.username)?.contactKeyChanged();
      this.#announce(`Warning: the key fingerprint of ${event.change.username} changed`);
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
