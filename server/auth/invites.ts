// Registration invites (REGISTRATION=invite; PROTOCOL.md "Accounts (v2)", Registration). The database keeps
// only SHA-512 of a code (hex), so a copy of it hands out no usable invites. A code is used once, before it
// expires, in the same transaction as the account it makes (a registration that fails gives it back).
//
// The operator's way to make invites is a later admin tool; until then createInvite is the one entry point
// (the tests use it), e.g. `node --import tsx -e "…createInvite(await openDatabase(url))…"`.
import { createHash, randomBytes } from 'node:crypto';
import { Op, type Transaction } from 'sequelize';
import type { Database } from '../db/database.js';

export const DEFAULT_INVITE_TTL_MS = 7 * 86_400_000;

const hashOf = (code: string) => createHash('sha512').update(code, 'utf8').digest('hex');

export interface Invite {
  code: string;
  expiresAt: Date;
}

/** Makes an invite code valid for `ttlMs` from `now`. */
export async function createInvite(db: Database, ttlMs = DEFAULT_INVITE_TTL_MS, now = Date.now()): Promise<Invite> {
  const code = randomBytes(18).toString('base64url');
  await db.models.Invite.create({ codeHash: hashOf(code), createdAt: now, expiresAt: now + ttlMs, usedAt: null, usedBy: null });
  return { code, expiresAt: new Date(now + ttlMs) };
}

/** Marks `code` used by `username`; false when it is unknown, used already or expired. */
export async function useInvite(db: Database, code: string, username: string, transaction: Transaction, now = Date.now()): Promise<boolean> {
  const [changed] = await db.models.Invite.update(
    { usedAt: now, usedBy: username },
    { where: { codeHash: hashOf(code), usedAt: null, expiresAt: { [Op.gt]: now } }, transaction },
  );
  return changed === 1;
}
