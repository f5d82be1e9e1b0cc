// Core side (runs in Node, Electron main and the browser worker): groups as this device verified them — the
// membership replayed from the announcements it read, compared with what the server lists, and the changes a
// person makes, announced in the order PROTOCOL.md "Membership end to end" sets (additions made then announced,
// removals announced then made).
import { MAX_PAGE_LIMIT } from '../protocol/constants.js';
import type { GroupContent } from '../protocol/content.js';
import type { Group } from '../protocol/schemas-v2.js';
import { newMessageId } from '../crypto/message-crypto.js';
import { replayMembership, successor, type GroupItem, type MembershipResult } from '../conversation/group-membership.js';
import { ChatError } from '../api/errors.js';
import { groupKey, isGroupKey, targetOf } from '../api/conversation-key.js';
import type { GroupView, GroupWarning } from '../api/view.js';
import { GroupRecords, type GroupRecord } from './group-records.js';
import { announcementText, invalidAnnouncementText, messageWarningText, warningSentence } from './group-text.js';
import type { Listings } from './listings.js';
import type { MessageReader, ReadItem } from './message-reader.js';
import type { ServerApi } from './server-api.js';
import type { CurrentSession, Session } from './session.js';

export interface GroupsOptions {
  api: ServerApi;
  reader: MessageReader;
  listings: Listings;
  session: CurrentSession;
  /** Sends a group announcement to exactly these recipients (the server's list, not the verified one). */
  announce(group: string, content: Announcement, id: string): Promise<ReadItem>;
  changed(group: GroupView): void;
  /** The time now, in ms (default Date.now). */
  now?: (() => number) | undefined;
}

/** An announcement as made here; the sender's clock is put in when it is sealed. */
export type Announcement = Omit<GroupContent, 'sentAt' | 'head'>;

type Verdict = { valid: true; first: boolean } | { valid: false; reason: string };

const TOUCH_DELAY_MS = 250;
const UNANNOUNCED_GROUP = 'No member has announced who is in this group yet, so who sent and who received this message cannot be checked.';
const NOT_A_MEMBER = 'You are not a member of this group (any more).';

export class Groups {
  readonly #o: GroupsOptions;
  readonly #scans = new Map<string, Promise<void>>();
  readonly #timers = new Map<string, ReturnType<typeof setTimeout>>();
  readonly #lastShown = new Map<string, string>();

  constructor(options: GroupsOptions) {
    this.#o = options;
  }

  #now(): number {
    return this.#o.now?.() ?? Date.now();
  }

  // ---- reading ----

  /** Reads every group message after the record's `scanned` seq, keeping the verified announcements. */
  async scan(group: string): Promise<GroupRecord> {
    const s = this.#o.session();
    const running = this.#scans.get(group) ?? Promise.resolve();
    const next = running.then(() => this.#scanOnce(s, group));
    const settled = next.catch(() => undefined);
    this.#scans.set(group, settled);
    await next;
    if (this.#scans.get(group) === settled) this.#scans.delete(group);
    return s.groups.get(group);
  }

  async #scanOnce(s: Session, group: string): Promise<void> {
    for (;;) {
      const record = await s.groups.get(group);
      const page = await this.#o.listings.conversation(groupKey(group), { after: record.scanned, order: 'asc', limit: MAX_PAGE_LIMIT });
      if (page.length === 0) return;
      const items = await this.#o.reader.items(page.map((h) => h.id));
      // A key that could not be fetched may hide an announcement: read from there again next time.
      const stop = items.findIndex((i) => i.view.status === 'unknown_sender_key');
      const usable = stop === -1 ? items : items.slice(0, stop);
      const scanned = stop === -1 ? page[page.length - 1]!.seq : page[stop]!.seq - 1;
      await s.groups.update(group, (r) => {
        for (const i of usable) {
          if (i.view.status === 'verified' && i.content?.type === 'group' && i.recipients) {
            GroupRecords.add(r, { seq: i.view.seq, sender: i.view.sender, recipients: i.recipients, content: i.content });
          }
        }
        r.scanned = Math.max(r.scanned, scanned);
      });
      if (stop !== -1 || page.length < MAX_PAGE_LIMIT) return;
    }
  }

  /** The verified membership's word on one read group message: its announcement's validity, its warning. */
  async judge(item: ReadItem): Promise<ReadItem> {
    const group = item.view.group;
    if (group === null || item.view.status !== 'verified' || !item.content || !item.recipients) return item;
    let record = await this.#o.session().groups.get(group);
    if (record.scanned < item.view.seq) record = await this.scan(group);
    const me = this.#o.session().username;
    const self: GroupItem = { seq: item.view.seq, sender: item.view.sender, recipients: item.recipients, content: item.content };
    const messages: GroupItem[] = record.announcements.filter((a) => a.seq !== self.seq);
    messages.push(self);
    const replay = replayMembership({ reader: me, messages, server: null, listedForSeconds: {}, deleted: [] });
    if (item.content.type === 'group') {
      const verdict = verdictOf(replay, self.seq);
      if (!verdict.valid) return { ...item, view: { ...item.view, status: 'invalid_announcement', reason: verdict.reason } };
      const before = replayMembership({ reader: me, messages: messages.filter((m) => m.seq < self.seq), server: null, listedForSeconds: {}, deleted: [] });
      return { ...item, view: { ...item.view, text: announcementText(item.view.sender, item.content, verdict.first, before.owner) } };
    }
    const firstValid = replay.announcements.find((a) => a.valid);
    if (!firstValid || firstValid.seq > self.seq) return { ...item, view: { ...item.view, warning: UNANNOUNCED_GROUP } };
    const w = replay.messageWarnings.find((m) => m.seq === self.seq);
    return w ? { ...item, view: { ...item.view, warning: messageWarningText(item.view.sender, w) } } : item;
  }

  // ---- the views ----

  /** Every group the user is in, or has messages of, newest activity first. */
  async list(): Promise<GroupView[]> {
    const s = this.#o.session();
    const listed = await this.#o.api.groups(s.username);
    const byId = new Map(listed.map((g) => [g.id, g]));
    const known = s.index
      .peers()
      .map(([key]) => key)
      .filter(isGroupKey)
      .map((key) => targetOf(key))
      .flatMap((t) => (t.kind === 'group' ? [t.group] : []));
    const ids = [...new Set([...byId.keys(), ...known])];
    const views = await Promise.all(ids.map((id) => this.view(id, byId.get(id) ?? null)));
    return views.sort((a, b) => (b.lastSeq ?? 0) - (a.lastSeq ?? 0) || a.id.localeCompare(b.id));
  }

  /** One group; `server` is what GET /groups/{id} answered (fetched here when undefined). */
  async view(group: string, server?: Group | null): Promise<GroupView> {
    const s = this.#o.session();
    const listed = server === undefined ? await this.#o.api.group(group, s.username) : server;
    const record = await this.scan(group);
    const { replay, unexplained } = await this.#replay(s, group, record, listed);
    const confirmedAll = unexplained.length > 0 && unexplained.every((n) => record.confirmed.includes(n));
    let sending: GroupView['sending'];
    if (listed === null) sending = 'not_a_member';
    else if (replay.send === 'not_a_member') sending = 'held';
    else if (confirmedAll) sending = 'ok';
    else sending = replay.send === 'hold' ? 'held' : replay.send;
    const warnings: GroupWarning[] = replay.warnings
      .filter((w) => !(w.code === 'unannounced_member' && record.confirmed.includes(w.user)))
      .map((w) => ({ code: w.code, user: w.user, loud: w.loud, text: warningSentence(w) }));
    const entry = s.index.peer(groupKey(group));
    const view: GroupView = {
      id: group,
      conversation: groupKey(group),
      name: replay.name,
      members: replay.members,
      owner: replay.owner,
      serverMembers: listed ? [...listed.members].sort() : [],
      sending,
      warnings,
      unread: entry?.unread.length ?? 0,
      lastActivity: entry?.lastActivity ?? null,
      lastSeq: entry?.lastSeq ?? null,
    };
    if (sending === 'held') this.#recheckAfterGrace(group, record);
    // Whoever asked, the window hears of a change (sending found held by a send, say).
    const shown = JSON.stringify(view);
    if (this.#lastShown.get(group) !== shown) {
      this.#lastShown.set(group, shown);
      this.#o.changed(view);
    }
    return view;
  }

  /** A new message of the group arrived: look again shortly (many at once cost one look). */
  touch(group: string): void {
    const key = `touch:${group}`;
    if (this.#timers.has(key)) return;
    const timer = setTimeout(() => {
      this.#timers.delete(key);
      this.refresh(group).catch(() => undefined);
    }, TOUCH_DELAY_MS);
    (timer as { unref?: () => void }).unref?.();
    this.#timers.set(key, timer);
  }

  /** Looks at a group again after a new message of it; the window hears when what it shows changed. */
  async refresh(group: string): Promise<void> {
    await this.view(group);
  }

  async #replay(s: Session, group: string, record: GroupRecord, listed: Group | null) {
    const base = replayMembership({ reader: s.username, messages: record.announcements, server: null, listedForSeconds: {}, deleted: [] });
    const unexplained = listed ? listed.members.filter((n) => !base.members.includes(n)) : [];
    const now = this.#now();
    const since = (await s.groups.update(group, (r) => {
      const kept: Record<string, string> = {};
      for (const n of unexplained) kept[n] = r.unexplainedSince[n] ?? new Date(now).toISOString();
      r.unexplainedSince = kept;
    })).unexplainedSince;
    const listedForSeconds = Object.fromEntries(Object.entries(since).map(([n, t]) => [n, (now - Date.parse(t)) / 1000]));
    const replay = replayMembership({ reader: s.username, messages: record.announcements, server: listed ? { members: listed.members, owner: listed.owner } : null, listedForSeconds, deleted: [] });
    return { replay, unexplained };
  }

  /** A held group turns loud once the grace has passed: look again then, so the window hears of it. */
  #recheckAfterGrace(group: string, record: GroupRecord): void {
    if (this.#timers.has(group)) return;
    const oldest = Math.min(...Object.values(record.unexplainedSince).map((t) => Date.parse(t)), this.#now());
    const wait = Math.max(1_000, oldest + 61_000 - this.#now());
    const timer = setTimeout(() => {
      this.#timers.delete(group);
      this.refresh(group).catch(() => undefined);
    }, wait);
    (timer as { unref?: () => void }).unref?.();
    this.#timers.set(group, timer);
  }

  stop(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    this.#lastShown.clear();
  }

  /** Who a group message goes to now; refuses while the membership is not confirmed. */
  async recipients(group: string): Promise<string[]> {
    const view = await this.view(group);
    if (view.sending === 'not_a_member') throw new ChatError('forbidden', NOT_A_MEMBER);
    if (view.sending !== 'ok') {
      const loud = view.warnings.find((w) => w.loud);
      throw new ChatError('held', loud ? loud.text : 'The server lists a member no announcement explains yet; the message waits for a member to announce the change.');
    }
    const me = this.#o.session().username;
    return view.serverMembers.filter((n) => n !== me);
  }

  // ---- changes a person makes ----

  async create(name: string, members: string[]): Promise<GroupView> {
    const s = this.#o.session();
    const others = [...new Set(members)].filter((n) => n !== s.username);
    if (others.length === 0) throw new ChatError('invalid_input', 'Add at least one other person to the group.');
    const id = newMessageId();
    const made = await this.#o.api.createGroup(id, others, s.username);
    await s.groups.update(id, () => undefined);
    await this.#announce(id, { type: 'group', name, owner: s.username, members: made.members, add: made.members });
    return this.view(id);
  }

  async change(group: string, add: string[], remove: string[]): Promise<GroupView> {
    const s = this.#o.session();
    const current = await this.#member(group);
    const removing = remove.filter((n) => current.members.includes(n) && n !== s.username);
    if (remove.includes(s.username)) throw new ChatError('invalid_input', 'To leave the group, use Leave.');
    if (removing.length > 0) {
      if (current.owner !== s.username) throw new ChatError('forbidden', 'Only the group’s owner can remove other members.');
      const members = current.members.filter((n) => !removing.includes(n));
      await this.#announce(group, { type: 'group', name: current.name ?? 'Group', owner: current.owner, members, remove: [...removing].sort() });
      await this.#o.api.changeMembers(group, { remove: removing });
    }
    const adding = [...new Set(add)].filter((n) => !current.members.includes(n));
    if (adding.length > 0) {
      // Someone the server lists already (added without an announcement) is only announced.
      const toServer = adding.filter((n) => !current.serverMembers.includes(n));
      if (toServer.length > 0) {
        const after = await this.#o.api.changeMembers(group, { add: toServer });
        if (!toServer.every((n) => after.members.includes(n))) throw new ChatError('protocol_violation', 'The server did not add the people asked for.');
      }
      const now = await this.#member(group);
      const members = [...new Set([...now.members, ...adding])].sort();
      await this.#announce(group, { type: 'group', name: now.name ?? 'Group', owner: now.owner ?? s.username, members, add: [...adding].sort() });
    }
    return this.view(group);
  }

  async rename(group: string, name: string): Promise<GroupView> {
    const current = await this.#member(group);
    await this.#announce(group, { type: 'group', name, owner: current.owner!, members: current.members });
    return this.view(group);
  }

  /** Announced first (naming the next owner when the owner leaves), then made on the server. */
  async leave(group: string): Promise<void> {
    const s = this.#o.session();
    const record = await this.scan(group);
    const current = await this.#member(group);
    const members = current.members.filter((n) => n !== s.username);
    const owner = current.owner === s.username ? nextOwner(record, s.username) : current.owner!;
    if (members.length > 0 && current.serverMembers.some((n) => n !== s.username)) {
      await this.#announce(group, { type: 'group', name: current.name ?? 'Group', owner: owner ?? s.username, members, remove: [s.username] });
    }
    await this.#o.api.changeMembers(group, current.owner === s.username && owner && members.includes(owner) ? { remove: [s.username], owner } : { remove: [s.username] });
    await this.refresh(group).catch(() => undefined);
  }

  /** The person accepts, on this device, the names the server lists that nobody announced. */
  async confirm(group: string): Promise<GroupView> {
    const s = this.#o.session();
    const listed = await this.#o.api.group(group, s.username);
    if (!listed) throw new ChatError('forbidden', NOT_A_MEMBER);
    await s.groups.update(group, (r) => {
      r.confirmed = [...new Set([...r.confirmed, ...listed.members])].sort();
    });
    return this.view(group, listed);
  }

  async #member(group: string): Promise<GroupView> {
    const view = await this.view(group);
    if (view.sending === 'not_a_member' || !view.members.includes(this.#o.session().username)) throw new ChatError('forbidden', NOT_A_MEMBER);
    return view;
  }

  async #announce(group: string, content: Announcement): Promise<void> {
    const s = this.#o.session();
    const sent = await this.#o.announce(group, content, newMessageId());
    // Our own announcement is verified already: the membership takes it in at once.
    if (sent.content?.type !== 'group') return;
    const made = sent.content;
    await s.groups.update(group, (r) => GroupRecords.add(r, { seq: sent.view.seq, sender: s.username, recipients: sent.recipients ?? [], content: made }));
  }
}

function verdictOf(replay: MembershipResult, seq: number): Verdict {
  const found = replay.announcements.find((a) => a.seq === seq);
  if (!found) return { valid: true, first: false };
  if (!found.valid) return { valid: false, reason: invalidAnnouncementText(found.reason) };
  const firstValid = replay.announcements.find((a) => a.valid);
  return { valid: true, first: firstValid?.seq === seq };
}

/** The member in the group longest, as this device saw the joins (PROTOCOL.md's rule when no owner is named). */
function nextOwner(record: GroupRecord, me: string): string | null {
  const replay = replayMembership({ reader: me, messages: record.announcements, server: null, listedForSeconds: {}, deleted: [] });
  return successor(new Map(Object.entries(replay.joined)), new Set([me]));
}
