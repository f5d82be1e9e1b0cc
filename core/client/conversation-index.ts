// Core side: what the client knows about its conversations without decrypting anything — the sync cursor,
// each conversation's last activity, read markers and unread seqs. Kept in the local store, one entry per
// account; entries are keyed by ConversationKey (a peer's username, or "group:" + id).
import type { ListedMessage } from '../protocol/schemas-v2.js';
import { conversationOf } from './listings.js';
import type { KeyValueStore } from './store.js';

export interface PeerEntry {
  lastSeq: number | null;
  lastActivity: string | null;
  /** Everything up to this seq has been read. */
  readSeq: number;
  /** Seqs of incoming messages after readSeq. */
  unread: number[];
}

interface IndexData {
  cursor: number;
  peers: Record<string, PeerEntry>;
}

export class ConversationIndex {
  readonly #store: KeyValueStore;
  readonly #key: string;
  #data: IndexData = { cursor: 0, peers: {} };

  private constructor(store: KeyValueStore, namespace: string) {
    this.#store = store;
    this.#key = `index/${namespace}`;
  }

  static async load(store: KeyValueStore, namespace: string): Promise<ConversationIndex> {
    const index = new ConversationIndex(store, namespace);
    const raw = await store.get(index.#key);
    if (raw !== null) {
      try {
        const data = JSON.parse(raw) as IndexData;
        if (typeof data.cursor === 'number' && typeof data.peers === 'object' && data.peers !== null) index.#data = data;
      } catch {
        // A damaged index is rebuilt from the server by syncing from cursor 0; read markers start over.
      }
    }
    return index;
  }

  get cursor(): number {
    return this.#data.cursor;
  }

  peers(): Array<[string, PeerEntry]> {
    return Object.entries(this.#data.peers);
  }

  peer(name: string): PeerEntry | null {
    return this.#data.peers[name] ?? null;
  }

  #entry(name: string): PeerEntry {
    let entry = this.#data.peers[name];
    if (!entry) {
      entry = { lastSeq: null, lastActivity: null, readSeq: 0, unread: [] };
      this.#data.peers[name] = entry;
    }
    return entry;
  }

  /** Records a header in seq order; false when it was already recorded (seq at or below the cursor). */
  record(header: ListedMessage, me: string): boolean {
    if (header.seq <= this.#data.cursor) return false;
    this.#data.cursor = header.seq;
    const entry = this.#entry(conversationOf(header, me));
    if (entry.lastSeq === null || header.seq > entry.lastSeq) {
      entry.lastSeq = header.seq;
      entry.lastActivity = header.timestamp;
    }
    // Re-recording after a rewind must not count a message as unread twice.
    if (header.sender !== me && header.seq > entry.readSeq && !entry.unread.includes(header.seq)) entry.unread.push(header.seq);
    return true;
  }

  /**
   * Sync starts again from seq 0 (the stored cursor was not the server's). Read markers stay; what was recorded
   * above `highestKnown` (the server's newest confirmed seq) is forgotten, to be recorded again as it comes.
   */
  rewind(highestKnown: number): void {
    this.#data.cursor = 0;
    for (const entry of Object.values(this.#data.peers)) {
      entry.unread = entry.unread.filter((seq) => seq <= highestKnown);
      if (entry.lastSeq !== null && entry.lastSeq > highestKnown) {
        entry.lastSeq = null;
        entry.lastActivity = null;
      }
      if (entry.readSeq > highestKnown) entry.readSeq = highestKnown;
    }
  }

  /** A conversation the person opened, listed even before any message. */
  open(peer: string): boolean {
    if (this.#data.peers[peer]) return false;
    this.#entry(peer);
    return true;
  }

  /** Read, these turned out to be no news (an edit, a reaction, a group change): not counted as unread. */
  notNews(key: string, seqs: readonly number[]): boolean {
    const entry = this.#data.peers[key];
    if (!entry || !seqs.some((seq) => entry.unread.includes(seq))) return false;
    entry.unread = entry.unread.filter((seq) => !seqs.includes(seq));
    return true;
  }

  markRead(peer: string, seq: number): void {
    const entry = this.#entry(peer);
    entry.readSeq = Math.max(entry.readSeq, seq);
    entry.unread = entry.unread.filter((s) => s > entry.readSeq);
  }

  async save(): Promise<void> {
    await this.#store.set(this.#key, JSON.stringify(this.#data));
  }
}
