// What the message writer needs to know about one message to be sent, direct or group: its stored size
// (for MESSAGE_QUOTA), whether a stored row is the same message (safe retry), and the rows it becomes.
import type { DirectSendRequest, GroupSendRequest } from '../../core/protocol/schemas-v2.js';
import type { MessageSqlRow } from './record.js';

export type Outgoing = { kind: 'direct'; message: DirectSendRequest } | { kind: 'group'; message: GroupSendRequest };

/** What a message counts against its sender's quota: the lengths of its encrypted fields as stored, every wrapped key included. */
export function storedSize(o: Outgoing): number {
  const m = o.message;
  const common = m.senderSessionKey.length + m.body.length + m.signature.length;
  if (o.kind === 'direct') return common + o.message.sessionKey.length;
  return common + o.message.keys.reduce((sum, [, key]) => sum + key.length, 0);
}

/** A stored row with its wrapped group keys (username → key) and the attachment ids it names, as the writer reads it back. */
export interface StoredMessage {
  row: MessageSqlRow;
  keys: Map<string, string>;
  attachments: string[];
}

/** The attachment ids a message names, in its order (none when it names none). */
export const attachmentIds = (o: Outgoing): string[] => o.message.attachments ?? [];

/** True when `o` from `sender` is exactly the stored message (an erased one is never the same). */
export function sameMessage(stored: StoredMessage, sender: string, o: Outgoing): boolean {
  const { row } = stored;
  const m = o.message;
  if (row.deleted_at !== null || row.sender !== sender) return false;
  if (row.sender_session_key !== m.senderSessionKey || row.body !== m.body || row.signature !== m.signature) return false;
  const named = attachmentIds(o);
  if (stored.attachments.length !== named.length || named.some((id, i) => stored.attachments[i] !== id)) return false;
  if (o.kind === 'direct') {
    return row.group_id === null && row.recipient === o.message.recipient && Number(row.format) === (o.message.format ?? 1) && row.session_key === o.message.sessionKey;
  }
  return (
    row.group_id === o.message.group &&
    stored.keys.size === o.message.keys.length &&
    o.message.keys.every(([name, key]) => stored.keys.get(name) === key)
  );
}

/** Usernames sorted by byte value (they are ASCII), as PROTOCOL.md's "sorted". */
export const sortNames = (names: Iterable<string>): string[] => [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
