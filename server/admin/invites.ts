// `invites create | list | revoke` for REGISTRATION=invite. The database keeps only each code's SHA-512
// (server/auth/invites.ts), so a code is shown once, when it is made, and never again: listings name an
// invite by the first hex digits of that hash (its id), which is also what `revoke` takes.
import { Op, Transaction } from 'sequelize';
import { createInvite, DEFAULT_INVITE_TTL_MS, inviteId, INVITE_ID_LENGTH, type Invite } from '../auth/invites.js';
import type { Database } from '../db/database.js';
import type { InviteRow } from '../db/models.js';
import { AdminError } from './admin-errors.js';
import { defineCommand, type AdminCommand } from './command.js';
import { formatDuration, parseDuration } from './durations.js';
import { formatTable, utcTime } from './text-output.js';

export type InviteState = 'usable' | 'used' | 'expired' | 'revoked';

export interface InviteListing {
  id: string;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
  usedBy: string | null;
  revokedAt: number | null;
  state: InviteState;
}

const MAX_COUNT = 100;
const MAX_TTL_MS = 365 * 86_400_000;

export function inviteState(row: Pick<InviteRow, 'usedAt' | 'revokedAt' | 'expiresAt'>, now: number): InviteState {
  if (row.usedAt !== null) return 'used';
  if (row.revokedAt !== null) return 'revoked';
  return row.expiresAt > now ? 'usable' : 'expired';
}

export async function createInvites(db: Database, count: number, ttlMs: number, now = Date.now()): Promise<Invite[]> {
  const made: Invite[] = [];
  for (let i = 0; i < count; i++) made.push(await createInvite(db, ttlMs, now));
  return made;
}

export async function listInvites(db: Database, now = Date.now()): Promise<InviteListing[]> {
  const rows = await db.models.Invite.findAll({ order: [['createdAt', 'ASC'], ['codeHash', 'ASC']] });
  return rows.map((row) => ({
    id: inviteId(row.codeHash),
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    usedAt: row.usedAt,
    usedBy: row.usedBy,
    revokedAt: row.revokedAt,
    state: inviteState(row, now),
  }));
}

/** The id of the revoked invite; an AdminError when `prefix` names none, several, or one that was used or revoked. */
export async function revokeInvite(db: Database, prefix: string, now = Date.now()): Promise<string> {
  const wanted = prefix.toLowerCase();
  // Only hex digits reach the LIKE pattern, so it holds no wildcard of its own.
  if (!/^[0-9a-f]{4,128}$/.test(wanted)) throw new AdminError(`${JSON.stringify(prefix)} is not an invite id (at least 4 hex digits, as invites list shows them)`);
  return db.sequelize.transaction({ type: Transaction.TYPES.IMMEDIATE }, async (transaction) => {
    const found = await db.models.Invite.findAll({ where: { codeHash: { [Op.like]: `${wanted}%` } }, limit: 2, transaction, lock: true });
    if (found.length === 0) throw new AdminError(`no invite has the id ${wanted}`);
    if (found.length > 1) throw new AdminError(`${wanted} names more than one invite; give more of its id`);
    const invite = found[0]!;
    const id = inviteId(invite.codeHash);
    if (invite.usedAt !== null) throw new AdminError(`invite ${id} was used already, by ${invite.usedBy} (${utcTime(invite.usedAt)})`);
    if (invite.revokedAt !== null) throw new AdminError(`invite ${id} was revoked already (${utcTime(invite.revokedAt)})`);
    invite.revokedAt = now;
    await invite.save({ transaction });
    return id;
  });
}

function count(text: string | undefined): number {
  if (text === undefined) return 1;
  if (!/^\d{1,3}$/.test(text) || Number(text) < 1 || Number(text) > MAX_COUNT) throw new AdminError(`--count must be a whole number from 1 to ${MAX_COUNT}; got ${JSON.stringify(text)}`);
  return Number(text);
}

const create = defineCommand({
  words: ['invites', 'create'],
  operands: [],
  options: { expires: { type: 'string' }, count: { type: 'string' } },
  optionHelp: {
    expires: `how long each invite stays usable: d, h or m, e.g. 7d, 12h (default ${formatDuration(DEFAULT_INVITE_TTL_MS)}, at most ${formatDuration(MAX_TTL_MS)})`,
    count: `how many invites to make (default 1, at most ${MAX_COUNT})`,
  },
  optionValues: { expires: 'DURATION', count: 'N' },
  brief: 'make registration invites (REGISTRATION=invite)',
  details: [
    'Makes registration invites (for REGISTRATION=invite), each usable once before it expires.',
    'Prints one line per invite: <code>  expires <time>  id <id>',
    'The code is shown only now: the database keeps its SHA-512 alone. Hand it to the person who registers.',
  ],
  async run(context, values) {
    const ttlMs = values.expires === undefined ? DEFAULT_INVITE_TTL_MS : parseDuration(values.expires, '--expires', MAX_TTL_MS);
    const made = await createInvites(await context.database(), count(values.count), ttlMs);
    for (const invite of made) context.out(`${invite.code}  expires ${utcTime(invite.expiresAt.getTime())}  id ${invite.id}`);
  },
});

const list = defineCommand({
  words: ['invites', 'list'],
  operands: [],
  options: { json: { type: 'boolean' } },
  optionHelp: { json: 'one JSON document {"invites": [...]} instead of the table (times in ms since 1970)' },
  brief: 'the invites and what became of them (never their codes)',
  details: [
    'Lists the invites, oldest first. Columns: id, created, expires, state (usable, used, expired, revoked), used by, used at.',
    `An invite's id is the first ${INVITE_ID_LENGTH} hex digits of its code's SHA-512; the code itself cannot be shown again.`,
  ],
  async run(context, values) {
    const invites = await listInvites(await context.database());
    if (values.json === true) {
      context.out(JSON.stringify({ invites }, null, 2));
      return;
    }
    if (invites.length === 0) {
      context.out('no invites');
      return;
    }
    const rows = invites.map((i) => [
      i.id,
      utcTime(i.createdAt),
      utcTime(i.expiresAt),
      i.state === 'revoked' ? `revoked ${utcTime(i.revokedAt!)}` : i.state,
      i.usedBy ?? '-',
      i.usedAt === null ? '-' : utcTime(i.usedAt),
    ]);
    for (const line of formatTable(['id', 'created', 'expires', 'state', 'used by', 'used at'], rows)) context.out(line);
  },
});

const revoke = defineCommand({
  words: ['invites', 'revoke'],
  operands: ['id'],
  options: {},
  optionHelp: {},
  brief: 'withdraw an unused invite',
  details: [
    'Withdraws an unused invite: its code is refused from now on. Takes the id invites list shows, or enough of',
    'its start (at least 4 hex digits) to name one invite.',
    'Prints: revoked invite <id>',
  ],
  async run(context, _values, [prefix]) {
    context.out(`revoked invite ${await revokeInvite(await context.database(), prefix!)}`);
  },
});

export const inviteCommands: AdminCommand[] = [create, list, revoke];
