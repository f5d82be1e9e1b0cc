// DELETE /messages/{id} (PROTOCOL.md "Deleting a message"): the sender erases the encrypted fields and the
// wrapped group keys; the record stays with `deleted_at`, and what it took of the sender's quota is given
// back. Under the writers' lock, so a message is erased, and its size given back, once. The attachments it
// named are erased with it, for everyone, even where another message names them too (server/attachments/links.ts).
import type { Database } from '../db/database.js';
import { unlinkMessages } from '../attachments/links.js';
import { lockWrites } from './append.js';

/** Sizes in SQL, as storedSize() counts them when the message is stored (message_keys summed apart). */
const OWN_FIELDS_SIZE = 'COALESCE(LENGTH(session_key), 0) + LENGTH(sender_session_key) + LENGTH(body) + LENGTH(signature)';

/** False when `username` sent no message `id` (whoever else did); true once it is erased (again or not). */
export async function eraseMessage(db: Database, username: string, id: string): Promise<boolean> {
  return db.writes.run(async (tx) => {
    await lockWrites(db, tx);
    const rows = await tx.select<{ seq: number | string; deleted_at: number | string | null; size: number | string | null; keys_size: number | string | null }>(
      `SELECT m.seq, m.deleted_at, ${OWN_FIELDS_SIZE} AS size,
         (SELECT SUM(LENGTH(k.wrapped_key)) FROM message_keys k WHERE k.seq = m.seq) AS keys_size
       FROM messages m WHERE m.id = ? AND m.sender = ?`,
      [id, username],
    );
    const row = rows[0];
    if (!row) return false;
    if (row.deleted_at !== null) return true;
    const size = Number(row.size ?? 0) + Number(row.keys_size ?? 0);
    const now = Date.now();
    void tx.execute(
      'UPDATE messages SET session_key = NULL, sender_session_key = NULL, body = NULL, signature = NULL, deleted_at = ? WHERE seq = ?',
      [now, row.seq],
    );
    await unlinkMessages(tx, [Number(row.seq)], now, { keepNamedElsewhere: false });
    void tx.execute('DELETE FROM message_keys WHERE seq = ?', [row.seq]);
    void tx.execute('UPDATE users SET sent_bytes = sent_bytes - ? WHERE username = ?', [size, username]);
    return true;
  });
}
