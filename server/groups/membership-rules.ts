// The owner rules of POST /groups/{id}/members (PROTOCOL.md "Groups"), as a pure decision over the group's
// current state: any member adds, only the owner removes others, anyone leaves; an owner who leaves may
// name the next owner, else the member in the group longest takes over (ties: lowest username). Whether
// the named users exist, or block the caller, is the store's business (it needs the database).
import type { ChangeMembersRequest } from '../../core/protocol/schemas-v2.js';
import { sortNames } from '../messages/outgoing.js';

export interface Member {
  username: string;
  /** The group version whose change added the member: lower means in the group longer. */
  joinedVersion: number;
}

export interface GroupState {
  owner: string;
  version: number;
  members: readonly Member[];
}

export type Decision =
  | { ok: true; add: string[]; remove: string[]; members: string[]; owner: string | null }
  | { ok: false; code: 'invalid_request' | 'forbidden'; message: string };

const refuse = (code: 'invalid_request' | 'forbidden', message: string): Decision => ({ ok: false, code, message });
const listed = (names: readonly string[]) => names.join(', ');

/** The member who has been in the group longest among those staying (ties: lowest username), if any. */
export function successor(members: readonly Member[], leaving: ReadonlySet<string>): string | null {
  const staying = members.filter((m) => !leaving.has(m.username));
  staying.sort((a, b) => a.joinedVersion - b.joinedVersion || (a.username < b.username ? -1 : 1));
  return staying[0]?.username ?? null;
}

/** What `caller` (a member) may do with `request`; `owner` in the answer is null when nobody is left. */
export function decideChange(state: GroupState, caller: string, request: ChangeMembersRequest, maxMembers: number): Decision {
  const add = request.add ?? [];
  const remove = request.remove ?? [];
  if (add.length === 0 && remove.length === 0) return refuse('invalid_request', 'request body: must add or remove at least one member');
  const current = new Set(state.members.map((m) => m.username));
  const both = add.filter((name) => remove.includes(name));
  if (both.length > 0) return refuse('invalid_request', `request body: cannot add and remove the same user: ${listed(both)}`);
  const already = add.filter((name) => current.has(name));
  if (already.length > 0) return refuse('invalid_request', `request body: add: already a member: ${listed(already)}`);
  const strangers = remove.filter((name) => !current.has(name));
  if (strangers.length > 0) return refuse('invalid_request', `request body: remove: not a member: ${listed(strangers)}`);
  if (caller !== state.owner && remove.some((name) => name !== caller)) {
    return refuse('forbidden', `only the group's owner (${state.owner}) may remove other members`);
  }
  const ownerLeaves = remove.includes(state.owner);
  if (request.owner !== undefined && !ownerLeaves) {
    return refuse('invalid_request', 'request body: owner: may only be named by the owner when leaving the group');
  }
  const members = sortNames([...[...current].filter((name) => !remove.includes(name)), ...add]);
  if (members.length > maxMembers) {
    return refuse('invalid_request', `request body: the group would have ${members.length} members; this server allows at most ${maxMembers}`);
  }
  let owner: string | null = state.owner;
  if (ownerLeaves) {
    if (request.owner !== undefined) {
      if (!members.includes(request.owner)) return refuse('invalid_request', 'request body: owner: must be a member who stays in the group');
      owner = request.owner;
    } else {
      const joining = add.map((username) => ({ username, joinedVersion: state.version + 1 }));
      owner = successor([...state.members, ...joining], new Set(remove));
    }
  }
  return { ok: true, add, remove, members, owner };
}
