// Registration invites (REGISTRATION=invite; PROTOCOL.md "Accounts (v2)", Registration). The database keeps
// only SHA-512 of a code (hex), so a copy of it hands out no usable invites, and nothing can show a code
// again after it was made. A code is used once, before it expires and unless the operator revoked it, in the
// same transaction as the account it makes (a registration that fails gives it back).
//
// The operator makes, lists and revokes invites with `encrypted-chat-admin invites …` (server/admin/invites.ts),
// which calls createInvite; the tests call it directly.
import { createHash, randomBytes } from 'node:crypto';
import { Op, type Transaction } from 'sequelize';
import type { Database } from '../db/database.js';

export const DEFAULT_INVITE_TTL_MS = 7 * 86_400_000;

const hashOf = (code: string) => createHash('sha512').update(code, 'utf8').digest('hex');

export interface Invite {
  code: string;
  expiresAt: Date;
  /** How the operator's tool names it later (see inviteId). */
  id: string;
}

/**
 * The name of an invite in listings: the first hex digits of its stored hash. 48 bits of SHA-512 tell nothing
 * usable about an 18-byte random code, and are plenty to tell a server's invites apart.
 */
export const INVITE_ID_LENGTH = 12;
export const inviteId = (codeHash: string): string => codeHash.slice(0, INVITE_ID_LENGTH);

/** Makes an invite code valid for `ttlMs` from `now`. */
export async function createInvite(db: Database, ttlMs = DEFAULT_INVITE_TTL_MS, now = Date.now()): Promise<Invite> {
  const code = randomBytes(18).toString('base64url');
  const codeHash = hashOf(code);
  await db.models.Invite.create({ codeHash, createdAt: now, expiresAt: now + ttlMs, usedAt: null, usedBy: null, revokedAt: null });
  return { code, expiresAt: new Date(now + ttlMs), id: inviteId(codeHash) };
}

/** Marks `code` used by `username`; false when it is unknown, used already, revoked or expired. */
export async function useInvite(db: Database, code: string, username: string, transaction: Transaction, now = Date.now()): Promise<boolean> {
  const [changed] = await db.models.Invite.update(
    { usedAt: now, usedBy: username },
    { where: { codeHash: hashOf(code), usedAt: null, revokedAt: null, expiresAt: { [Op.gt]: now } }, transaction },
  );
  return changed === 1;
}
