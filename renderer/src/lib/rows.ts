// The conversation as a flat list of rows for the virtual list: a day separator before the first message
// of each local day, then the messages, then what is still being sent.
import type { ConversationKey, MessageHeaderView } from '../../../core/api/chat-api.js';
import { dayKey } from './time.js';

export type SendState = 'pending' | 'failed';

/** A message the person sent that the server has not stored yet (or refused). */
export interface PendingMessage {
  id: string;
  conversation: ConversationKey;
  text: string;
  /** The message it replies to, sent again with it on retry. */
  replyTo: string | null;
  state: SendState;
  /** Why it failed, in words. */
  error: string | null;
  /** It failed only because its group's membership waits for an announcement: sent again once it may be. */
  held?: boolean;
  /** It failed for want of a connection (or a session): sent again, with the same id, once there is one. */
  waiting?: boolean;
  /** The server refused it for good (400, 413, …): sending it again as it is cannot work; it can be edited. */
  refused?: boolean;
  /** When it was written, for its day and time until the server assigns one. */
  createdAt: string;
}

export type Row =
  | { kind: 'day'; key: string; timestamp: string }
  | { kind: 'message'; key: string; header: MessageHeaderView }
  | { kind: 'pending'; key: string; pending: PendingMessage };

/**
 * Builds the rows, reusing the row (and the parsed day) of every header it saw before: a conversation of
 * 10,000 messages is rebuilt each time a page of 100 arrives, and that must not parse 10,000 dates again or
 * hand the list 10,000 new objects.
 */
export class RowBuilder {
  readonly #messages = new WeakMap<MessageHeaderView, { day: string; row: Row }>();
  readonly #days = new Map<string, Row>();

  build(headers: readonly MessageHeaderView[], pending: readonly PendingMessage[]): Row[] {
    const rows: Row[] = [];
    let currentDay = '';
    const pendingIds = pending.length > 0 ? new Set(pending.map((p) => p.id)) : null;
    const stored = new Set<string>();
    for (const header of headers) {
      if (pendingIds?.has(header.id)) stored.add(header.id);
      let entry = this.#messages.get(header);
      if (!entry) {
        entry = { day: dayKey(header.timestamp), row: { kind: 'message', key: header.id, header } };
        this.#messages.set(header, entry);
      }
      if (entry.day !== currentDay) {
        currentDay = entry.day;
        rows.push(this.#day(entry.day, header.timestamp));
      }
      rows.push(entry.row);
    }
    for (const message of pending) {
      if (stored.has(message.id)) continue;
      const day = dayKey(message.createdAt);
      if (day !== currentDay) {
        currentDay = day;
        rows.push(this.#day(day, message.createdAt));
      }
      rows.push({ kind: 'pending', key: `pending:${message.id}`, pending: message });
    }
    return rows;
  }

  #day(day: string, timestamp: string): Row {
    let row = this.#days.get(day);
    if (!row) {
      row = { kind: 'day', key: `day:${day}`, timestamp };
      this.#days.set(day, row);
    }
    return row;
  }
}

export function buildRows(headers: readonly MessageHeaderView[], pending: readonly PendingMessage[]): Row[] {
  return new RowBuilder().build(headers, pending);
}

/** Only a header's fields (a view passed in as a header keeps no text, verdict or reactions in the list). */
export function headerOnly({ id, seq, sender, recipient, group, conversation, timestamp, outgoing }: MessageHeaderView): MessageHeaderView {
  return { id, seq, sender, recipient, group, conversation, timestamp, outgoing };
}

/** `headers` (sorted by seq) with `fresh` (none of them in it) merged in: appended or prepended when they fit there. */
export function mergeBySeq(headers: readonly MessageHeaderView[], fresh: MessageHeaderView[]): MessageHeaderView[] {
  fresh.sort((a, b) => a.seq - b.seq);
  const first = headers[0];
  const last = headers[headers.length - 1];
  if (!last || fresh[0]!.seq > last.seq) return [...headers, ...fresh];
  if (first && fresh[fresh.length - 1]!.seq < first.seq) return [...fresh, ...headers];
  return [...headers, ...fresh].sort((a, b) => a.seq - b.seq);
}
