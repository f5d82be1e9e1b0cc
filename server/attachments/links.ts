// Server side: the attachments messages name (PROTOCOL.md "Attachments", "Deleting a message", "Accounts
// (v2)"). Every function runs inside a write transaction under the writers' lock (messages/append.ts), so
// linking, unlinking, expiry and account deletion never interleave.
import { placeholders, type WriteTransaction } from '../db/write-transaction.js';

/** Live blobs among `ids`, each with its uploader. */
export async function liveUploaders(tx: WriteTransaction, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await tx.select<{ id: string; uploader: string }>(
    `SELECT id, uploader FROM attachments WHERE id IN (${placeholders(ids.length)}) AND deleted_at IS NULL`,
    [...ids],
  );
  return new Map(rows.map((row) => [row.id, row.uploader]));
}

/** Why `sender` may not name `ids` in a message, or undefined when every one is theirs and stored. */
export function refuseAttachments(sender: string, ids: readonly string[], uploaders: ReadonlyMap<string, string>): string | undefined {
  for (const id of ids) {
    const uploader = uploaders.get(id);
    if (uploader === undefined) return `request body: attachments: there is no attachment ${id} (never uploaded, or deleted)`;
    if (uploader !== sender) return `request body: attachments: ${id} was not uploaded by you; a message may name only your own uploads`;
  }
  return undefined;
}

/** Issues the link rows of a stored message and marks its blobs named (so they no longer expire). */
export function linkAttachments(tx: WriteTransaction, seq: number, ids: readonly string[], now: number): void {
  if (ids.length === 0) return;
  const rows = ids.map((id, position) => [seq, position, id]);
  void tx.execute(`INSERT INTO message_attachments (seq, position, attachment_id) VALUES ${rows.map(() => '(?, ?, ?)').join(', ')}`, rows.flat());
  void tx.execute(`UPDATE attachments SET linked_at = ? WHERE id IN (${placeholders(ids.length)}) AND linked_at IS NULL`, [now, ...ids]);
}

/** The ids each of `seqs` names, in their order. */
export async function attachmentsOf(tx: { select: WriteTransaction['select'] }, seqs: readonly number[]): Promise<Map<number, string[]>> {
  const bySeq = new Map<number, string[]>();
  if (seqs.length === 0) return bySeq;
  const rows = await tx.select<{ seq: number | string; attachment_id: string }>(
    `SELECT seq, attachment_id FROM message_attachments WHERE seq IN (${placeholders(seqs.length)}) ORDER BY seq, position`,
    [...seqs],
  );
  for (const row of rows) bySeq.set(Number(row.seq), [...(bySeq.get(Number(row.seq)) ?? []), row.attachment_id]);
  return bySeq;
}

/**
 * Removes the link rows of messages that are erased or purged, and erases their blobs (they answer 404 to
 * everyone and stop counting; the sweep removes their bytes). A sender's DELETE erases every blob the message
 * named (PROTOCOL.md "Deleting a message": 404 to everyone, the uploader too); retention (`keepNamedElsewhere`)
 * keeps a blob a newer message still names. Returns how many blobs it erased.
 */
export async function unlinkMessages(tx: WriteTransaction, seqs: readonly number[], now: number, options: { keepNamedElsewhere: boolean }): Promise<number> {
  const named = [...new Set([...(await attachmentsOf(tx, seqs)).values()].flat())];
  if (named.length === 0) return 0;
  void tx.execute(`DELETE FROM message_attachments WHERE seq IN (${placeholders(seqs.length)})`, [...seqs]);
  const stillNamed = options.keepNamedElsewhere ? 'AND NOT EXISTS (SELECT 1 FROM message_attachments ma WHERE ma.attachment_id = attachments.id)' : '';
  const erased = await tx.select<{ id: string }>(
    `UPDATE attachments SET deleted_at = ? WHERE id IN (${placeholders(named.length)}) AND deleted_at IS NULL ${stillNamed} RETURNING id`,
    [now, ...named],
  );
  return erased.length;
}

/** Account deletion: every blob the user uploaded is erased (messages that name them keep only the ids). */
export function eraseUploads(tx: WriteTransaction, username: string, now: number): void {
  void tx.execute('UPDATE attachments SET deleted_at = ? WHERE uploader = ? AND deleted_at IS NULL', [now, username]);
}
