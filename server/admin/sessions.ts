// `sessions revoke <username> | --all`: ends sessions as a logout everywhere does (the rows go, so every
// instance refuses their tokens on the next request). Unlike `users disable`, the account may sign in again
// at once; unlike emptying server_secrets, no restart is needed and device credentials stay valid.
import { QueryTypes, Transaction } from 'sequelize';
import { endAllSessions } from '../auth/sessions.js';
import type { Database } from '../db/database.js';
import { AdminError, UsageError } from './admin-errors.js';
import { defineCommand, type AdminCommand } from './command.js';
import { plural } from './text-output.js';
import { checkUsername } from './users.js';

/** Ends every session on the server; how many sessions of how many users there were. */
export async function revokeAllSessions(db: Database): Promise<{ sessions: number; users: number }> {
  // IMMEDIATE, as the tool's other writes: on SQLite a deferred transaction that read first fails with
  // SQLITE_BUSY when a running server commits anything (a key-log head, say) before its DELETE.
  return db.sequelize.transaction({ type: Transaction.TYPES.IMMEDIATE }, async (transaction) => {
    const [row] = await db.sequelize.query<{ sessions: number | string; users: number | string }>(
      'SELECT COUNT(*) AS sessions, COUNT(DISTINCT username) AS users FROM sessions',
      { type: QueryTypes.SELECT, transaction },
    );
    await db.models.Session.destroy({ where: {}, transaction });
    return { sessions: Number(row!.sessions), users: Number(row!.users) };
  });
}

/** Ends every session of `username`; an AdminError when there is no such user. */
export async function revokeSessions(db: Database, username: string): Promise<number> {
  if (!(await db.models.User.findByPk(username, { attributes: ['username'] }))) throw new AdminError(`there is no user ${username}`);
  return endAllSessions(db, username);
}

const revoke = defineCommand({
  words: ['sessions', 'revoke'],
  operands: ['username?'],
  options: { all: { type: 'boolean' } },
  optionHelp: { all: "every user's sessions instead of one user's" },
  brief: "end one user's sessions, or everybody's with --all",
  details: [
    "Ends a user's sessions (or, with --all, everybody's): their tokens stop working at once, on every instance;",
    'they may sign in again. (An event stream already open runs on until it reconnects.)',
    'Prints: ended N sessions of <username>  |  ended N sessions of M users',
  ],
  async run(context, values, [name]) {
    if ((values.all === true) === (name !== undefined)) throw new UsageError('sessions revoke takes either a <username> or --all');
    const db = await context.database();
    if (name === undefined) {
      const { sessions, users } = await revokeAllSessions(db);
      context.out(`ended ${plural(sessions, 'session')} of ${plural(users, 'user')}`);
      return;
    }
    const username = checkUsername(name);
    context.out(`ended ${plural(await revokeSessions(db, username), 'session')} of ${username}`);
  },
});

export const sessionCommands: AdminCommand[] = [revoke];
