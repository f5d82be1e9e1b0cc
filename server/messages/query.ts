// Reads of a user's messages. Every read walks the user's mailbox rows, an index range on
// (username, seq), (username, peer, seq) or (username, group_id, seq), so its cost follows the page size,
// not the table size. `sender`, `recipient` and `peer` select direct messages (as in v1); `group` one group's.
import { QueryTypes } from 'sequelize';
import { DEFAULT_PAGE_LIMIT } from '../../core/protocol/constants.js';
import type { AnyMessageHeader, AnyMessageRecord, MessagesQueryV2 } from '../../core/protocol/schemas-v2.js';
import { attachmentsOf } from '../attachments/links.js';
import type { Database } from '../db/database.js';
import { FULL_COLUMNS, HEADER_COLUMNS, READER_KEY_JOIN, toHeader, toRecord, type MessageSqlRow } from './record.js';

export async function listMessages(
  db: Database,
  username: string,
  query: MessagesQueryV2,
): Promise<AnyMessageHeader[] | AnyMessageRecord[]> {
  const where = ['mb.username = :username'];
  const replacements: Record<string, string | number> = { username, reader: username, limit: query.limit ?? DEFAULT_PAGE_LIMIT };
  // Any named other party narrows the mailbox range to (username, peer), which holds direct messages only
  // (group rows have peer ''); the message columns still decide.
  const inGroup = query.group !== undefined;
  const others = [query.peer, query.sender !== username && !inGroup ? query.sender : undefined, query.recipient !== username ? query.recipient : undefined];
  if (inGroup) {
    where.push('mb.group_id = :group');
    replacements.group = query.group!;
  } else if (query.sender !== undefined || query.recipient !== undefined) {
    // sender=<yourself> is no mailbox range of its own; it must not pick up the group messages you sent.
    where.push('m.group_id IS NULL');
  }
  others.forEach((other, i) => {
    if (other === undefined) return;
    where.push(`mb.peer = :peer${i}`);
    replacements[`peer${i}`] = other;
  });
  if (query.sender !== undefined) {
    where.push('m.sender = :sender');
    replacements.sender = query.sender;
  }
  if (query.recipient !== undefined) {
    where.push('m.recipient = :recipient');
    replacements.recipient = query.recipient;
  }
  if (query.after !== undefined) {
    where.push('mb.seq > :after');
    replacements.after = query.after;
  }
  if (query.since !== undefined) {
    where.push('m.timestamp >= :since');
    replacements.since = Date.parse(query.since);
  }
  if (query.until !== undefined) {
    where.push('m.timestamp < :until');
    replacements.until = Date.parse(query.until);
  }
  const order = query.order === 'desc' ? 'DESC' : 'ASC';
  const rows = await db.sequelize.query<MessageSqlRow>(
    `SELECT ${query.full ? FULL_COLUMNS : HEADER_COLUMNS} FROM mailbox mb JOIN messages m ON m.seq = mb.seq
     ${query.full ? READER_KEY_JOIN : ''}
     WHERE ${where.join(' AND ')} ORDER BY mb.seq ${order} LIMIT :limit`,
    { replacements, type: QueryTypes.SELECT },
  );
  if (!query.full) return rows.map(toHeader);
  const named = await namedAttachments(db, rows);
  return rows.map((row) => toRecord(row, named.get(Number(row.seq))));
}

/** The attachment ids each live row names (erased rows name none). */
function namedAttachments(db: Database, rows: readonly MessageSqlRow[]): Promise<Map<number, string[]>> {
  const select = (sql: string, params: unknown[]) => db.sequelize.query(sql, { replacements: params as never, type: QueryTypes.SELECT });
  return attachmentsOf({ select: select as never }, rows.filter((row) => row.deleted_at === null).map((row) => Number(row.seq)));
}

/** The user's messages after `cursor`, in seq order: what a live stream has not sent yet. */
export async function messagesAfter(db: Database, username: string, cursor: number, limit: number): Promise<AnyMessageHeader[]> {
  const rows = await db.sequelize.query<MessageSqlRow>(
    `SELECT ${HEADER_COLUMNS} FROM mailbox mb JOIN messages m ON m.seq = mb.seq
     WHERE mb.username = :username AND mb.seq > :cursor ORDER BY mb.seq ASC LIMIT :limit`,
    { replacements: { username, cursor, limit }, type: QueryTypes.SELECT },
  );
  return rows.map(toHeader);
}

/**
 * The messages of several users after `cursor` (the lowest of their cursors), in seq order, each row with the
 * user whose mailbox holds it: one read for every stream a group message pokes at once.
 */
export async function messagesAfterFor(db: Database, usernames: readonly string[], cursor: number, limit: number): Promise<Array<{ reader: string; header: AnyMessageHeader }>> {
  const rows = await db.sequelize.query<MessageSqlRow & { reader: string }>(
    `SELECT mb.username AS reader, ${HEADER_COLUMNS} FROM mailbox mb JOIN messages m ON m.seq = mb.seq
     WHERE mb.username IN (:usernames) AND mb.seq > :cursor ORDER BY mb.seq ASC LIMIT :limit`,
    { replacements: { usernames: [...usernames], cursor, limit }, type: QueryTypes.SELECT },
  );
  return rows.map((row) => ({ reader: row.reader, header: toHeader(row) }));
}

/** The highest seq on the server; a stream starting now sends only what comes after it. */
export async function latestSeq(db: Database): Promise<number> {
  const rows = await db.sequelize.query<{ seq: number | string }>('SELECT COALESCE(MAX(seq), 0) AS seq FROM messages', {
    type: QueryTypes.SELECT,
  });
  return Number(rows[0]!.seq);
}

/** The message as `username` may read it: only a participant (a mailbox row) finds it. */
export async function findMessage(db: Database, username: string, id: string): Promise<AnyMessageRecord | undefined> {
  const rows = await db.sequelize.query<MessageSqlRow>(
    `SELECT ${FULL_COLUMNS} FROM messages m JOIN mailbox mb ON mb.username = :reader AND mb.seq = m.seq ${READER_KEY_JOIN}
     WHERE m.id = :id`,
    { replacements: { id, reader: username }, type: QueryTypes.SELECT },
  );
  if (!rows[0]) return undefined;
  return toRecord(rows[0], (await namedAttachments(db, rows)).get(Number(rows[0].seq)));
}
