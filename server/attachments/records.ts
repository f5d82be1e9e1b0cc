// Server side: the attachments table, which decides what counts. A blob is readable and counts toward its
// uploader's ATTACHMENT_QUOTA while its row is live (deleted_at NULL); it is readable by its uploader and by
// every participant (a mailbox row: sender, recipient, group recipient) of a message that names it.
import { QueryTypes } from 'sequelize';
import type { Database } from '../db/database.js';
import { lockWrites } from '../messages/append.js';

export interface NewBlob {
  id: string;
  uploader: string;
  size: number;
  digest: string;
}

/** Bytes of the user's live blobs. */
export async function storedBytes(db: Database, username: string): Promise<number> {
  const rows = await db.sequelize.query<{ n: number | string | null }>(
    'SELECT SUM(size) AS n FROM attachments WHERE uploader = :username AND deleted_at IS NULL',
    { replacements: { username }, type: QueryTypes.SELECT },
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * Writes the row of a blob already stored under its final name, unless it would take the uploader past
 * `quotaBytes` (0: no limit). Under the writers' lock, so two uploads of one user committed at once (on any
 * instance) cannot both slip under the quota, and the sweep's expiry cannot interleave.
 */
export async function commitBlob(db: Database, blob: NewBlob, quotaBytes: number, now = Date.now()): Promise<'stored' | 'quota-exceeded'> {
  return db.writes.run(async (tx) => {
    await lockWrites(db, tx);
    if (quotaBytes > 0) {
      const [row] = await tx.select<{ n: number | string | null }>('SELECT SUM(size) AS n FROM attachments WHERE uploader = ? AND deleted_at IS NULL', [blob.uploader]);
      if (Number(row?.n ?? 0) + blob.size > quotaBytes) return 'quota-exceeded';
    }
    await tx.execute('INSERT INTO attachments (id, uploader, size, digest, created_at) VALUES (?, ?, ?, ?, ?)', [blob.id, blob.uploader, blob.size, blob.digest, now]);
    return 'stored';
  });
}

/** The blob's size when `username` may read it, else undefined (no such blob, erased, or not theirs to read). */
export async function readableSize(db: Database, username: string, id: string): Promise<number | undefined> {
  const rows = await db.sequelize.query<{ size: number | string }>(
    `SELECT a.size FROM attachments a WHERE a.id = :id AND a.deleted_at IS NULL AND (a.uploader = :username OR EXISTS (
       SELECT 1 FROM message_attachments ma JOIN mailbox mb ON mb.seq = ma.seq AND mb.username = :username WHERE ma.attachment_id = a.id))`,
    { replacements: { id, username }, type: QueryTypes.SELECT },
  );
  return rows[0] ? Number(rows[0].size) : undefined;
}
