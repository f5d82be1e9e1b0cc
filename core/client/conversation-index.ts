// Core side: what the client knows about its conversations without decrypting anything — the sync cursor,
// each conversation's last activity, read markers and unread seqs. Kept in the local store, one entry per
// account; entries are keyed by ConversationKey (a peer's username, or "group:" + id).
// Read markers also come from the account's other devices (read-cursor-sync.ts), and a device's first sign-in
// marks the history it found then: where no device read a conversation, that history is not counted unread.
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

/**
 * The first sign-in on this device with an empty index: what was on the server then counts as read where no
 * device marked anything read. Kept as a seq, not a time: the device's clock may be ahead of the server's,
 * and a time would then hide messages that came after.
 */
interface FirstSignIn {
  /** When it was (this device's clock), for the record. */
  at: number;
  /** The newest seq the server listed at sign-in (null when that failed), then capped at the first catch-up. */
  seq: number | null;
  /**
   * Set once a catch-up reached the server's newest message: `seq` is then at most the cursor it confirmed,
   * so a server that named a seq far ahead cannot hide later messages as read. Until then nothing is hidden.
   */
  settled?: boolean;
}

interface IndexData {
  cursor: number;
  peers: Record<string, PeerEntry>;
  /** Read markers from other devices for conversations this index has no entry for yet. */
  readElsewhere?: Record<string, number>;
  firstSignIn?: FirstSignIn;
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
        if (typeof data.cursor === 'number' && typeof data.peers === 'object' && data.peers !== null) index.#data = withoutDamage(data);
      } catch {
        // A damaged index is rebuilt from the server by syncing from cursor 0; read markers start over (those the
        // account's devices share come back from the server: read-cursor-sync.ts).
      }
    }
    return index;
  }

  get cursor(): number {
    return this.#data.cursor;
  }

  /** Every entry, `unread` as counted (see #shown). */
  peers(): Array<[string, PeerEntry]> {
    return Object.entries(this.#data.peers).map(([name, entry]) => [name, this.#shown(entry)]);
  }

  peer(name: string): PeerEntry | null {
    const entry = this.#data.peers[name];
    return entry ? this.#shown(entry) : null;
  }

  /**
   * A conversation nobody marked read anywhere (readSeq 0) does not count what came before this device's first
   * sign-in. Applied when counting, not when recording: a marker from another device that arrives later then
   * counts everything after it again, also what the first sign-in covered.
   */
  #shown(entry: PeerEntry): PeerEntry {
    const first = this.#data.firstSignIn;
    const before = first?.settled === true ? first.seq : null;
    if (before === null || entry.readSeq > 0 || !entry.unread.some((seq) => seq <= before)) return entry;
    return { ...entry, unread: entry.unread.filter((seq) => seq > before) };
  }

  #entry(name: string): PeerEntry {
    let entry = this.#data.peers[name];
    if (!entry) {
      const elsewhere = this.#data.readElsewhere?.[name];
      entry = { lastSeq: null, lastActivity: null, readSeq: elsewhere ?? 0, unread: [] };
      this.#data.peers[name] = entry;
      if (elsewhere !== undefined) delete this.#data.readElsewhere![name];
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
    const elsewhere = this.#data.readElsewhere ?? {};
    for (const [name, seq] of Object.entries(elsewhere)) if (seq > highestKnown) elsewhere[name] = highestKnown;
    const first = this.#data.firstSignIn;
    if (first && first.seq !== null && first.seq > highestKnown) first.seq = highestKnown;
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

  /** Every read marker: what this device read, and what other devices did that it has learned. */
  readMarkers(): Record<string, number> {
    const markers: Record<string, number> = { ...this.#data.readElsewhere };
    for (const [name, entry] of Object.entries(this.#data.peers)) if (entry.readSeq > 0) markers[name] = entry.readSeq;
    return markers;
  }

  /**
   * Read markers of other devices, each kept where it is ahead (the highest seq wins: read stays read). A
   * conversation without an entry is not listed for it: its marker waits for its first message. True when
   * anything changed.
   */
  mergeReadMarkers(markers: Record<string, number>): boolean {
    let changed = false;
    for (const [name, seq] of Object.entries(markers)) {
      const entry = this.#data.peers[name];
      if (entry) {
        if (seq <= entry.readSeq) continue;
        this.markRead(name, seq);
      } else {
        const elsewhere = (this.#data.readElsewhere ??= {});
        if (seq <= (elsewhere[name] ?? 0)) continue;
        elsewhere[name] = seq;
      }
      changed = true;
    }
    return changed;
  }

  /** Nothing recorded, read or begun on this device for the account yet. */
  get fresh(): boolean {
    const d = this.#data;
    return d.cursor === 0 && Object.keys(d.peers).length === 0 && d.firstSignIn === undefined && Object.keys(d.readElsewhere ?? {}).length === 0;
  }

  /** The first sign-in of a fresh index; its history is marked once the first catch-up ends (caughtUp). */
  beginFirstSignIn(at: number): void {
    if (this.fresh) this.#data.firstSignIn = { at, seq: null };
  }

  /** Whether the first sign-in still wants the server's newest seq of that moment. */
  get wantsNewestSeq(): boolean {
    const first = this.#data.firstSignIn;
    return first !== undefined && first.settled !== true && first.seq === null;
  }

  /** The newest seq the server listed right after the first sign-in. */
  newestAtFirstSignIn(seq: number): void {
    if (this.wantsNewestSeq) this.#data.firstSignIn!.seq = seq;
  }

  /** A catch-up reached the server's newest message; true when that settled the first sign-in's history. */
  caughtUp(): boolean {
    const first = this.#data.firstSignIn;
    if (!first || first.settled === true) return false;
    first.seq = first.seq === null ? this.#data.cursor : Math.min(first.seq, this.#data.cursor);
    first.settled = true;
    return true;
  }

  async save(): Promise<void> {
    await this.#store.set(this.#key, JSON.stringify(this.#data));
  }
}

/** The parts added later (read markers from elsewhere, the first sign-in) dropped when damaged; the rest as it was. */
function withoutDamage(data: IndexData): IndexData {
  const { readElsewhere, firstSignIn } = data;
  if (readElsewhere !== undefined && (typeof readElsewhere !== 'object' || readElsewhere === null || Object.values(readElsewhere).some((seq) => typeof seq !== 'number'))) {
    delete data.readElsewhere;
  }
  if (
    firstSignIn !== undefined &&
    (typeof firstSignIn?.at !== 'number' || (firstSignIn.seq !== null && typeof firstSignIn.seq !== 'number') || ![undefined, true].includes(firstSignIn.settled))
  ) {
    delete data.firstSignIn;
  }
  return data;
}
