// The conversation as a flat list of rows for the virtual list: a day separator before the first message
// of each local day, then the messages, then what is still being sent.
import type { MessageHeaderView } from '../api/chat-api.js';
import { dayKey } from './time.js';

export type SendState = 'pending' | 'failed';

/** A message the person sent that the server has not stored yet (or refused). */
export interface PendingMessage {
  id: string;
  recipient: string;
  text: string;
  state: SendState;
  /** Why it failed, in words. */
  error: string | null;
  /** When it was written, for its day and time until the server assigns one. */
  createdAt: string;
}

export type Row =
  | { kind: 'day'; key: string; timestamp: string }
  | { kind: 'message'; key: string; header: MessageHeaderView }
  | { kind: 'pending'; key: string; pending: PendingMessage };

export function buildRows(headers: readonly MessageHeaderView[], pending: readonly PendingMessage[]): Row[] {
  const rows: Row[] = [];
  let currentDay = '';
  const stored = new Set<string>();
  for (const header of headers) {
    stored.add(header.id);
    const day = dayKey(header.timestamp);
    if (day !== currentDay) {
      currentDay = day;
      rows.push({ kind: 'day', key: `day:${day}`, timestamp: header.timestamp });
    }
    rows.push({ kind: 'message', key: header.id, header });
  }
  for (const message of pending) {
    if (stored.has(message.id)) continue;
    const day = dayKey(message.createdAt);
    if (day !== currentDay) {
      currentDay = day;
      rows.push({ kind: 'day', key: `day:${day}`, timestamp: message.createdAt });
    }
    rows.push({ kind: 'pending', key: `pending:${message.id}`, pending: message });
  }
  return rows;
}
