// Groups in the database: create, read, list and change membership. Every write runs in db.writes under
// the same lock as the message writer (messages/append.ts lockWrites), so a group message is checked
// against, and delivered to, exactly the membership of the moment it is stored. Refusals are ApiErrors
// thrown inside the transaction, which rolls it back.
import { QueryTypes } from 'sequelize';
import type { ChangeMembersRequest, CreateGroupRequest, Group } from '../../core/protocol/schemas-v2.js';
import type { Database } from '../db/database.js';
import { insertRows, placeholders, type WriteTransaction } from '../db/write-transaction.js';
import { ApiError } from '../http/errors.js';
import { lockWrites } from '../messages/append.js';
import { sortNames } from '../messages/outgoing.js';
import { decideChange, type Member } from './membership-rules.js';

interface GroupSqlRow {
  id: string;
  owner: string | null;
  created_at: number | string;
  version: number | string;
  deleted_at: number | string | null;
}

interface MemberSqlRow {
  group_id: string;
  username: string;
  joined_version: number | string;
}

function toGroup(row: GroupSqlRow, members: readonly string[]): Group {
  return {
    id: row.id,
    members: sortNames(members),
    owner: row.owner!,
    createdAt: new Date(Number(row.created_at)).toISOString(),
    version: Number(row.version),
  };
}

/** Refuses users who do not exist (404), deleted accounts (410) and users who block `actor` (403), naming them. */
async function checkNewMembers(tx: WriteTransaction, actor: string, names: readonly string[]): Promise<void> {
  if (names.length === 0) return;
  const rows = await tx.select<{ kind: 'user' | 'gone' | 'block'; name: string }>(
    `SELECT CASE WHEN deleted_at IS NULL THEN 'user' ELSE 'gone' END AS kind, username AS name FROM users WHERE username IN (${placeholders(names.length)})
     UNION ALL SELECT 'block' AS kind, blocker AS name FROM blocks WHERE blocker IN (${placeholders(names.length)}) AND blocked = ?`,
    [...names, ...names, actor],
  );
  const known = new Set(rows.filter((r) => r.kind !== 'block').map((r) => r.name));
  const unknown = names.filter((name) => !known.has(name));
  if (unknown.length > 0) throw new ApiError('not_found', `there is no user ${unknown.join(', ')}`);
  const deleted = sortNames(rows.filter((r) => r.kind === 'gone').map((r) => r.name));
  if (deleted.length > 0) throw new ApiError('gone', `the account${deleted.length > 1 ? 's' : ''} ${deleted.join(', ')} ${deleted.length > 1 ? 'were' : 'was'} deleted`);
  const blocking = sortNames(rows.filter((r) => r.kind === 'block').map((r) => r.name));
  if (blocking.length > 0) throw new ApiError('forbidden', `${blocking.join(', ')} ${blocking.length > 1 ? 'do' : 'does'} not accept your messages`);
}

function insertMembers(tx: WriteTransaction, id: string, names: readonly string[], version: number, now: number): void {
  insertRows(tx, 'group_members', ['group_id', 'username', 'joined_version', 'joined_at'], names.map((name) => [id, name, version, now]));
}

export async function createGroup(db: Database, creator: string, request: CreateGroupRequest, maxMembers: number): Promise<Group> {
  if (request.members.includes(creator)) {
    throw new ApiError('invalid_request', 'request body: members: must name the others only; you are added as the owner');
  }
  if (request.members.length > maxMembers - 1) {
    throw new ApiError('invalid_request', `request body: members: this server allows at most ${maxMembers} members, you included`);
  }
  return db.writes.run(async (tx) => {
    await lockWrites(db, tx);
    const taken = await tx.select<{ id: string }>('SELECT id FROM groups WHERE id = ?', [request.id]);
    if (taken.length > 0) throw new ApiError('conflict', `the group id ${request.id} is taken`);
    await checkNewMembers(tx, creator, request.members);
    const now = Date.now();
    void tx.execute('INSERT INTO groups (id, owner, created_at, version, deleted_at) VALUES (?, ?, ?, 1, NULL)', [request.id, creator, now]);
    const members = [creator, ...request.members];
    insertMembers(tx, request.id, members, 1, now);
    return toGroup({ id: request.id, owner: creator, created_at: now, version: 1, deleted_at: null }, members);
  });
}

/** Every group `username` is a member of, sorted by id. */
export async function listGroups(db: Database, username: string, id?: string): Promise<Group[]> {
  const where = id === undefined ? '' : 'AND g.id = :id';
  const rows = await db.sequelize.query<GroupSqlRow & { username: string }>(
    `SELECT g.id, g.owner, g.created_at, g.version, g.deleted_at, all_members.username
     FROM group_members mine JOIN groups g ON g.id = mine.group_id JOIN group_members all_members ON all_members.group_id = g.id
     WHERE mine.username = :username ${where}`,
    { replacements: { username, id: id ?? null }, type: QueryTypes.SELECT },
  );
  const byId = new Map<string, { row: GroupSqlRow; members: string[] }>();
  for (const row of rows) {
    const entry = byId.get(row.id) ?? { row, members: [] };
    entry.members.push(row.username);
    byId.set(row.id, entry);
  }
  return [...byId.values()].map(({ row, members }) => toGroup(row, members)).sort((a, b) => (a.id < b.id ? -1 : 1));
}

export async function findGroup(db: Database, username: string, id: string): Promise<Group | undefined> {
  return (await listGroups(db, username, id))[0];
}

const notYours = (id: string) => new ApiError('not_found', `there is no group ${id} of yours`);

/** Applies one change (version + 1) by `caller`, a member; the last member leaving deletes the group, whose id stays taken. */
export async function changeMembers(db: Database, caller: string, id: string, request: ChangeMembersRequest, maxMembers: number): Promise<Group> {
  return db.writes.run(async (tx) => {
    await lockWrites(db, tx);
    const groups = await tx.select<GroupSqlRow>('SELECT id, owner, created_at, version, deleted_at FROM groups WHERE id = ?', [id]);
    const group = groups[0];
    if (!group || group.deleted_at !== null) throw notYours(id);
    const rows = await tx.select<MemberSqlRow>('SELECT group_id, username, joined_version FROM group_members WHERE group_id = ?', [id]);
    const members: Member[] = rows.map((r) => ({ username: r.username, joinedVersion: Number(r.joined_version) }));
    if (!members.some((m) => m.username === caller)) throw notYours(id);
    const version = Number(group.version);
    const decision = decideChange({ owner: group.owner!, version, members }, caller, request, maxMembers);
    if (!decision.ok) throw new ApiError(decision.code, decision.message);
    await checkNewMembers(tx, caller, decision.add);
    const now = Date.now();
    if (decision.remove.length > 0) {
      void tx.execute(`DELETE FROM group_members WHERE group_id = ? AND username IN (${placeholders(decision.remove.length)})`, [id, ...decision.remove]);
    }
    insertMembers(tx, id, decision.add, version + 1, now);
    // An emptied group keeps its row (and its last owner) so the id stays taken.
    const owner = decision.owner ?? group.owner!;
    void tx.execute('UPDATE groups SET owner = ?, version = ?, deleted_at = ? WHERE id = ?', [owner, version + 1, decision.owner === null ? now : null, id]);
    return toGroup({ ...group, owner, version: version + 1 }, decision.members);
  });
}

/**
 * `username` leaves every group it is in, as if it had sent `{remove: [itself]}` to each (account deletion):
 * an owner is succeeded by the member in the group longest (ties: lowest username), and the last member's
 * leaving deletes the group. Runs inside the caller's write transaction, which holds lockWrites.
 */
export async function leaveAllGroups(tx: WriteTransaction, username: string, now: number): Promise<void> {
  const mine = await tx.select<{ group_id: string }>('SELECT group_id FROM group_members WHERE username = ?', [username]);
  for (const { group_id: id } of mine) {
    const group = (await tx.select<GroupSqlRow>('SELECT id, owner, created_at, version, deleted_at FROM groups WHERE id = ?', [id]))[0];
    if (!group || group.deleted_at !== null) continue;
    const rows = await tx.select<MemberSqlRow>('SELECT group_id, username, joined_version FROM group_members WHERE group_id = ?', [id]);
    const members: Member[] = rows.map((r) => ({ username: r.username, joinedVersion: Number(r.joined_version) }));
    const version = Number(group.version);
    const decision = decideChange({ owner: group.owner!, version, members }, username, { remove: [username] }, Number.MAX_SAFE_INTEGER);
    if (!decision.ok) throw new Error(`leaving group ${id}: ${decision.message}`);
    void tx.execute('DELETE FROM group_members WHERE group_id = ? AND username = ?', [id, username]);
    const owner = decision.owner ?? group.owner!;
    void tx.execute('UPDATE groups SET owner = ?, version = ?, deleted_at = ? WHERE id = ?', [owner, version + 1, decision.owner === null ? now : null, id]);
  }
}
