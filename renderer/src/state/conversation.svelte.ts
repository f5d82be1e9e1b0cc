// One conversation: headers page by page (oldest first), decrypted views only of what was on screen,
// messages being sent, and the contact's key state. Headers are known without decrypting anything; the
// window asks to read only the rows it shows, so a 10,000-message conversation costs what one screen costs.
import { SvelteMap } from 'svelte/reactivity';
import type {
  ChatApi,
  ChatErrorInfo,
  ContactDetails,
  MessageHeaderView,
  MessageView,
} from '../../../core/api/chat-api.js';
import { toChatErrorInfo } from '../../../core/api/errors.js';
import { describeError } from '../lib/errors.js';
import { RowBuilder, type PendingMessage, type Row } from '../lib/rows.js';

export const PAGE_SIZE = 100;
/** Messages decrypted per request (see #pump). */
export const READ_BATCH = 6;

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
  readError = $state<ChatErrorInfo | null>(null);
  pending = $state<PendingMessage[]>([]);
  details = $state<ContactDetails | null>(null);
  detailsError = $state<ChatErrorInfo | null>(null);
  trusting = $state(false);
  /** A block, unblock or disown request is in flight. */
  changing = $state(false);
  draft = $state('');
  readonly views = new SvelteMap<string, MessageView>();
  readonly #rowBuilder = new RowBuilder();
  rows: Row[] = $derived(this.#rowBuilder.build(this.headers, this.pending));

  readonly #api: ChatApi;
  readonly #hooks: ConversationHooks;
  /** Ids on screen now, oldest first. */
  #wanted: readonly string[] = [];
  /** The person is scrolling fast: rows on screen now will be gone in a frame or two. */
  #scrolling = false;
  #inFlight = false;
  /** Ids whose read failed; asked again only when they come on screen again. */
  readonly #unreadable = new Set<string>();
  readonly #seqOf = new Map<string, number>();
  #readUpTo = 0;
  #opening: Promise<void> | null = null;

  constructor(api: ChatApi, peer: string, hooks: ConversationHooks = {}) {
    this.#api = api;
    this.peer = peer;
    this.#hooks = hooks;
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
    const shown = new Set(ids);
    for (const id of this.#unreadable) if (!shown.has(id)) this.#unreadable.delete(id);
    this.#wanted = ids;
    this.#scrolling = scrolling;
    this.#pump();
    this.#markRead(ids);
  }

  // Decrypting is the costly part: an RSA-4096 private-key operation per message, plus its request to the
  // server, on a machine whose cores also draw the frames. So nothing is asked while the person scrolls
  // fast (those rows show a placeholder; the list says when the scroll settles), at most one small batch
  // is in flight, the next one waits for the next frame, and each batch is taken from what is on screen
  // *now*: a row that left the screen is never asked for. The newest visible rows go first, as that is
  // where a person looks.
  #pump(): void {
    if (this.#inFlight || this.#scrolling) return;
    const batch: string[] = [];
    for (let i = this.#wanted.length - 1; i >= 0 && batch.length < READ_BATCH; i--) {
      const id = this.#wanted[i]!;
      if (!this.views.has(id) && !this.#unreadable.has(id)) batch.push(id);
    }
    if (batch.length === 0) return;
    this.#inFlight = true;
    this.#api.readMessages(batch).then(
      (views) => {
        const asked = new Set(batch);
        for (const view of views) if (asked.has(view.id)) this.#setView(view);
        // An id the core did not answer for is not asked again until it is on screen anew.
        for (const id of batch) if (!this.views.has(id)) this.#unreadable.add(id);
        this.readError = null;
        this.#next();
      },
      (error: unknown) => {
        this.readError = toChatErrorInfo(error);
        for (const id of batch) this.#unreadable.add(id);
        this.#next();
      },
    );
  }

  #next(): void {
    const resume = () => {
      this.#inFlight = false;
      this.#pump();
    };
    if (typeof requestAnimationFrame === 'function') requestAnimationFrame(resume);
    else setTimeout(resume, 0);
  }

  #markRead(ids: readonly string[]): void {
    if (this.#hooks.isVisible && !this.#hooks.isVisible()) return;
    let newest = 0;
    for (const id of ids) newest = Math.max(newest, this.#seqOf.get(id) ?? 0);
    if (newest <= this.#readUpTo) return;
    this.#readUpTo = newest;
    const latest = this.headers[this.headers.length - 1];
    this.#api.markRead(this.peer, newest).then(
      () => {
        if (latest && newest >= latest.seq) this.#hooks.onRead?.(this.peer);
      },
      () => {
        // A read marker that did not move is retried with the next screenful.
        this.#readUpTo = 0;
      },
    );
  }

  /** A message header from the live stream; ignored unless it belongs to this conversation. */
  arrived(header: MessageHeaderView): boolean {
    const other = header.outgoing ? header.recipient : header.sender;
    if (other !== this.peer) return false;
    this.#mergeHeaders([header]);
    return true;
  }

  async send(text: string): Promise<void> {
    const body = text.replace(/^\s*\n/, '').trimEnd();
    if (!body.trim()) return;
    const id = (this.#hooks.newId ?? (() => crypto.randomUUID()))();
    this.pending = [
      ...this.pending,
      { id, recipient: this.peer, text: body, state: 'pending', error: null, createdAt: new Date().toISOString() },
    ];
    await this.#deliver(id);
  }

  /** Sends a failed message again with the same id, so the server never stores it twice. */
  async retry(id: string): Promise<void> {
    if (!this.pending.some((p) => p.id === id && p.state === 'failed')) return;
    this.#updatePending(id, { state: 'pending', error: null });
    await this.#deliver(id);
  }

  discard(id: string): void {
    this.pending = this.pending.filter((p) => p.id !== id);
  }

  async #deliver(id: string): Promise<void> {
    const message = this.pending.find((p) => p.id === id);
    if (!message) return;
    try {
      const view = await this.#api.send({ recipient: this.peer, text: message.text, id });
      this.#setView(view);
      this.#mergeHeaders([view]);
      this.pending = this.pending.filter((p) => p.id !== id);
    } catch (error) {
      this.#updatePending(id, { state: 'failed', error: describeError(toChatErrorInfo(error)) });
    }
  }

  async trustKey(): Promise<boolean> {
    this.trusting = true;
    try {
      this.details = await this.#api.trustContactKey(this.peer);
      this.detailsError = null;
      this.#hooks.onKeyTrusted?.(this.peer);
      // Messages that failed because of the key change are read again against the accepted key.
      const failed = [...this.views.values()].filter((v) => v.status === 'key_changed').map((v) => v.id);
      for (const id of failed) this.views.delete(id);
      if (failed.length > 0) this.#pump();
      return true;
    } catch (error) {
      this.detailsError = toChatErrorInfo(error);
      return false;
    } finally {
      this.trusting = false;
    }
  }

  #setView(view: MessageView): void {
    this.views.set(view.id, placedView(view, this.#hooks.me?.() ?? null, this.peer));
  }

  /** The person said the contact's earlier keys were never theirs: messages signed with them are read again. */
  disownEarlierKeys(): Promise<boolean> {
    return this.#change(() => this.#api.disownEarlierKeys(this.peer), ['earlier_key']);
  }

  block(): Promise<boolean> {
    return this.#change(() => this.#api.blockContact(this.peer), []);
  }

  unblock(): Promise<boolean> {
    return this.#change(() => this.#api.unblockContact(this.peer), []);
  }

  async #change(run: () => Promise<ContactDetails>, reread: MessageView['status'][]): Promise<boolean> {
    this.changing = true;
    try {
      this.details = await run();
      this.detailsError = null;
      const stale = [...this.views.values()].filter((v) => reread.includes(v.status)).map((v) => v.id);
      for (const id of stale) this.views.delete(id);
      if (stale.length > 0) this.#pump();
      return true;
    } catch (error) {
      this.detailsError = toChatErrorInfo(error);
      return false;
    } finally {
      this.changing = false;
    }
  }

  /** The contact's key changed on the server (live event): show the banner now. */
  contactKeyChanged(): void {
    void this.refreshDetails();
  }

  #updatePending(id: string, change: Partial<PendingMessage>): void {
    this.pending = this.pending.map((p) => (p.id === id ? { ...p, ...change } : p));
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
    const ids = new Set(fresh.map((h) => h.id));
    if (this.pending.some((p) => ids.has(p.id))) this.pending = this.pending.filter((p) => !ids.has(p.id));
  }
}
