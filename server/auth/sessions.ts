// Device sessions (PROTOCOL.md "Accounts (v2)", Sessions). Registration, login and recovery each start one;
// every token names its session (see tokens.ts). A session ends by deleting its row, so every instance over
// the database refuses its tokens on the next request: each authenticated request reads the row anyway.
// `last_seen_at` is written at most once per LAST_SEEN_INTERVAL_MS per session, never on every request.
// A session of an account the operator disabled is not found: disabling deletes the sessions too, but a
// sign-in racing with it could start one after that delete.
import { randomUUID } from 'node:crypto';
import { Op, QueryTypes, type Transaction } from 'sequelize';
import type { SessionInfo } from '../../core/protocol/schemas-accounts.js';
import type { Database } from '../db/database.js';

export const LAST_SEEN_INTERVAL_MS = 60_000;

/** What token checking needs to know of a session. */
export interface SessionHolder {
  id: string;
  username: string;
  generation: number;
  lastSeenAt: number;
}

/** The store the authenticator uses; a plain interface so its write behaviour can be tested alone. */
export interface SessionLookup {
  find(id: string): Promise<SessionHolder | undefined>;
  /** Records use at `now` unless a later use is recorded already. */
  touch(id: string, now: number): Promise<void>;
}

export function sessionLookup(db: Database): SessionLookup {
  return {
    async find(id) {
      const rows = await db.sequelize.query<{ id: string; username: string; generation: number | string; last_seen_at: number | string }>(
        `SELECT id, username, generation, last_seen_at FROM sessions WHERE id = :id
         AND NOT EXISTS (SELECT 1 FROM users u WHERE u.username = sessions.username AND u.disabled_at IS NOT NULL)`,
        { replacements: { id }, type: QueryTypes.SELECT },
      );
      const row = rows[0];
      return row ? { id: row.id, username: row.username, generation: Number(row.generation), lastSeenAt: Number(row.last_seen_at) } : undefined;
    },
    async touch(id, now) {
      // Conditional, so instances that both decide to write do not move the time backwards.
      await db.sequelize.query('UPDATE sessions SET last_seen_at = :now WHERE id = :id AND last_seen_at < :now', {
        replacements: { id, now },
      });
    },
  };
}

/** Which of these sessions still exist, with their generation (one query). */
export async function liveSessions(db: Database, ids: readonly string[]): Promise<Array<{ id: string; generation: number }>> {
  if (ids.length === 0) return [];
  const rows = await db.sequelize.query<{ id: string; generation: number | string }>('SELECT id, generation FROM sessions WHERE id IN (:ids)', {
    replacements: { ids: [...ids] },
    type: QueryTypes.SELECT,
  });
  return rows.map((r) => ({ id: r.id, generation: Number(r.generation) }));
}

export async function startSession(db: Database, username: string, device: string | undefined, transaction?: Transaction): Promise<SessionHolder> {
  const now = Date.now();
  const id = randomUUID();
  await db.models.Session.create({ id, username, device: device ?? null, generation: 0, createdAt: now, lastSeenAt: now }, { transaction });
  return { id, username, generation: 0, lastSeenAt: now };
}

export async function listSessions(db: Database, username: string, current: string): Promise<SessionInfo[]> {
  const rows = await db.models.Session.findAll({ where: { username }, order: [['createdAt', 'ASC'], ['id', 'ASC']] });
  return rows.map((row) => ({
    id: row.id,
    device: row.device,
    createdAt: new Date(row.createdAt).toISOString(),
    lastSeenAt: new Date(row.lastSeenAt).toISOString(),
    current: row.id === current,
  }));
}

/** Ends one of `username`'s sessions; false when it has no such session. */
export async function endSession(db: Database, username: string, id: string): Promise<boolean> {
  return (await db.models.Session.destroy({ where: { id, username } })) > 0;
}

/** Ends every session of `username`; returns how many there were. */
export async function endAllSessions(db: Database, username: string, transaction?: Transaction): Promise<number> {
  return db.models.Session.destroy({ where: { username }, transaction });
}

/**
 * Ends every session of `username` but `keep`, and raises `keep`'s generation so its earlier tokens fail.
 * Returns the new generation, or undefined when `keep` itself is gone (ended meanwhile).
 */
export async function endOtherSessions(db: Database, username: string, keep: string, transaction: Transaction): Promise<number | undefined> {
  await db.models.Session.destroy({ where: { username, id: { [Op.ne]: keep } }, transaction });
  const session = await db.models.Session.findOne({ where: { id: keep, username }, transaction, lock: true });
  if (!session) return undefined;
  session.generation += 1;
  await session.save({ transaction });
  return session.generation;
}
