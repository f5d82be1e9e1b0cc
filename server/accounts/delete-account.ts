// DELETE /users/{u} (PROTOCOL.md "Accounts (v2)", Deleting an account), in one write transaction under the
// message writers' lock (so no message or membership change interleaves): the password is checked, the user
// leaves every group (owner handover by the rule of "Groups"; the last member's leaving deletes the group),
// sessions, recovery code, blocks (both ways), the user's wrapped keys, mailbox rows and sealed account state
// (routes/account-state.ts) go, and the users row keeps only the name (taken for good), its creation time and
// `deleted_at`. Messages already delivered stay with their other participants.
// The operator deletes an account the same way, without its password (encrypted-chat-admin users delete):
// both run eraseAccount in the same kind of transaction and differ only in what they check first.
import type { Database } from '../db/database.js';
import type { WriteTransaction } from '../db/write-transaction.js';
import { checkPassword } from '../auth/passwords.js';
import { leaveAllGroups } from '../groups/store.js';
import { ApiError } from '../http/errors.js';
import { appendEntry } from '../keylog/append.js';
import { lockWrites } from '../messages/append.js';
import { eraseUploads } from '../attachments/links.js';

/**
 * The user's attachments: erased in the same transaction (404 to everyone from the commit on); the
 * attachment sweep then removes their stored bytes (server/attachments/sweep.ts).
 */
function eraseAttachments(tx: WriteTransaction, username: string, now: number): void {
  eraseUploads(tx, username, now);
}

/**
 * PROTOCOL.md "Key transparency": account deletion appends a key-log entry with an empty publicKey. This is
 * the one place that appends it, in the same transaction as the deletion (server/keylog/append.ts); running
 * servers sign a head covering it within seconds, also when the admin tool deleted the account.
 */
async function appendKeyLogDeletion(tx: WriteTransaction, username: string, timestamp: number): Promise<void> {
  await appendEntry(tx, { username, publicKey: null, at: timestamp });
}

interface AccountRow {
  server_salt: Buffer;
  password_hash: Buffer;
  deleted_at: number | string | null;
}

/** The account's row, read inside the deletion's transaction (under the writers' lock). */
async function readAccount(tx: WriteTransaction, username: string): Promise<AccountRow | undefined> {
  const rows = await tx.select<AccountRow>('SELECT server_salt, password_hash, deleted_at FROM users WHERE username = ?', [username]);
  return rows[0];
}

/** DELETE /users/{u}: only with the account's current password (401 otherwise, as for an unknown or deleted one). */
export async function deleteAccount(db: Database, username: string, authHash: Uint8Array): Promise<void> {
  await db.writes.run(async (tx) => {
    await lockWrites(db, tx);
    const row = await readAccount(tx, username);
    const stored = row && row.deleted_at === null ? { serverSalt: Buffer.from(row.server_salt), passwordHash: Buffer.from(row.password_hash) } : undefined;
    if (!checkPassword(stored, authHash) || !stored) throw new ApiError('unauthorized', 'the current password is wrong');
    await eraseAccount(tx, username);
  });
}

export type OperatorDeletion = 'deleted' | 'no-such-user' | 'deleted-already';

/** The operator's deletion: no password; says what it found instead of failing. */
export async function deleteAccountAsOperator(db: Database, username: string): Promise<OperatorDeletion> {
  return db.writes.run(async (tx) => {
    await lockWrites(db, tx);
    const row = await readAccount(tx, username);
    if (!row) return 'no-such-user';
    if (row.deleted_at !== null) return 'deleted-already';
    await eraseAccount(tx, username);
    return 'deleted';
  });
}

/** Everything a deletion erases, issued inside the caller's transaction once it decided to delete. */
async function eraseAccount(tx: WriteTransaction, username: string): Promise<void> {
  const now = Date.now();
  await leaveAllGroups(tx, username, now);
  void tx.execute('DELETE FROM sessions WHERE username = ?', [username]);
  void tx.execute('DELETE FROM recovery_codes WHERE username = ?', [username]);
  void tx.execute('DELETE FROM blocks WHERE blocker = ? OR blocked = ?', [username, username]);
  void tx.execute('DELETE FROM message_keys WHERE username = ?', [username]);
  void tx.execute('DELETE FROM mailbox WHERE username = ?', [username]);
  void tx.execute('DELETE FROM account_state WHERE username = ?', [username]);
  eraseAttachments(tx, username, now);
  void tx.execute(
    `UPDATE users SET public_key = '', encrypted_private_key = '', kdf_salt = '', kdf_iterations = 0,
     server_salt = ?, password_hash = ?, deleted_at = ? WHERE username = ?`,
    [Buffer.alloc(0), Buffer.alloc(0), now, username],
  );
  await appendKeyLogDeletion(tx, username, now);
}
