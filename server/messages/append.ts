// The one place that stores messages and hands out `seq`. Writers are serialized so that seq strictly
// increases in commit order (a reader that has seen seq n never later finds a new message below n):
//  - in this process, a queue: one batch at a time, each batch one transaction (one disk sync for all
//    the messages that arrived while the previous batch was committing);
//  - across processes, SQLite's write lock (BEGIN IMMEDIATE) or, on PostgreSQL, a transaction-level
//    advisory lock taken first in the transaction, before reading MAX(seq).
// The transaction itself comes from db.writes (see ../db/write-transaction.ts). The same transaction checks
// blocks (a recipient who blocks the sender refuses the message) and the sender's MESSAGE_QUOTA against the
// running `users.sent_bytes`, which it raises by what it inserts.
import type { SendMessageRequest, MessageHeader, MessageRecord } from '../../core/protocol/schemas.js';
import type { Database } from '../db/database.js';
import { placeholders } from '../db/write-transaction.js';
import { FULL_COLUMNS, toRecord, type MessageSqlRow } from './record.js';

export type AppendResult =
  | { outcome: 'created'; header: MessageHeader }
  | { outcome: 'repeated'; record: MessageRecord }
  | { outcome: 'conflict' }
  | { outcome: 'unknown-recipient' }
  | { outcome: 'blocked' }
  | { outcome: 'quota-exceeded'; quotaBytes: number };

export interface AppendOptions {
  /** Most bytes (the four encrypted fields' lengths) one user's sent messages may take; 0: no limit. */
  quotaBytes?: number;
}

/** What a message counts against its sender's quota: the lengths of its encrypted fields as stored. */
export function storedSize(m: SendMessageRequest): number {
  return m.sessionKey.length + m.senderSessionKey.length + m.body.length + m.signature.length;
}

/** Advisory lock key for seq allocation on PostgreSQL ("ecsq"). */
export const SEQ_LOCK_KEY = 0x6563_7371;
const MAX_BATCH = 200;

interface Pending {
  sender: string;
  message: SendMessageRequest;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

function sameMessage(row: MessageRecord, sender: string, m: SendMessageRequest): boolean {
  return (
    row.sender === sender &&
    row.recipient === m.recipient &&
    row.sessionKey === m.sessionKey &&
    row.senderSessionKey === m.senderSessionKey &&
    row.body === m.body &&
    row.signature === m.signature
  );
}

export class MessageAppender {
  private queue: Pending[] = [];
  private running = false;

  constructor(
    private readonly db: Database,
    /** Called once per created message, after its commit. */
    private readonly onCommitted: (header: MessageHeader) => void,
    private readonly options: AppendOptions = {},
  ) {}

  append(sender: string, message: SendMessageRequest): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ sender, message, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  /** Resolves once nothing is queued or being written. */
  async idle(): Promise<void> {
    while (this.running || this.queue.length > 0) await new Promise((r) => setTimeout(r, 5));
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH);
        let results: AppendResult[];
        try {
          results = await this.writeBatch(batch);
        } catch (error) {
          for (const p of batch) p.reject(error);
          continue;
        }
        batch.forEach((p, i) => p.resolve(results[i]!));
        for (const r of results) if (r.outcome === 'created') this.onCommitted(r.header);
      }
    } finally {
      this.running = false;
    }
  }

  private async writeBatch(batch: Pending[]): Promise<AppendResult[]> {
    const { dialect } = this.db;
    return this.db.writes.run(async (tx) => {
      if (dialect === 'postgres') await tx.select('SELECT pg_advisory_xact_lock(?)', [SEQ_LOCK_KEY]);
      // One round trip for what every batch needs: the top seq, which ids are taken, which recipients exist
      // (with every sender's stored bytes), and which recipients block which senders.
      const ids = [...new Set(batch.map((p) => p.message.id))];
      const recipients = [...new Set(batch.map((p) => p.message.recipient))];
      const senders = [...new Set(batch.map((p) => p.sender))];
      const names = [...new Set([...recipients, ...senders])];
      const facts = await tx.select<{ kind: 'seq' | 'id' | 'user' | 'block'; value: string | number; bytes: string | number }>(
        `SELECT 'seq' AS kind, CAST(COALESCE(MAX(seq), 0) AS VARCHAR(40)) AS value, 0 AS bytes FROM messages
         UNION ALL SELECT 'id' AS kind, id AS value, 0 AS bytes FROM messages WHERE id IN (${placeholders(ids.length)})
         UNION ALL SELECT 'user' AS kind, username AS value, sent_bytes AS bytes FROM users WHERE username IN (${placeholders(names.length)})
         UNION ALL SELECT 'block' AS kind, blocker || '/' || blocked AS value, 0 AS bytes FROM blocks
           WHERE blocker IN (${placeholders(recipients.length)}) AND blocked IN (${placeholders(senders.length)})`,
        [...ids, ...names, ...recipients, ...senders],
      );
      let seq = Number(facts.find((f) => f.kind === 'seq')!.value);
      const taken = facts.filter((f) => f.kind === 'id').map((f) => String(f.value));
      const known = new Set(facts.filter((f) => f.kind === 'user').map((f) => String(f.value)));
      const used = new Map(facts.filter((f) => f.kind === 'user').map((f) => [String(f.value), Number(f.bytes)]));
      const blocks = new Set(facts.filter((f) => f.kind === 'block').map((f) => String(f.value)));
      const quota = this.options.quotaBytes ?? 0;
      const added = new Map<string, number>();
      const existing =
        taken.length === 0
          ? []
          : await tx.select<MessageSqlRow>(`SELECT ${FULL_COLUMNS} FROM messages m WHERE m.id IN (${placeholders(taken.length)})`, taken);
      const byId = new Map<string, MessageRecord>(existing.map((row) => [row.id, toRecord(row)]));
      const timestamp = Date.now();
      const messageValues: unknown[] = [];
      const mailboxValues: unknown[] = [];
      const results = batch.map(({ sender, message }): AppendResult => {
        const stored = byId.get(message.id);
        if (stored) return sameMessage(stored, sender, message) ? { outcome: 'repeated', record: stored } : { outcome: 'conflict' };
        if (message.recipient !== sender && !known.has(message.recipient)) return { outcome: 'unknown-recipient' };
        if (blocks.has(`${message.recipient}/${sender}`)) return { outcome: 'blocked' };
        const size = storedSize(message);
        const before = (used.get(sender) ?? 0) + (added.get(sender) ?? 0);
        if (quota > 0 && before + size > quota) return { outcome: 'quota-exceeded', quotaBytes: quota };
        added.set(sender, (added.get(sender) ?? 0) + size);
        seq += 1;
        const record: MessageRecord = { ...message, sender, timestamp: new Date(timestamp).toISOString(), seq };
        byId.set(message.id, record);
        messageValues.push(seq, message.id, sender, message.recipient, timestamp, message.sessionKey, message.senderSessionKey, message.body, message.signature);
        mailboxValues.push(sender, seq, message.recipient);
        if (message.recipient !== sender) mailboxValues.push(message.recipient, seq, sender);
        const { id, recipient } = message;
        return { outcome: 'created', header: { id, sender, recipient, timestamp: record.timestamp, seq } };
      });
      if (messageValues.length > 0) {
        const rows = (values: unknown[], width: number) =>
          Array.from({ length: values.length / width }, () => `(${placeholders(width)})`).join(', ');
        void tx.execute(
          `INSERT INTO messages (seq, id, sender, recipient, timestamp, session_key, sender_session_key, body, signature) VALUES ${rows(messageValues, 9)}`,
          messageValues,
        );
        void tx.execute(`INSERT INTO mailbox (username, seq, peer) VALUES ${rows(mailboxValues, 3)}`, mailboxValues);
        for (const [username, bytes] of added) {
          void tx.execute('UPDATE users SET sent_bytes = sent_bytes + ? WHERE username = ?', [bytes, username]);
        }
      }
      return results;
    });
  }
}
