// Core side (runs anywhere): a group's membership as its members announced it, not as the server lists it
// (PROTOCOL.md "Groups", "Membership end to end"). Pure: a reader replays its verified group messages in seq
// order and compares the result with the server's list; the warnings it gives are shown loud, never dropped.
import type { GroupContent, KnownContent } from '../protocol/content.js';

export interface GroupItem {
  seq: number;
  sender: string;
  /** The record's own recipients, as its header bound them. */
  recipients: readonly string[];
  content: KnownContent;
}

export interface MembershipInput {
  reader: string;
  /** The group's verified messages, any order (replayed by seq). */
  messages: readonly GroupItem[];
  /** What GET /groups/{id} answers now; null when not asked (the reader is not listed). */
  server: { members: readonly string[]; owner: string } | null;
  /** How long the server has listed each name that no announcement explains. */
  listedForSeconds: Readonly<Record<string, number>>;
  /** Accounts the key log shows deleted: they leave without an announcement. */
  deleted: readonly string[];
}

export type InvalidReason = 'not_member' | 'not_owner' | 'change_mismatch' | 'owner_change' | 'not_in_members';

export interface MembershipWarning {
  code: 'unannounced_member' | 'removed_without_announcement';
  user: string;
  loud: boolean;
  text: string;
}

export interface MembershipResult {
  members: string[];
  owner: string | null;
  name: string | null;
  /** When each member joined as this reader saw it: the announcement's seq, null when before the reader came. */
  joined: Record<string, number | null>;
  announcements: Array<{ seq: number; valid: true } | { seq: number; valid: false; reason: InvalidReason }>;
  messageWarnings: Array<{ seq: number; warnings: string[]; extra?: string[]; missing?: string[] }>;
  warnings: MembershipWarning[];
  /** ok: send to `sendTo`; hold: the server lists someone unexplained (within the grace); blocked: past it. */
  send: 'ok' | 'hold' | 'blocked' | 'not_a_member';
  sendTo: string[];
}

/** "after 60 s without an announcement that explains it, a loud warning" */
export const UNANNOUNCED_GRACE_SECONDS = 60;

interface State {
  members: Set<string>;
  owner: string;
  name: string;
  joined: Map<string, number | null>;
}

const sorted = (names: Iterable<string>) => [...names].sort();
const sameSet = (a: ReadonlySet<string>, b: readonly string[]) => a.size === b.length && b.every((n) => a.has(n));

/** The member in the group longest (joined before the reader came counts as earliest), ties by lowest name. */
export function successor(joined: ReadonlyMap<string, number | null>, leaving: ReadonlySet<string>): string | null {
  const rank = (seq: number | null) => (seq === null ? -1 : seq);
  const candidates = [...joined.entries()].filter(([name]) => !leaving.has(name));
  candidates.sort(([a, sa], [b, sb]) => rank(sa) - rank(sb) || (a < b ? -1 : 1));
  return candidates[0]?.[0] ?? null;
}

/** The change an announcement makes to `previous`, or why it is not valid. */
function judge(previous: State, sender: string, c: GroupContent): InvalidReason | null {
  const add = c.add ?? [];
  const remove = c.remove ?? [];
  if (!previous.members.has(sender)) return 'not_member';
  const expected = new Set(previous.members);
  for (const name of add) expected.add(name);
  for (const name of remove) expected.delete(name);
  const exact = add.every((n) => !previous.members.has(n)) && remove.every((n) => previous.members.has(n));
  if (!exact || !sameSet(expected, c.members)) return 'change_mismatch';
  const removesOthers = remove.some((n) => n !== sender);
  if (removesOthers && sender !== previous.owner) return 'not_owner';
  if (remove.includes(previous.owner) ? !c.members.includes(c.owner) : c.owner !== previous.owner) return 'owner_change';
  return null;
}

function start(c: GroupContent, seq: number): State {
  const added = new Set(c.add ?? []);
  return {
    members: new Set(c.members),
    owner: c.owner,
    name: c.name,
    joined: new Map(c.members.map((n) => [n, added.has(n) ? seq : null])),
  };
}

function apply(previous: State, c: GroupContent, seq: number): State {
  const joined = new Map(previous.joined);
  for (const name of c.remove ?? []) joined.delete(name);
  for (const name of c.add ?? []) joined.set(name, seq);
  return { members: new Set(c.members), owner: c.owner, name: c.name, joined };
}

export function replayMembership(input: MembershipInput): MembershipResult {
  const messages = [...input.messages].sort((a, b) => a.seq - b.seq);
  const announcements: MembershipResult['announcements'] = [];
  const states = new Map<number, State | null>();
  const invalid = new Map<number, InvalidReason>();
  let state: State | null = null;

  // Pass 1: the verified membership after each message.
  for (const m of messages) {
    if (m.content.type === 'group') {
      const c = m.content;
      // A reader's first announcement (again after being removed) is the one that adds it.
      const first: boolean = state === null || !state.members.has(input.reader);
      const reason: InvalidReason | null = first ? (c.members.includes(m.sender) && c.members.includes(input.reader) ? null : 'not_in_members') : judge(state!, m.sender, c);
      if (reason) {
        invalid.set(m.seq, reason);
        announcements.push({ seq: m.seq, valid: false, reason });
      } else {
        state = first ? start(c, m.seq) : apply(state!, c, m.seq);
        announcements.push({ seq: m.seq, valid: true });
      }
    }
    states.set(m.seq, state);
  }

  const messageWarnings = checkMessages(messages, states, invalid);
  if (state === null) return { members: [], owner: null, name: null, joined: {}, announcements, messageWarnings, warnings: [], send: 'not_a_member', sendTo: [] };
  const final = withoutDeleted(state, new Set(input.deleted));
  return { ...compareWithServer(final, input), announcements, messageWarnings, members: sorted(final.members), owner: final.owner, name: final.name, joined: Object.fromEntries(sorted(final.joined.keys()).map((n) => [n, final.joined.get(n)!])) };
}

/** Pass 2: each message against the membership at it; tolerating names whose change is announced but not yet made. */
function checkMessages(messages: readonly GroupItem[], states: ReadonlyMap<number, State | null>, invalid: ReadonlyMap<number, InvalidReason>) {
  const out: MembershipResult['messageWarnings'] = [];
  const firstState = [...states.values()].find((s) => s !== null) ?? null;
  const laterAdded = new Map<string, number>();
  for (const m of messages) {
    if (m.content.type === 'group' && !invalid.has(m.seq)) for (const n of m.content.add ?? []) if (!laterAdded.has(n)) laterAdded.set(n, m.seq);
  }
  const removalPending = new Set<string>();
  let previous: State | null = null;
  for (const m of messages) {
    const at = states.get(m.seq) ?? firstState;
    const recipients = new Set(m.recipients);
    if (previous && at && at !== previous) for (const n of previous.members) if (!at.members.has(n)) removalPending.add(n);
    // A removal counts as made on the server once a message is sealed without the name.
    for (const n of [...removalPending]) if (!recipients.has(n) && n !== m.sender) removalPending.delete(n);
    const warnings: string[] = [];
    const reason = invalid.get(m.seq);
    if (reason) warnings.push(`invalid_announcement:${reason}`);
    const tolerated = (n: string) => removalPending.has(n) || (laterAdded.get(n) ?? -1) > m.seq;
    const entry: MembershipResult['messageWarnings'][number] = { seq: m.seq, warnings };
    if (at && !reason) {
      if (!at.members.has(m.sender) && !tolerated(m.sender)) warnings.push('sender_not_member');
      else {
        const extra = m.recipients.filter((n) => !at.members.has(n) && !tolerated(n));
        const missing = sorted(at.members).filter((n) => n !== m.sender && !recipients.has(n));
        if (extra.length || missing.length) {
          warnings.push('recipients_differ');
          if (extra.length) entry.extra = extra;
          if (missing.length) entry.missing = missing;
        }
      }
    }
    if (warnings.length) out.push(entry);
    if (at) previous = at;
  }
  return out;
}

/** Deleted accounts leave without an announcement; an owner who left that way is followed by the successor. */
function withoutDeleted(state: State, deleted: ReadonlySet<string>): State {
  const gone = new Set([...state.members].filter((n) => deleted.has(n)));
  if (gone.size === 0) return state;
  const joined = new Map([...state.joined].filter(([n]) => !gone.has(n)));
  const owner = gone.has(state.owner) ? (successor(state.joined, gone) ?? state.owner) : state.owner;
  return { members: new Set([...state.members].filter((n) => !gone.has(n))), owner, name: state.name, joined };
}

function compareWithServer(state: State, input: MembershipInput): Pick<MembershipResult, 'warnings' | 'send' | 'sendTo'> {
  if (!state.members.has(input.reader) || input.server === null) return { warnings: [], send: state.members.has(input.reader) ? 'hold' : 'not_a_member', sendTo: [] };
  const listed = new Set(input.server.members);
  const warnings: MembershipWarning[] = [];
  let held = false;
  for (const user of sorted(listed)) {
    if (state.members.has(user)) continue;
    held = true;
    if ((input.listedForSeconds[user] ?? 0) >= UNANNOUNCED_GRACE_SECONDS) {
      warnings.push({ code: 'unannounced_member', user, loud: true, text: `the server lists ${user} in this group, but no member added them` });
    }
  }
  for (const user of sorted(state.members)) {
    if (!listed.has(user)) warnings.push({ code: 'removed_without_announcement', user, loud: false, text: `${user} was removed without an announcement` });
  }
  if (held) return { warnings, send: warnings.some((w) => w.loud) ? 'blocked' : 'hold', sendTo: [] };
  return { warnings, send: 'ok', sendTo: sorted(listed).filter((n) => n !== input.reader) };
}
