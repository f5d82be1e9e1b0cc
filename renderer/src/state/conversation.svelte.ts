// One conversation (with a person, or a group): headers page by page (oldest first), decrypted views only of
// what was on screen, messages being sent, and what is done to messages. Headers are known without decrypting
// anything; the window asks to read only the rows it shows, so a 10,000-message conversation costs what one
// screen costs. Decrypting, sending, message actions, the read marker and the contact's key are parts of their
// own (decrypt-queue, outgoing, message-actions, jumps, read-marker, contact).
import type { SvelteMap } from 'svelte/reactivity';
import type { ChatApi, ChatErrorInfo, ConversationKey, GroupView, MessageHeaderView, MessageView } from '../../../core/api/chat-api.js';
import { targetOf } from '../../../core/api/conversation-key.js';
import { toChatErrorInfo } from '../../../core/api/errors.js';
import { headerOnly, mergeBySeq, RowBuilder, type PendingMessage, type Row } from '../lib/rows.js';
import { ContactState } from './contact.svelte.js';
import { ConversationFiles } from './conversation-files.svelte.js';
import { DecryptQueue } from './decrypt-queue.svelte.js';
import { MessageActions } from './message-actions.svelte.js';
import { Outgoing } from './outgoing.svelte.js';
import { Jumps } from './jumps.svelte.js';
import { headerBelongs, placedView } from './placement.js';
import { ReadMarker, readUpTo } from './read-marker.js';

export { READ_BATCH } from './decrypt-queue.svelte.js';
export { MISPLACED_REASON, placedView } from './placement.js';

export const PAGE_SIZE = 100;

export interface ConversationHooks {
  /** The conversation was read up to its newest message (unread count can go to 0). */
  onRead?: (conversation: ConversationKey) => void;
  /** The person accepted the contact's new key. */
  onKeyTrusted?: (peer: string) => void;
  /** Makes message ids; crypto.randomUUID by default (UUID v4, lowercase). */
  newId?: () => string;
  /** Whether the person can see the window now; read markers move only then. */
  isVisible?: () => boolean;
  /** The signed-in user's name: a read message must be between them and the peer, or theirs in the group. */
  me?: () => string | null;
  /** A group conversation's group as verified now (reactive). */
  group?: () => GroupView | null;
  /** Fetches the group again (its server list compared anew) when the conversation opens. */
  loadGroup?: () => Promise<unknown>;
  /** Whether the live connection is up now (reactive): while it is not, a message being sent waits for it. */
  connected?: () => boolean;
  /** The person changed the composer's text (the draft is kept, and saved by whoever listens). */
  onDraft?: (conversation: ConversationKey, text: string) => void;
}

export class ConversationState {
  readonly key: ConversationKey;
  /** The other person of a direct conversation; null for a group. */
  readonly peer: string | null;
  /** The group id of a group conversation; null for a direct one. */
  readonly groupId: string | null;
  /** The other person's key and blocking (direct conversations only). */
  readonly contact: ContactState | null;
  readonly actions: MessageActions;
  /** Jumping to the message a reply quotes. */
  readonly jumps: Jumps;
  /** Files picked to send, the upload, and received files shown or saved. */
  readonly files: ConversationFiles;
  headers = $state.raw<MessageHeaderView[]>([]);
  hasMore = $state(false);
  loaded = $state(false);
  loadingOlder = $state(false);
  error = $state<ChatErrorInfo | null>(null);
  /** The first message not read when the conversation was opened (its "Unread" divider); null when none was. */
  firstUnread = $state<string | null>(null);
  #draft = $state('');
  /** How many messages were unread when the person opened the conversation, until the newest page is in. */
  #unreadAtOpen = 0;
  readonly #reads: DecryptQueue;
  readonly #outgoing: Outgoing;
  readonly #marker: ReadMarker;
  readonly #rowBuilder = new RowBuilder();
  rows: Row[] = $derived.by(() => {
    const hidden = this.#reads.hidden;
    return this.#rowBuilder.build(hidden.size === 0 ? this.headers : this.headers.filter((h) => !hidden.has(h.id)), this.pending);
  });
  readonly #rowIndex = $derived(new Map(this.rows.map((row, i) => [row.key, i])));

  readonly #api: ChatApi;
  readonly #hooks: ConversationHooks;
  readonly #seqOf = new Map<string, number>();
  #opening: Promise<void> | null = null;
  #older: Promise<void> | null = null;

  constructor(api: ChatApi, key: ConversationKey, hooks: ConversationHooks = {}) {
    this.#api = api;
    this.key = key;
    this.#hooks = hooks;
    const target = targetOf(key);
    this.peer = target.kind === 'direct' ? target.peer : null;
    this.groupId = target.kind === 'group' ? target.group : null;
    const newId = hooks.newId ?? (() => crypto.randomUUID());
    this.#reads = new DecryptQueue(api, (view) => placedView(view, hooks.me?.() ?? null, key));
    this.contact = this.peer === null ? null : new ContactState(api, this.peer, { reread: (s) => this.#reads.reread(s), onKeyTrusted: hooks.onKeyTrusted });
    this.#outgoing = new Outgoing(
      api,
      key,
      newId,
      (view) => {
        this.#reads.set(view);
        this.#mergeHeaders([view]);
      },
      () => this.connected,
    );
    this.files = new ConversationFiles(api, key, newId, (view) => {
      this.#reads.set(view);
      this.#mergeHeaders([view]);
    });
    this.actions = new MessageActions({
      api,
      newId,
      me: () => hooks.me?.() ?? null,
      getDraft: () => this.draft,
      setDraft: (text) => (this.draft = text),
      apply: (view) => this.#reads.set(view),
    });
    this.jumps = new Jumps({
      has: (id) => this.#seqOf.has(id),
      hasMore: () => this.hasMore,
      loadOlder: () => this.loadOlder(),
      failed: () => this.error !== null,
    });
    this.#marker = new ReadMarker(api, key, {
      seqOf: (id) => {
        const seq = this.#seqOf.get(id);
        return seq === undefined ? undefined : readUpTo(this.headers, seq, this.#reads.hidden);
      },
      newestSeq: () => this.headers[this.headers.length - 1]?.seq,
      isVisible: hooks.isVisible,
      onRead: () => hooks.onRead?.(key),
    });
  }

  /** The verified views of the messages decrypted so far, by id. */
  get views(): SvelteMap<string, MessageView> {
    return this.#reads.views;
  }

  get readError(): ChatErrorInfo | null {
    return this.#reads.readError;
  }

  get pending(): PendingMessage[] {
    return this.#outgoing.pending;
  }

  get group(): GroupView | null {
    return this.#hooks.group?.() ?? null;
  }

  /** The person's name, or the group's ("Unnamed group" until a member named it); "Note to self" with oneself. */
  get title(): string {
    if (this.noteToSelf) return 'Note to self';
    return this.peer ?? this.group?.name ?? 'Unnamed group';
  }

  /** A direct conversation with oneself. */
  get noteToSelf(): boolean {
    return this.peer !== null && this.peer === this.me;
  }

  /** A group sends only to a membership it verified; a direct conversation always (the core checks the key). */
  get canSend(): boolean {
    return this.groupId === null || this.group?.sending === 'ok';
  }

  get me(): string | null {
    return this.#hooks.me?.() ?? null;
  }

  /** What the composer holds; each change is told to onDraft, which keeps it across restarts. */
  get draft(): string {
    return this.#draft;
  }

  set draft(text: string) {
    if (text === this.#draft) return;
    this.#draft = text;
    this.#hooks.onDraft?.(this.key, text);
  }

  /** A kept draft comes back (after a restart, or signing in again); what the person typed meanwhile wins. */
  restoreDraft(text: string): void {
    if (this.#draft === '') this.#draft = text;
  }

  get connected(): boolean {
    return this.#hooks.connected?.() ?? true;
  }

  /**
   * The person opens the conversation with `count` messages unread: the divider goes before the first of them
   * (once the newest page is in), or nowhere when none is.
   */
  openedWithUnread(count: number): void {
    this.#unreadAtOpen = count;
    if (this.loaded) this.#placeUnread();
  }

  /**
   * Whether the message row `id` is followed by another verified message of the same sender, so that the run's
   * "Verified" is said once, on its last bubble. A neighbour still being decrypted counts by its listed sender.
   */
  continuesRun(id: string): boolean {
    const i = this.#rowIndex.get(id);
    const view = this.#reads.views.get(id);
    const next = i === undefined ? undefined : this.rows[i + 1];
    if (!view || next?.kind !== 'message') return false;
    const nextView = this.#reads.views.get(next.key);
    if (!nextView) return next.header.sender === view.sender;
    return nextView.kind === 'message' && nextView.status === 'verified' && nextView.warning === null && !nextView.deleted && nextView.sender === view.sender;
  }

  /** Loads the newest page and the contact's key details (or the group); once. */
  open(): Promise<void> {
    this.#opening ??= (async () => {
      await Promise.all([this.#loadNewest(), this.contact?.refresh(), this.#hooks.loadGroup?.()]);
    })();
    return this.#opening;
  }

  async #loadNewest(): Promise<void> {
    try {
      const page = await this.#api.conversation({ conversation: this.key, limit: PAGE_SIZE });
      this.#mergeHeaders(page.messages);
      this.hasMore = page.hasMore;
      this.error = null;
    } catch (error) {
      this.error = toChatErrorInfo(error);
      this.#opening = null;
    } finally {
      this.loaded = true;
    }
    this.#placeUnread();
  }

  /** Counts the others' messages back from the newest; past the loaded page, the oldest loaded one of theirs. */
  #placeUnread(): void {
    let left = this.#unreadAtOpen;
    this.#unreadAtOpen = 0;
    let first: string | null = null;
    const me = this.me;
    for (let i = this.headers.length - 1; i >= 0 && left > 0; i--) {
      const header = this.headers[i]!;
      if (header.outgoing || header.sender === me || this.#reads.hidden.has(header.id)) continue;
      first = header.id;
      left--;
    }
    this.firstUnread = first;
  }

  /** Loads the page before the oldest header; a call while one is loading waits for that one. */
  loadOlder(): Promise<void> {
    if (this.#older) return this.#older;
    const oldest = this.headers[0];
    if (!this.hasMore || !this.loaded || !oldest) return Promise.resolve();
    this.loadingOlder = true;
    this.#older = (async () => {
      try {
        const page = await this.#api.conversation({ conversation: this.key, beforeSeq: oldest.seq, limit: PAGE_SIZE });
        this.#mergeHeaders(page.messages);
        this.hasMore = page.hasMore;
        this.error = null;
      } catch (error) {
        this.error = toChatErrorInfo(error);
      } finally {
        this.loadingOlder = false;
        this.#older = null;
      }
    })();
    return this.#older;
  }

  /**
   * The rows now on screen: decrypt what is not decrypted yet (once the person is not scrolling fast any
   * more), and move the read marker.
   */
  showing(ids: readonly string[], scrolling = false): void {
    this.#reads.showing(ids, scrolling);
    this.#marker.seen(ids);
  }

  /** A message header from the live stream; ignored unless it belongs to this conversation. */
  arrived(header: MessageHeaderView): boolean {
    if (!headerBelongs(header, this.key)) return false;
    this.#mergeHeaders([header]);
    return true;
  }

  /** A message already read changed (an edit, delete or reaction aimed at it was read): shown as it is now. */
  updated(view: MessageView): void {
    if (this.#reads.views.has(view.id) || this.#seqOf.has(view.id)) this.#reads.set(view);
  }

  send(text: string): Promise<void> {
    const replyTo = this.actions.replyingTo?.id ?? null;
    this.actions.cancelReply();
    return this.#outgoing.send(text, replyTo);
  }

  /**
   * Sends the picked files with the composer's text as their caption (a reply when replying); the text is
   * given back to the composer when sending fails (the files stay picked, with the reason).
   */
  async sendFiles(text: string): Promise<boolean> {
    const replyTo = this.actions.replyingTo?.id ?? null;
    const sent = await this.files.send(text, replyTo);
    if (sent) this.actions.cancelReply();
    else if (this.#draft.trim() === '') this.draft = text;
    return sent;
  }

  /** The group may be written to again: messages that waited for its membership go out. */
  sendable(): Promise<void> {
    return this.#outgoing.retryHeld();
  }

  /** Sends a failed message again with the same id, so the server never stores it twice. */
  retry(id: string): Promise<void> {
    return this.#outgoing.retry(id);
  }

  discard(id: string): void {
    this.#outgoing.discard(id);
  }

  /** A message the server refused for good goes back into the composer (after what is there) to be changed. */
  editAndResend(id: string): void {
    const message = this.pending.find((p) => p.id === id);
    if (!message) return;
    this.draft = this.#draft.trim() === '' ? message.text : `${this.#draft.trimEnd()}\n${message.text}`;
    this.#outgoing.discard(id);
  }

  /** The connection is back: messages that waited for it go out. */
  connectionBack(): Promise<void> {
    return this.#outgoing.retryWaiting();
  }

  /** Messages kept from a session that ended elsewhere: shown and sent again. */
  resume(messages: readonly PendingMessage[]): Promise<void> {
    return this.#outgoing.resume(messages);
  }

  /** What is still to be sent, as kept when the session ends elsewhere. */
  unsent(): PendingMessage[] {
    return this.#outgoing.unsent();
  }

  /** A message a row refers to (a reply's original): read it, even when it is not on screen. */
  want(id: string): void {
    this.#reads.ensure(id);
  }

  /** True when a message asked for with `want` could not be read. */
  unreadable(id: string): boolean {
    return this.#reads.missing.has(id);
  }

  /** The contact's key changed on the server (live event): show the banner now. */
  contactKeyChanged(): void {
    void this.contact?.refresh();
  }

  #mergeHeaders(incoming: readonly MessageHeaderView[]): void {
    const fresh = incoming.filter((h) => !this.#seqOf.has(h.id)).map(headerOnly);
    if (fresh.length === 0) return;
    for (const h of fresh) this.#seqOf.set(h.id, h.seq);
    this.headers = mergeBySeq(this.headers, fresh);
    this.#outgoing.arrived(new Set(fresh.map((h) => h.id)));
  }
}
