// Core side: what this device keeps per group, in the local store — the verified announcements it read (in
// seq order, to replay the membership without reading the history again), how far it read, since when the
// server has listed names nobody announced, and which of those the person confirmed.
import type { GroupContent } from '../protocol/content.js';
import type { KeyValueStore } from './store.js';

export interface StoredAnnouncement {
  seq: number;
  sender: string;
  recipients: string[];
  content: GroupContent;
}

export interface GroupRecord {
  /** Every group message at or below this seq was read for announcements. */
  scanned: number;
  announcements: StoredAnnouncement[];
  /** Names the server lists that no announcement explains, with when this device first saw them listed. */
  unexplainedSince: Record<string, string>;
  /** Names the person accepted from the server's list on this device. */
  confirmed: string[];
}

const empty = (): GroupRecord => ({ scanned: 0, announcements: [], unexplainedSince: {}, confirmed: [] });

export class GroupRecords {
  readonly #store: KeyValueStore;
  readonly #key: string;
  #data: Record<string, GroupRecord> | null = null;

  constructor(store: KeyValueStore, namespace: string) {
    this.#store = store;
    this.#key = `groups/${namespace}`;
  }

  async #all(): Promise<Record<string, GroupRecord>> {
    if (this.#data) return this.#data;
    const raw = await this.#store.get(this.#key);
    let data: Record<string, GroupRecord> = {};
    if (raw !== null) {
      try {
        const parsed = JSON.parse(raw) as unknown;
        if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) data = parsed as Record<string, GroupRecord>;
      } catch {
        // A damaged record is rebuilt by reading the groups' messages again.
      }
    }
    this.#data = data;
    return data;
  }

  async get(group: string): Promise<GroupRecord> {
    const all = await this.#all();
    return structuredClone(Object.hasOwn(all, group) ? all[group]! : empty());
  }

  async ids(): Promise<string[]> {
    return Object.keys(await this.#all());
  }

  async update(group: string, change: (record: GroupRecord) => void): Promise<GroupRecord> {
    const all = await this.#all();
    const record = Object.hasOwn(all, group) ? all[group]! : empty();
    change(record);
    all[group] = record;
    await this.#store.set(this.#key, JSON.stringify(all));
    return structuredClone(record);
  }

  /** Adds a verified announcement (once per seq), keeping seq order. */
  static add(record: GroupRecord, announcement: StoredAnnouncement): void {
    if (record.announcements.some((a) => a.seq === announcement.seq)) return;
    record.announcements.push(announcement);
    record.announcements.sort((a, b) => a.seq - b.seq);
  }
}
