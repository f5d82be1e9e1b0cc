// Converts stored rows to the protocol's message shapes: direct messages carry `recipient`, group messages
// `group` and `recipients`; every shape carries `format`, and an erased one `deletedAt` and none of the
// encrypted fields. A group record holds only the reader's own wrapped key (in `sessionKey`).
import type { AnyMessageHeader, AnyMessageRecord } from '../../core/protocol/schemas-v2.js';

/** A messages row as raw SQL returns it (snake_case, BIGINT possibly as a string on PostgreSQL). */
export interface MessageSqlRow {
  seq: number | string;
  id: string;
  sender: string;
  recipient: string | null;
  format: number | string;
  group_id: string | null;
  recipients: string | null;
  timestamp: number | string;
  deleted_at: number | string | null;
  session_key?: string | null;
  sender_session_key?: string | null;
  body?: string | null;
  signature?: string | null;
  /** The reader's wrapped key of a group message (message_keys), when joined. */
  wrapped_key?: string | null;
}

export const HEADER_COLUMNS = 'm.seq, m.id, m.sender, m.recipient, m.format, m.group_id, m.recipients, m.timestamp, m.deleted_at';
/** Needs READER_KEY_JOIN (or another source of `wrapped_key`) in the query. */
export const FULL_COLUMNS = `${HEADER_COLUMNS}, m.session_key, m.sender_session_key, m.body, m.signature, k.wrapped_key`;
/** The reader's own key of a group message, named `:reader`. */
export const READER_KEY_JOIN = 'LEFT JOIN message_keys k ON k.seq = m.seq AND k.username = :reader';

const iso = (ms: number | string) => new Date(Number(ms)).toISOString();

export function toHeader(row: MessageSqlRow): AnyMessageHeader {
  const common = { id: row.id, sender: row.sender };
  const tail = { timestamp: iso(row.timestamp), seq: Number(row.seq), ...(row.deleted_at === null ? {} : { deletedAt: iso(row.deleted_at) }) };
  if (row.group_id !== null) {
    return { ...common, group: row.group_id, recipients: (row.recipients ?? '').split(','), format: 2, ...tail };
  }
  return { ...common, recipient: row.recipient!, format: Number(row.format) === 2 ? 2 : 1, ...tail };
}

/** `attachments`: the ids the message names, in order (PROTOCOL.md "Attachments"); shown only when there are some. */
export function toRecord(row: MessageSqlRow, attachments: readonly string[] = []): AnyMessageRecord {
  const header = toHeader(row);
  if (row.deleted_at !== null) return header;
  const sessionKey = row.group_id === null ? row.session_key : row.wrapped_key;
  return {
    ...header,
    ...(sessionKey ? { sessionKey } : {}),
    senderSessionKey: row.sender_session_key!,
    body: row.body!,
    signature: row.signature!,
    ...(attachments.length > 0 ? { attachments: [...attachments] } : {}),
  };
}
