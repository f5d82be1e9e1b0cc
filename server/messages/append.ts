// The one place that stores messages and hands out `seq`. Writers are serialized so that seq strictly
// increases in commit order (a reader that has seen seq n never later finds a new message below n):
//  - in this process, a queue: one batch at a time, each batch one transaction (one disk sync for all
//    the messages that arrived while the previous batch was committing);
//  - across processes, SQLite's write lock (BEGIN IMMEDIATE) or, on PostgreSQL, a transaction-level
//    advisory lock taken first in the transaction, before reading MAX(seq).
import { Op, Transaction } from 'sequelize';
import type { SendMessageRequest, MessageHeader, MessageRecord } from '../../core/protocol/schemas.js';
import type { Database } from '../db/database.js';
import type { MessageRow } from '../db/models.js';

export type AppendResult =
  | { outcome: 'created'; header: MessageHeader }
  | { outcome: 'repeated'; record: MessageRecord }
  | { outcome: 'conflict' };

/** Advisory lock key for seq allocation on PostgreSQL ("ecsq"). */
export const SEQ_LOCK_KEY = 0x6563_7371;
const MAX_BATCH = 200;

interface Pending {
  sender: string;
  message: SendMessageRequest;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

function rowToRecord(row: MessageRow): MessageRecord {
  return {
    id: row.id,
    sender: row.sender,
    recipient: row.recipient,
    timestamp: new Date(row.timestamp).toISOString(),
    seq: row.seq,
    sessionKey: row.sessionKey,
    senderSessionKey: row.senderSessionKey,
    body: row.body,
    signature: row.signature,
  };
}

function sameMessage(row: MessageRow | MessageRecord, sender: string, m: SendMessageRequest): boolean {
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
    const { sequelize, models, dialect } = this.db;
    return sequelize.transaction({ type: Transaction.TYPES.IMMEDIATE }, async (transaction) => {
      if (dialect === 'postgres') {
        await sequelize.query('SELECT pg_advisory_xact_lock(:key)', { replacements: { key: SEQ_LOCK_KEY }, transaction });
      }
      const [maxRows] = await sequelize.query('SELECT COALESCE(MAX(seq), 0) AS seq FROM messages', { transaction });
      let seq = Number((maxRows as { seq: number | string }[])[0]!.seq);
      const ids = [...new Set(batch.map((p) => p.message.id))];
      const existing = await models.Message.findAll({ where: { id: { [Op.in]: ids } }, transaction });
      const byId = new Map<string, MessageRecord>(existing.map((row) => [row.id, rowToRecord(row)]));
      const timestamp = Date.now();
      const messageRows: Record<string, unknown>[] = [];
      const mailboxRows: Record<string, unknown>[] = [];
      const results = batch.map(({ sender, message }): AppendResult => {
        const stored = byId.get(message.id);
        if (stored) return sameMessage(stored, sender, message) ? { outcome: 'repeated', record: stored } : { outcome: 'conflict' };
        seq += 1;
        const record: MessageRecord = { ...message, sender, timestamp: new Date(timestamp).toISOString(), seq };
        byId.set(message.id, record);
        messageRows.push({ ...message, sender, timestamp, seq });
        mailboxRows.push({ username: sender, seq, peer: message.recipient });
        if (message.recipient !== sender) mailboxRows.push({ username: message.recipient, seq, peer: sender });
        const { id, recipient } = message;
        return { outcome: 'created', header: { id, sender, recipient, timestamp: record.timestamp, seq } };
      });
      if (messageRows.length > 0) {
        await models.Message.bulkCreate(messageRows, { transaction, validate: false });
        await models.Mailbox.bulkCreate(mailboxRows, { transaction, validate: false });
      }
      return results;
    });
  }
}
