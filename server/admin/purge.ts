// `purge --older-than 365d`: the server's retention. Message records sent before the cutoff are deleted with
// their mailbox rows and wrapped group keys (and the attachments only they name); what they took of
// their senders' MESSAGE_QUOTA is given back. It runs in batches, each one write transaction under the
// message writers' lock (server/messages/append.ts), so the server keeps accepting messages in between.
//
// The newest record is never deleted, only emptied: `seq` is handed out as MAX(seq) + 1, so deleting the
// newest message would let the next one reuse its number, and a client that had seen it would page past the
// new message. Emptied, it keeps its seq and id but loses its encrypted fields, keys and mailbox rows, so
// nobody reads it any more; a later purge deletes it once newer messages exist.
//
// The retention applied is recorded (server_settings, see server/db/server-settings.ts): GET /health reports it.
import { unlinkMessages } from '../attachments/links.js';
import { lockWrites } from '../messages/append.js';
import type { Database } from '../db/database.js';
import { placeholders, type WriteTransaction } from '../db/write-transaction.js';
import { recordRetention } from '../db/server-settings.js';
import { FileBlobStore } from '../attachments/file-store.js';
import { attachmentDirFor } from '../attachments/location.js';
import { removeErased } from '../attachments/sweep.js';
import { defineCommand, type AdminCommand } from './command.js';
import { DURATION_RULE, parseDuration } from './durations.js';
import { plural, utcTime } from './text-output.js';

/** Messages deleted per transaction: small enough that senders wait only briefly for the lock. */
const BATCH = 1000;

export interface PurgeReport {
  /** Records sent before this time were purged. */
  cutoff: number;
  messages: number;
  mailboxRows: number;
  messageKeys: number;
  attachments: number;
  /** The newest record was older than the cutoff: emptied and kept (see above). */
  keptNewest: boolean;
}

type Count = number | string;

interface PurgedRow {
  seq: Count;
  sender: string;
  recipient: string | null;
  recipients: string | null;
  deleted_at: Count | null;
  /** Its four encrypted fields' stored lengths and its wrapped keys', as MESSAGE_QUOTA counts them. */
  size: Count | null;
  keys_size: Count | null;
}

const ROW_COLUMNS = `m.seq, m.sender, m.recipient, m.recipients, m.deleted_at,
  COALESCE(LENGTH(m.session_key), 0) + COALESCE(LENGTH(m.sender_session_key), 0) + COALESCE(LENGTH(m.body), 0) + COALESCE(LENGTH(m.signature), 0) AS size,
  (SELECT SUM(LENGTH(k.wrapped_key)) FROM message_keys k WHERE k.seq = m.seq) AS keys_size`;

/**
 * Attachments only these messages name: erased in the same transaction (server/attachments/links.ts); their
 * stored bytes are removed after the purge (and by every running server's sweep). Returns how many.
 */
function purgeAttachments(tx: WriteTransaction, seqs: readonly number[]): Promise<number> {
  return unlinkMessages(tx, seqs, Date.now(), { keepNamedElsewhere: true });
}

interface Erased {
  mailboxRows: number;
  messageKeys: number;
  attachments: number;
}

/**
 * Deletes the rows that hang off `rows` (mailbox, keys, attachments) and gives their senders' quota back. Its
 * DELETE … RETURNING statements go through `select`; the caller has awaited a read of the transaction first,
 * so its BEGIN is known to have succeeded (see write-transaction.ts).
 */
async function eraseDependents(tx: WriteTransaction, rows: readonly PurgedRow[]): Promise<Erased> {
  const seqs = rows.map((row) => Number(row.seq));
  // Mailbox rows by their primary key (username, seq): one per participant, as append.ts wrote them.
  const byParticipant = new Map<string, number[]>();
  const freed = new Map<string, number>();
  for (const row of rows) {
    const seq = Number(row.seq);
    const participants = new Set([row.sender, ...(row.recipient === null ? [] : [row.recipient]), ...(row.recipients ? row.recipients.split(',') : [])]);
    for (const name of participants) byParticipant.set(name, [...(byParticipant.get(name) ?? []), seq]);
    // An erased message gave its bytes back when it was erased.
    if (row.deleted_at === null) freed.set(row.sender, (freed.get(row.sender) ?? 0) + Number(row.size ?? 0) + Number(row.keys_size ?? 0));
  }
  let mailboxRows = 0;
  for (const [name, ofName] of byParticipant) {
    const gone = await tx.select(`DELETE FROM mailbox WHERE username = ? AND seq IN (${placeholders(ofName.length)}) RETURNING seq`, [name, ...ofName]);
    mailboxRows += gone.length;
  }
  const keys = await tx.select(`DELETE FROM message_keys WHERE seq IN (${placeholders(seqs.length)}) RETURNING seq`, seqs);
  const attachments = await purgeAttachments(tx, seqs);
  for (const [sender, bytes] of freed) {
    if (bytes > 0) void tx.execute('UPDATE users SET sent_bytes = sent_bytes - ? WHERE username = ?', [bytes, sender]);
  }
  return { mailboxRows, messageKeys: keys.length, attachments };
}

async function topSeq(tx: WriteTransaction): Promise<number> {
  const [row] = await tx.select<{ seq: Count }>('SELECT COALESCE(MAX(seq), 0) AS seq FROM messages', []);
  return Number(row!.seq);
}

export interface PurgeOptions {
  now?: number;
  batchSize?: number;
}

/** Deletes the messages sent before `now - olderThanMs` and records the retention. */
export async function purgeMessages(db: Database, olderThanMs: number, { now = Date.now(), batchSize = BATCH }: PurgeOptions = {}): Promise<PurgeReport> {
  const cutoff = now - olderThanMs;
  const report: PurgeReport = { cutoff, messages: 0, mailboxRows: 0, messageKeys: 0, attachments: 0, keptNewest: false };
  const add = (erased: Erased) => {
    report.mailboxRows += erased.mailboxRows;
    report.messageKeys += erased.messageKeys;
    report.attachments += erased.attachments;
  };
  for (;;) {
    const deleted = await db.writes.run(async (tx) => {
      await lockWrites(db, tx);
      const top = await topSeq(tx);
      // Old messages have low seqs, so this walks the primary key from the start and stops at the batch's size.
      const rows = await tx.select<PurgedRow>(`SELECT ${ROW_COLUMNS} FROM messages m WHERE m.timestamp < ? AND m.seq < ? ORDER BY m.seq LIMIT ?`, [cutoff, top, batchSize]);
      if (rows.length === 0) return 0;
      add(await eraseDependents(tx, rows));
      const seqs = rows.map((row) => Number(row.seq));
      void tx.execute(`DELETE FROM messages WHERE seq IN (${placeholders(seqs.length)})`, seqs);
      return rows.length;
    });
    report.messages += deleted;
    if (deleted < batchSize) break;
  }
  await db.writes.run(async (tx) => {
    await lockWrites(db, tx);
    const rows = await tx.select<PurgedRow & { timestamp: Count; mailbox: Count }>(
      `SELECT ${ROW_COLUMNS}, m.timestamp, (SELECT COUNT(*) FROM mailbox b WHERE b.seq = m.seq) AS mailbox FROM messages m WHERE m.seq = ?`,
      [await topSeq(tx)],
    );
    const newest = rows[0];
    if (!newest || Number(newest.timestamp) >= cutoff) return;
    report.keptNewest = true;
    // Emptied by an earlier purge already: nothing of it is left to count.
    if (newest.deleted_at !== null && Number(newest.mailbox) === 0) return;
    add(await eraseDependents(tx, [newest]));
    void tx.execute(
      `UPDATE messages SET session_key = NULL, sender_session_key = NULL, body = NULL, signature = NULL, deleted_at = COALESCE(deleted_at, ?) WHERE seq = ?`,
      [now, Number(newest.seq)],
    );
    report.messages += 1;
  });
  await recordRetention(db, { olderThanMs, purgedAt: now });
  return report;
}

const purge = defineCommand({
  words: ['purge'],
  operands: [],
  options: { 'older-than': { type: 'string' } },
  optionHelp: { 'older-than': `delete messages sent longer ago than this: ${DURATION_RULE}` },
  optionValues: { 'older-than': 'DURATION' },
  requiredOptions: ['older-than'],
  brief: 'delete messages older than the retention (--older-than 365d)',
  details: [
    'Deletes the message records sent longer ago than --older-than, with their mailbox rows and group keys, gives',
    "their senders' quota back, and records the retention, which GET /health reports as retention: {days, purgedAt}.",
    'Prints: purged N messages sent before <time>: N mailbox rows, N group message keys, N attachments',
    'When even the newest message is that old, it is emptied but kept, so that message numbers keep increasing.',
    'Run it daily (a systemd timer or cron) to keep the retention.',
  ],
  async run(context, values) {
    const olderThan = values['older-than']!;
    const olderThanMs = parseDuration(olderThan, '--older-than');
    const database = await context.database();
    const r = await purgeMessages(database, olderThanMs);
    // The bytes of the erased attachments, when this host holds the server's ATTACHMENT_DIR (else its sweep does it).
    await removeErased(database, new FileBlobStore(attachmentDirFor({ attachmentDir: process.env.ATTACHMENT_DIR, databaseUrl: context.url }, context.cwd)));
    context.out(
      `purged ${plural(r.messages, 'message')} sent before ${utcTime(r.cutoff)}: ${plural(r.mailboxRows, 'mailbox row')}, ${plural(r.messageKeys, 'group message key')}, ${plural(r.attachments, 'attachment')}`,
    );
    if (r.keptNewest) context.out('the newest message was older too: it is emptied and kept, so that message numbers (seq) keep increasing');
    context.out(`retention recorded: ${olderThan} (GET /health reports it)`);
  },
});

export const purgeCommands: AdminCommand[] = [purge];
