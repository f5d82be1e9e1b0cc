// `users list | disable | enable | delete`: the accounts as the operator sees them, never a hash or a key.
// Disabling keeps everything of the account but ends its sessions and refuses every sign-in with 403 (see
// server/accounts/disabled.ts); enabling lets it sign in again. Deleting is the account deletion of
// DELETE /users/{u}, without the password (server/accounts/delete-account.ts).
import { QueryTypes, Transaction } from 'sequelize';
import { usernameSchema } from '../../core/protocol/schemas.js';
import { deleteAccountAsOperator } from '../accounts/delete-account.js';
import { endAllSessions } from '../auth/sessions.js';
import type { Database } from '../db/database.js';
import type { UserRow } from '../db/models.js';
import { AdminError } from './admin-errors.js';
import { defineCommand, type AdminCommand } from './command.js';
import { formatTable, plural, utcTime } from './text-output.js';

export interface UserListing {
  username: string;
  createdAt: number;
  /** The latest use of a session that still exists; null without sessions. */
  lastSeenAt: number | null;
  sessions: number;
  disabledAt: number | null;
  deletedAt: number | null;
  recoveryCode: boolean;
}

type Count = number | string;

export async function listUsers(db: Database): Promise<UserListing[]> {
  const rows = await db.sequelize.query<{
    username: string;
    created_at: Count;
    disabled_at: Count | null;
    deleted_at: Count | null;
    sessions: Count;
    last_seen_at: Count | null;
    recovery: Count;
  }>(
    `SELECT u.username, u.created_at, u.disabled_at, u.deleted_at,
       (SELECT COUNT(*) FROM sessions s WHERE s.username = u.username) AS sessions,
       (SELECT MAX(s.last_seen_at) FROM sessions s WHERE s.username = u.username) AS last_seen_at,
       (SELECT COUNT(*) FROM recovery_codes r WHERE r.username = u.username) AS recovery
     FROM users u ORDER BY u.username`,
    { type: QueryTypes.SELECT },
  );
  const orNull = (value: Count | null) => (value === null ? null : Number(value));
  return rows.map((row) => ({
    username: row.username,
    createdAt: Number(row.created_at),
    lastSeenAt: orNull(row.last_seen_at),
    sessions: Number(row.sessions),
    disabledAt: orNull(row.disabled_at),
    deletedAt: orNull(row.deleted_at),
    recoveryCode: Number(row.recovery) > 0,
  }));
}

export function checkUsername(text: string): string {
  if (!usernameSchema.safeParse(text).success) throw new AdminError(`${JSON.stringify(text)} is not a username (3 to 32 of a-z, 0-9 and _)`);
  return text;
}

const immediate = { type: Transaction.TYPES.IMMEDIATE };

/** The live account `username`, locked in `transaction`; an AdminError for an unknown or deleted one. */
async function liveUser(db: Database, username: string, transaction: Transaction): Promise<UserRow> {
  const user = await db.models.User.findByPk(username, { transaction, lock: true });
  if (!user) throw new AdminError(`there is no user ${username}`);
  if (user.deletedAt !== null) throw new AdminError(`the account ${username} was deleted (${utcTime(user.deletedAt)})`);
  return user;
}

export interface Disabling {
  /** When it was disabled: now, or earlier when it was already. */
  since: number;
  already: boolean;
  endedSessions: number;
}

/** Disables `username` and ends its sessions, in one transaction (every token of it is refused from then on). */
export async function disableUser(db: Database, username: string, now = Date.now()): Promise<Disabling> {
  return db.sequelize.transaction(immediate, async (transaction) => {
    const user = await liveUser(db, username, transaction);
    const already = user.disabledAt !== null;
    if (!already) {
      user.disabledAt = now;
      await user.save({ transaction });
    }
    // Also when it was disabled already: a session a racing sign-in started is ended too.
    const endedSessions = await endAllSessions(db, username, transaction);
    return { since: user.disabledAt ?? now, already, endedSessions };
  });
}

/** Lets `username` sign in again; false when it was not disabled. */
export async function enableUser(db: Database, username: string): Promise<boolean> {
  return db.sequelize.transaction(immediate, async (transaction) => {
    const user = await liveUser(db, username, transaction);
    if (user.disabledAt === null) return false;
    user.disabledAt = null;
    await user.save({ transaction });
    return true;
  });
}

const yesNo = (value: boolean) => (value ? 'yes' : 'no');
const timeOr = (ms: number | null, none: string) => (ms === null ? none : utcTime(ms));

const list = defineCommand({
  words: ['users', 'list'],
  operands: [],
  options: { json: { type: 'boolean' } },
  optionHelp: { json: 'one JSON document {"users": [...]} instead of the table (times in ms since 1970)' },
  brief: 'every account, with its sessions and state',
  details: [
    'Lists every account, deleted ones too, by username. Columns: username, created, last seen (the latest use of',
    'a session that still exists; - without one), sessions (how many), disabled and deleted (when, or no),',
    'recovery code (yes or no). Times are UTC. No hash, key or token is ever shown.',
  ],
  async run(context, values) {
    const users = await listUsers(await context.database());
    if (values.json === true) {
      context.out(JSON.stringify({ users }, null, 2));
      return;
    }
    if (users.length === 0) {
      context.out('no users');
      return;
    }
    const rows = users.map((u) => [
      u.username,
      utcTime(u.createdAt),
      timeOr(u.lastSeenAt, '-'),
      String(u.sessions),
      timeOr(u.disabledAt, 'no'),
      timeOr(u.deletedAt, 'no'),
      yesNo(u.recoveryCode),
    ]);
    for (const line of formatTable(['username', 'created', 'last seen', 'sessions', 'disabled', 'deleted', 'recovery code'], rows)) context.out(line);
  },
});

const disable = defineCommand({
  words: ['users', 'disable'],
  operands: ['username'],
  options: {},
  optionHelp: {},
  brief: 'end its sessions and refuse its sign-ins until enabled',
  details: [
    'Disables an account: its sessions end now (their tokens are refused), and signing in with a password, a',
    "device credential or a recovery code answers 403 \"this account is disabled by the server's operator\" until",
    'it is enabled again. Nothing of the account is erased; messages to it are still accepted.',
    'Prints: disabled <username>; ended N sessions',
  ],
  async run(context, _values, [name]) {
    const username = checkUsername(name!);
    const result = await disableUser(await context.database(), username);
    const ended = `ended ${plural(result.endedSessions, 'session')}`;
    context.out(result.already ? `${username} was disabled already (since ${utcTime(result.since)}); ${ended}` : `disabled ${username}; ${ended}`);
  },
});

const enable = defineCommand({
  words: ['users', 'enable'],
  operands: ['username'],
  options: {},
  optionHelp: {},
  brief: 'let a disabled account sign in again',
  details: ['Enables a disabled account again: it can sign in as before (its old sessions stay ended).', 'Prints: enabled <username>'],
  async run(context, _values, [name]) {
    const username = checkUsername(name!);
    const changed = await enableUser(await context.database(), username);
    context.out(changed ? `enabled ${username}` : `${username} was not disabled; nothing changed`);
  },
});

const remove = defineCommand({
  words: ['users', 'delete'],
  operands: ['username'],
  options: {},
  optionHelp: {},
  brief: 'delete an account for good, as DELETE /users/{u} does',
  details: [
    'Deletes an account as DELETE /users/{u} does, without its password. This cannot be undone.',
    'Sessions, keys, the sealed private key, the recovery code and blocks are erased and the user leaves every group;',
    'the name stays taken for good (GET /users/{u} answers 410). Messages already delivered stay with their other',
    'participants. Prints: deleted <username>',
  ],
  async run(context, _values, [name]) {
    const username = checkUsername(name!);
    const outcome = await deleteAccountAsOperator(await context.database(), username);
    if (outcome === 'no-such-user') throw new AdminError(`there is no user ${username}`);
    context.out(outcome === 'deleted' ? `deleted ${username}; the name stays taken` : `${username} was deleted already; nothing changed`);
  },
});

export const userCommands: AdminCommand[] = [list, disable, enable, remove];
