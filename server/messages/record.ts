// Converts stored rows to the protocol's message shapes.
import type { MessageHeader, MessageRecord } from '../../core/protocol/schemas.js';

/** A messages row as raw SQL returns it (snake_case, BIGINT possibly as a string on PostgreSQL). */
export interface MessageSqlRow {
  seq: number | string;
  id: string;
  sender: string;
  recipient: string;
  timestamp: number | string;
  session_key?: string;
  sender_session_key?: string;
  body?: string;
  signature?: string;
}

export const HEADER_COLUMNS = 'm.seq, m.id, m.sender, m.recipient, m.timestamp';
export const FULL_COLUMNS = `${HEADER_COLUMNS}, m.session_key, m.sender_session_key, m.body, m.signature`;

export function toHeader(row: MessageSqlRow): MessageHeader {
  return {
    id: row.id,
    sender: row.sender,
    recipient: row.recipient,
    timestamp: new Date(Number(row.timestamp)).toISOString(),
    seq: Number(row.seq),
  };
}

export function toRecord(row: MessageSqlRow): MessageRecord {
  return {
    ...toHeader(row),
    sessionKey: row.session_key!,
    senderSessionKey: row.sender_session_key!,
    body: row.body!,
    signature: row.signature!,
  };
}
