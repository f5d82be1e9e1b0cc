// Core side (runs anywhere): the client's duties towards the key log (PROTOCOL.md "Key transparency", rules
// 2–5) as pure decisions — what to make of an offered signed head, whether a contact's key is the log's, and
// what in a run of entries is an attack. The session keeps the state; these say what it means.
import { decodeBase64, isBase64 } from '../protocol/base64.js';
import type { PublicKeys } from '../crypto/rsa.js';
import { entryLeafHash, verifyTreeHead, type LogEntry, type SignedTreeHead } from './entries.js';
import { sameHash, verifyConsistency, verifyInclusion } from './merkle.js';

/** "A head whose timestamp is more than 1 hour older than the client's clock when it is fetched is a warning." */
export const STALE_HEAD_MS = 60 * 60 * 1000;

export type HeadVerdict =
  /** larger and consistent: it becomes the kept head */
  | 'advance'
  | 'same'
  /** smaller and consistent with the kept one, which stays */
  | 'older_consistent'
  /** same size, another root: the server shows different histories to different people */
  | 'fork'
  /** the consistency proof fails: the same alarm as a fork */
  | 'inconsistent'
  /** a head inside a message whose signature fails: that message is suspect, not the server */
  | 'suspect'
  /** a head from the server whose signature fails */
  | 'bad_signature';

export interface HeadCheck {
  verdict: HeadVerdict;
  /** The head to keep after this check. */
  keep: SignedTreeHead;
  stale: boolean;
}

const rootBytes = (head: SignedTreeHead) => (isBase64(head.root) ? decodeBase64(head.root) : new Uint8Array(0));

/** Rule 2 (a head from GET /keylog/head) and rule 5 (a head inside a message), given the proof between the sizes. */
export async function checkHead(input: {
  kept: SignedTreeHead;
  offered: SignedTreeHead;
  source: 'server' | 'message';
  /** base64 hashes of the consistency proof between the smaller and the larger size; null when none was needed or given */
  proof: readonly string[] | null;
  logKey: PublicKeys;
  now: number;
}): Promise<HeadCheck> {
  const { kept, offered } = input;
  const stale = input.source === 'server' && input.now - Date.parse(offered.timestamp) > STALE_HEAD_MS;
  const result = (verdict: HeadVerdict, keep = kept): HeadCheck => ({ verdict, keep, stale });
  if (!(await verifyTreeHead(offered, input.logKey))) return result(input.source === 'message' ? 'suspect' : 'bad_signature');
  if (offered.size === kept.size) return result(sameHash(rootBytes(offered), rootBytes(kept)) ? 'same' : 'fork');
  const [small, large] = offered.size < kept.size ? [offered, kept] : [kept, offered];
  const proof = (input.proof ?? []).map((p) => (isBase64(p) ? decodeBase64(p) : new Uint8Array(0)));
  const consistent = await verifyConsistency(small.size, large.size, proof, rootBytes(small), rootBytes(large));
  if (!consistent) return result('inconsistent');
  return offered.size > kept.size ? result('advance', offered) : result('older_consistent');
}

export type KeyCheck = 'accepted' | 'wrong_entry' | 'not_included' | 'retry' | 'earlier_key_entry';

/**
 * Rule 3: a contact's key is accepted only when the entry at `keyIndex` names that username and exactly that
 * key, is included in a verified head, and no other key entry for the name that this client saw comes before it.
 */
export async function checkContactKey(input: {
  username: string;
  publicKey: string;
  keyIndex: number;
  /** The log's entry at keyIndex, as the server gave it. */
  entry: LogEntry;
  /** The inclusion proof of keyIndex in `head` (base64 hashes). */
  proof: readonly string[];
  /** A head already verified (rule 2). */
  head: SignedTreeHead;
  /** Indexes of key entries for this name this client has seen in the log. */
  seenKeyEntries: readonly number[];
}): Promise<KeyCheck> {
  if (input.keyIndex >= input.head.size) return 'retry';
  const e = input.entry;
  if (e.index !== input.keyIndex || e.username !== input.username || e.publicKey !== input.publicKey) return 'wrong_entry';
  const proof = input.proof.map((p) => (isBase64(p) ? decodeBase64(p) : new Uint8Array(0)));
  if (!(await verifyInclusion(await entryLeafHash(e), e.index, input.head.size, proof, rootBytes(input.head)))) return 'not_included';
  if (input.seenKeyEntries.some((i) => i < input.keyIndex)) return 'earlier_key_entry';
  return 'accepted';
}

export type MonitorAlarm = 'own_name' | 'pinned_name' | 'after_deletion' | 'second_key_entry' | 'deletion_without_key';

/**
 * Rule 4: reads the log's entries in order and says which is an attack — a name has one key entry and at most
 * one deletion after it; anything else for one's own name, a pinned name, or any name, is an alarm.
 */
export interface MonitorMemory {
  /** Entries checked: the next one expected. */
  next: number;
  /** The index of each name's key entry. */
  keyEntries: Record<string, number>;
  deleted: string[];
}

export class LogMonitor {
  readonly #me: string;
  readonly #myKey: string;
  readonly #pinned: ReadonlySet<string>;
  readonly #keyEntry = new Map<string, number>();
  readonly #deleted = new Set<string>();
  #next = 0;

  /** `memory`: what an earlier run checked, so it goes on from there. */
  constructor(me: string, myKey: string, pinned: Iterable<string>, memory?: MonitorMemory) {
    this.#me = me;
    this.#myKey = myKey;
    this.#pinned = new Set(pinned);
    if (memory) {
      this.#next = memory.next;
      for (const [name, index] of Object.entries(memory.keyEntries)) this.#keyEntry.set(name, index);
      for (const name of memory.deleted) this.#deleted.add(name);
    }
  }

  get checkedSize(): number {
    return this.#next;
  }

  /** The index of the key entry seen for `name`, if any. */
  keyEntryOf(name: string): number | undefined {
    return this.#keyEntry.get(name);
  }

  memory(): MonitorMemory {
    return { next: this.#next, keyEntries: Object.fromEntries(this.#keyEntry), deleted: [...this.#deleted] };
  }

  /** Feeds the next entry (in index order); returns the alarm it raises, or null. */
  feed(entry: LogEntry): MonitorAlarm | null {
    if (entry.index !== this.#next) throw new RangeError(`entry ${entry.index} read where ${this.#next} was expected`);
    this.#next++;
    const name = entry.username;
    const alarm = this.#judge(entry);
    if (entry.publicKey === null) this.#deleted.add(name);
    else if (!this.#keyEntry.has(name)) this.#keyEntry.set(name, entry.index);
    return alarm;
  }

  #judge(entry: LogEntry): MonitorAlarm | null {
    const name = entry.username;
    // This monitor's own account is never deleted while it runs: any entry for it but its own key is an attack.
    if (name === this.#me) return entry.publicKey === this.#myKey && !this.#keyEntry.has(name) ? null : 'own_name';
    if (this.#deleted.has(name)) return 'after_deletion';
    if (entry.publicKey === null) return this.#keyEntry.has(name) ? null : 'deletion_without_key';
    if (!this.#keyEntry.has(name)) return null;
    return this.#pinned.has(name) ? 'pinned_name' : 'second_key_entry';
  }
}
