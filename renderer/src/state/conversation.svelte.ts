// One conversation: headers page by page (oldest first), decrypted views only of what was on screen,
// messages being sent, and the contact's key state. Headers are known without decrypting anything; the
// window asks to read only the rows it shows, so a 10,000-message conversation costs what one screen costs.
// Decrypting, sending and the read marker are parts of their own (decrypt-queue, outgoing, read-marker).
import type { SvelteMap } from 'svelte/reactivity';
import type { ChatApi, ChatErrorInfo, ContactDetails, MessageHeaderView, MessageView } from '../../../core/api/chat-api.js';
import { toChatErrorInfo } from '../../../core/api/errors.js';
import { RowBuilder, type PendingMessage, type Row } from '../lib/rows.js';
import { DecryptQueue } from './decrypt-queue.svelte.js';
import { Outgoing } from './outgoing.svelte.js';
import { ReadMarker } from './read-marker.js';

export { READ_BATCH } from './decrypt-queue.svelte.js';

export const PAGE_SIZE = 100;

export interface ConversationHooks {
  /** The conversation was read up to its newest message (unread count can go to 0). */
  onRead?: (peer: string) => void;
  /** The person accepted the contact's new key. */
  onKeyTrusted?: (peer: string) => void;
  /** Makes message ids; crypto.randomUUID by default (UUID v4, lowercase). */
  newId?: () => string;
  /** Whether the person can see the window now; read markers move only then. */
  isVisible?: () => boolean;
  /** The signed-in user's name: a read message must be between them and the peer. */
  me?: () => string | null;
}

export const MISPLACED_REASON = 'The server listed this message in the wrong conversation.';

/**
 * What the window shows of a message comes only from the view the core verified; and a view whose
 * sender/recipient pair is not (me, peer) either way is failed here too, whatever the core said.
 */
export function placedView(view: MessageView, me: string | null, peer: string): MessageView {
  if (view.status === 'misplaced') return { ...view, text: null, reason: view.reason ?? MISPLACED_REASON };
  const mine = me !== null && view.sender === me && view.recipient === peer && view.outgoing;
  const theirs = me !== null && view.sender === peer && view.recipient === me && !view.outgoing;
  if (mine || theirs) return view;
  return { ...view, text: null, status: 'misplaced', reason: MISPLACED_REASON };
}

export class ConversationState {
  readonly peer: string;
  headers = $state.raw<MessageHeaderView[]>([]);
  hasMore = $state(false);
  loaded = $state(false);
  loadingOlder = $state(false);
  error = $state<ChatErrorInfo | null>(null);
  details = $state<ContactDetails | null>(null);
  detailsError = $state<ChatErrorInfo | null>(null);
  trusting = $state(false);
  /** A block, unblock or disown request is in flight. */
  changing = $state(false);
  draft = $state('');
  readonly #reads: DecryptQueue;
  readonly #outgoing: Outgoing;
  readonly #marker: ReadMarker;
  readonly #rowBuilder = new RowBuilder();
  rows: Row[] = $derived(this.#rowBuilder.build(this.headers, this.pending));

  readonly #api: ChatApi;
  readonly #hooks: ConversationHooks;
  readonly #seqOf = new Map<string, number>();
  #opening: Promise<void> | null = null;

  constructor(api: ChatApi, peer: string, hooks: ConversationHooks = {}) {
    this.#api = api;
    this.peer = peer;
    this.#hooks = hooks;
    this.#reads = new DecryptQueue(api, (view) => placedView(view, hooks.me?.() ?? null, peer));
    this.#outgoing = new Outgoing(api, peer, hooks.newId ?? (() => crypto.randomUUID()), (view) => {
      this.#reads.set(view);
      this.#mergeHeaders([view]);
    });
    this.#marker = new ReadMarker(api, peer, {
      seqOf: (id) => this.#seqOf.get(id),
      newestSeq: () => this.headers[this.headers.length - 1]?.seq,
      isVisible: hooks.isVisible,
      onRead: () => hooks.onRead?.(peer),
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

  get keyChanged(): boolean {
    return this.details?.keyStatus === 'changed';
  }

  /** Loads the newest page and the contact's key details; once. */
  open(): Promise<void> {
    this.#opening ??= (async () => {
      await Promise.all([this.#loadNewest(), this.refreshDetails()]);
    })();
    return this.#opening;
  }

  async #loadNewest(): Promise<void> {
    try {
      const page = await this.#api.conversation({ peer: this.peer, limit: PAGE_SIZE });
      this.#mergeHeaders(page.messages);
      this.hasMore = page.hasMore;
      this.error = null;
    } catch (error) {
      this.error = toChatErrorInfo(error);
      this.#opening = null;
    } finally {
      this.loaded = true;
    }
  }

  async loadOlder(): Promise<void> {
    if (!this.hasMore || this.loadingOlder || !this.loaded) return;
    const oldest = this.headers[0];
    if (!oldest) return;
    this.loadingOlder = true;
    try {
      const page = await this.#api.conversation({ peer: this.peer, beforeSeq: oldest.seq, limit: PAGE_SIZE });
      this.#mergeHeaders(page.messages);
      this.hasMore = page.hasMore;
      this.error = null;
    } catch (error) {
      this.error = toChatErrorInfo(error);
    } finally {
      this.loadingOlder = false;
    }
  }

  async refreshDetails(): Promise<void> {
    try {
      this.details = await this.#api.contactDetails(this.peer);
      this.detailsError = null;
    } catch (error) {
      this.detailsError = toChatErrorInfo(error);
    }
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
    const other = header.outgoing ? header.recipient : header.sender;
    if (other !== this.peer) return false;
    this.#mergeHeaders([header]);
    return true;
  }

  send(text: string): Promise<void> {
    return this.#outgoing.send(text);
  }

  /** Sends a failed message again with the same id, so the server never stores it twice. */
  retry(id: string): Promise<void> {
    return this.#outgoing.retry(id);
  }

  discard(id: string): void {
    this.#outgoing.discard(id);
  }

  async trustKey(): Promise<boolean> {
    this.trusting = true;
    try {
      // Messages that failed because of the key change are read again against the accepted key.
      return await this.#change(() => this.#api.trustContactKey(this.peer), ['key_changed'], () => this.#hooks.onKeyTrusted?.(this.peer));
    } finally {
      this.trusting = false;
    }
  }

  /** The person said the contact's earlier keys were never theirs: messages signed with them are read again. */
  disownEarlierKeys(): Promise<boolean> {
    return this.#changing(() => this.#api.disownEarlierKeys(this.peer), ['earlier_key']);
  }

  block(): Promise<boolean> {
    return this.#changing(() => this.#api.blockContact(this.peer), []);
  }

  unblock(): Promise<boolean> {
    return this.#changing(() => this.#api.unblockContact(this.peer), []);
  }

  async #changing(run: () => Promise<ContactDetails>, reread: MessageView['status'][]): Promise<boolean> {
    this.changing = true;
    try {
      return await this.#change(run, reread);
    } finally {
      this.changing = false;
    }
  }

  /** Applies a change of the contact's details; views with the `reread` statuses are decrypted again. */
  async #change(run: () => Promise<ContactDetails>, reread: MessageView['status'][], done?: () => void): Promise<boolean> {
    try {
      this.details = await run();
      this.detailsError = null;
      done?.();
      this.#reads.reread(reread);
      return true;
    } catch (error) {
      this.detailsError = toChatErrorInfo(error);
      return false;
    }
  }

  /** The contact's key changed on the server (live event): show the banner now. */
  contactKeyChanged(): void {
    void this.refreshDetails();
  }

  #mergeHeaders(incoming: readonly MessageHeaderView[]): void {
    if (incoming.length === 0) return;
    const fresh = incoming
      .filter((h) => !this.#seqOf.has(h.id))
      .map((h) => ({ id: h.id, seq: h.seq, sender: h.sender, recipient: h.recipient, timestamp: h.timestamp, outgoing: h.outgoing }));
    if (fresh.length === 0) return;
    for (const h of fresh) this.#seqOf.set(h.id, h.seq);
    const first = this.headers[0];
    const last = this.headers[this.headers.length - 1];
    fresh.sort((a, b) => a.seq - b.seq);
    if (!last || fresh[0]!.seq > last.seq) this.headers = [...this.headers, ...fresh];
    else if (first && fresh[fresh.length - 1]!.seq < first.seq) this.headers = [...fresh, ...this.headers];
    else this.headers = [...this.headers, ...fresh].sort((a, b) => a.seq - b.seq);
    this.#outgoing.arrived(new Set(fresh.map((h) => h.id)));
  }
}
