// The one place that stores messages and hands out `seq`. Writers are serialized so that seq strictly
// increases in commit order (a reader that has seen seq n never later finds a new message below n):
//  - in this process, a queue: one batch at a time, each batch one transaction (one disk sync for all
//    the messages that arrived while the previous batch was committing);
//  - across processes, SQLite's write lock (BEGIN IMMEDIATE) or, on PostgreSQL, a transaction-level
//    advisory lock taken first in the transaction, before reading MAX(seq).
// The transaction itself comes from db.writes (see ../db/write-transaction.ts). The same transaction checks
// blocks (a recipient who blocks the sender refuses a direct message), group membership (a group message
// goes to exactly the current members; membership changes take the same lock, see groups/store.ts) and
// the sender's MESSAGE_QUOTA against the running `users.sent_bytes`, which it raises by what it inserts.
import type { AnyMessageHeader, AnyMessageRecord } from '../../core/protocol/schemas-v2.js';
import type { Database } from '../db/database.js';
import { insertRows, placeholders, type WriteTransaction } from '../db/write-transaction.js';
import { attachmentsOf, linkAttachments, liveUploaders, refuseAttachments } from '../attachments/links.js';
import { attachmentIds, sameMessage, sortNames, storedSize, type Outgoing, type StoredMessage } from './outgoing.js';
import { HEADER_COLUMNS, toHeader, toRecord, type MessageSqlRow } from './record.js';

export type { Outgoing } from './outgoing.js';

export type AppendResult =
  | { outcome: 'created'; header: AnyMessageHeader; attachments: string[] }
  | { outcome: 'repeated'; record: AnyMessageRecord }
  | { outcome: 'conflict' }
  | { outcome: 'unknown-recipient' }
  | { outcome: 'gone' }
  | { outcome: 'blocked' }
  | { outcome: 'not-member' }
  | { outcome: 'alone' }
  | { outcome: 'members-changed' }
  | { outcome: 'quota-exceeded'; quotaBytes: number }
  | { outcome: 'bad-attachments'; message: string };

export interface AppendOptions {
  /** Most bytes (the encrypted fields' lengths) one user's sent messages may take; 0: no limit. */
  quotaBytes?: number;
}

/** Advisory lock key for seq allocation (and group membership changes) on PostgreSQL ("ecsq"). */
export const SEQ_LOCK_KEY = 0x6563_7371;
const MAX_BATCH = 200;

interface Pending {
  sender: string;
  outgoing: Outgoing;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

interface Fact {
  kind: 'seq' | 'id' | 'user' | 'gone' | 'block' | 'member';
  value: string | number;
  bytes: string | number;
}

/** Takes the lock every writer of messages or memberships holds on PostgreSQL (SQLite's is BEGIN IMMEDIATE). */
export async function lockWrites(db: Database, tx: WriteTransaction): Promise<void> {
  if (db.dialect === 'postgres') await tx.select('SELECT pg_advisory_xact_lock(?)', [SEQ_LOCK_KEY]);
}

/** One round trip for what a batch needs: the top seq, taken ids, users (with stored bytes), blocks, group members. */
async function readFacts(tx: WriteTransaction, batch: Pending[]): Promise<Fact[]> {
  const ids = [...new Set(batch.map((p) => p.outgoing.message.id))];
  const recipients = [...new Set(batch.flatMap((p) => (p.outgoing.kind === 'direct' ? [p.outgoing.message.recipient] : [])))];
  const groups = [...new Set(batch.flatMap((p) => (p.outgoing.kind === 'group' ? [p.outgoing.message.group] : [])))];
  const senders = [...new Set(batch.map((p) => p.sender))];
  const names = [...new Set([...recipients, ...senders])];
  const parts = [
    `SELECT 'seq' AS kind, CAST(COALESCE(MAX(seq), 0) AS VARCHAR(40)) AS value, 0 AS bytes FROM messages`,
    `SELECT 'id' AS kind, id AS value, 0 AS bytes FROM messages WHERE id IN (${placeholders(ids.length)})`,
    `SELECT 'user' AS kind, username AS value, sent_bytes AS bytes FROM users WHERE username IN (${placeholders(names.length)})`,
  ];
  const params: unknown[] = [...ids, ...names];
  if (recipients.length > 0) {
    parts.push(`SELECT 'gone' AS kind, username AS value, 0 AS bytes FROM users WHERE username IN (${placeholders(recipients.length)}) AND deleted_at IS NOT NULL`);
    params.push(...recipients);
    parts.push(`SELECT 'block' AS kind, blocker || '/' || blocked AS value, 0 AS bytes FROM blocks
      WHERE blocker IN (${placeholders(recipients.length)}) AND blocked IN (${placeholders(senders.length)})`);
    params.push(...recipients, ...senders);
  }
  if (groups.length > 0) {
    parts.push(`SELECT 'member' AS kind, group_id || '/' || username AS value, 0 AS bytes FROM group_members WHERE group_id IN (${placeholders(groups.length)})`);
    params.push(...groups);
  }
  return tx.select<Fact>(parts.join(' UNION ALL '), params);
}

async function readStored(tx: WriteTransaction, ids: string[]): Promise<Map<string, StoredMessage>> {
  const byId = new Map<string, StoredMessage>();
  if (ids.length === 0) return byId;
  const rows = await tx.select<MessageSqlRow>(
    `SELECT ${HEADER_COLUMNS}, m.session_key, m.sender_session_key, m.body, m.signature FROM messages m WHERE m.id IN (${placeholders(ids.length)})`,
    ids,
  );
  const named = await attachmentsOf(tx, rows.map((r) => Number(r.seq)));
  for (const row of rows) byId.set(row.id, { row, keys: new Map(), attachments: named.get(Number(row.seq)) ?? [] });
  const groupSeqs = rows.filter((r) => r.group_id !== null).map((r) => r.seq);
  if (groupSeqs.length > 0) {
    const keys = await tx.select<{ seq: number | string; username: string; wrapped_key: string }>(
      `SELECT seq, username, wrapped_key FROM message_keys WHERE seq IN (${placeholders(groupSeqs.length)})`,
      groupSeqs,
    );
    const bySeq = new Map(rows.map((r) => [Number(r.seq), byId.get(r.id)!]));
    for (const k of keys) bySeq.get(Number(k.seq))?.keys.set(k.username, k.wrapped_key);
  }
  return byId;
}

export class MessageAppender {
  private queue: Pending[] = [];
  private running = false;

  constructor(
    private readonly db: Database,
    /** Called once per created message, after its commit. */
    private readonly onCommitted: (header: AnyMessageHeader) => void,
    private readonly options: AppendOptions = {},
  ) {}

  append(sender: string, outgoing: Outgoing): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ sender, outgoing, resolve, reject });
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
    return this.db.writes.run(async (tx) => {
      await lockWrites(this.db, tx);
      const facts = await readFacts(tx, batch);
      let seq = Number(facts.find((f) => f.kind === 'seq')!.value);
      const of = (kind: Fact['kind']) => facts.filter((f) => f.kind === kind);
      const known = new Set(of('user').map((f) => String(f.value)));
      const used = new Map(of('user').map((f) => [String(f.value), Number(f.bytes)]));
      const deleted = new Set(of('gone').map((f) => String(f.value)));
      const blocks = new Set(of('block').map((f) => String(f.value)));
      const members = new Map<string, Set<string>>();
      for (const f of of('member')) {
        const [group, name] = String(f.value).split('/') as [string, string];
        members.set(group, (members.get(group) ?? new Set()).add(name));
      }
      const byId = await readStored(tx, of('id').map((f) => String(f.value)));
      const uploaders = await liveUploaders(tx, [...new Set(batch.flatMap((p) => attachmentIds(p.outgoing)))]);
      const quota = this.options.quotaBytes ?? 0;
      const added = new Map<string, number>();
      const timestamp = Date.now();
      const messageRows: unknown[][] = [];
      const mailboxRows: unknown[][] = [];
      const keyRows: unknown[][] = [];

      const refusal = (sender: string, o: Outgoing): AppendResult | undefined => {
        const stored = byId.get(o.message.id);
        if (stored) return sameMessage(stored, sender, o) ? { outcome: 'repeated', record: toRecord(stored.row, stored.attachments) } : { outcome: 'conflict' };
        if (o.kind === 'direct') {
          if (o.message.recipient !== sender && !known.has(o.message.recipient)) return { outcome: 'unknown-recipient' };
          if (deleted.has(o.message.recipient)) return { outcome: 'gone' };
          if (blocks.has(`${o.message.recipient}/${sender}`)) return { outcome: 'blocked' };
        } else {
          const current = members.get(o.message.group);
          if (!current?.has(sender)) return { outcome: 'not-member' };
          if (current.size === 1) return { outcome: 'alone' };
          const named = new Set(o.message.keys.map(([name]) => name));
          if (named.size !== current.size - 1 || named.has(sender) || [...named].some((n) => !current.has(n))) return { outcome: 'members-changed' };
        }
        const badAttachments = refuseAttachments(sender, attachmentIds(o), uploaders);
        if (badAttachments) return { outcome: 'bad-attachments', message: badAttachments };
        const before = (used.get(sender) ?? 0) + (added.get(sender) ?? 0);
        if (quota > 0 && before + storedSize(o) > quota) return { outcome: 'quota-exceeded', quotaBytes: quota };
        return undefined;
      };

      const results = batch.map(({ sender, outgoing: o }): AppendResult => {
        const refused = refusal(sender, o);
        if (refused) return refused;
        added.set(sender, (added.get(sender) ?? 0) + storedSize(o));
        seq += 1;
        const m = o.message;
        const row: MessageSqlRow = {
          seq,
          id: m.id,
          sender,
          recipient: o.kind === 'direct' ? o.message.recipient : null,
          format: m.format ?? 1,
          group_id: o.kind === 'group' ? o.message.group : null,
          recipients: o.kind === 'group' ? sortNames(o.message.keys.map(([name]) => name)).join(',') : null,
          timestamp,
          deleted_at: null,
          session_key: o.kind === 'direct' ? o.message.sessionKey : null,
          sender_session_key: m.senderSessionKey,
          body: m.body,
          signature: m.signature,
        };
        // A later message of this batch with the same id is a retry of this one (or a conflict).
        byId.set(m.id, { row, keys: new Map(o.kind === 'group' ? o.message.keys : []), attachments: attachmentIds(o) });
        linkAttachments(tx, seq, attachmentIds(o), timestamp);
        messageRows.push([seq, m.id, sender, row.recipient, row.format, row.group_id, row.recipients, timestamp, row.session_key, m.senderSessionKey, m.body, m.signature]);
        if (o.kind === 'direct') {
          mailboxRows.push([sender, seq, o.message.recipient, null]);
          if (o.message.recipient !== sender) mailboxRows.push([o.message.recipient, seq, sender, null]);
        } else {
          mailboxRows.push([sender, seq, '', o.message.group]);
          for (const [name, key] of o.message.keys) {
            mailboxRows.push([name, seq, '', o.message.group]);
            keyRows.push([seq, name, key]);
          }
        }
        return { outcome: 'created', header: toHeader(row), attachments: attachmentIds(o) };
      });
      if (messageRows.length > 0) {
        insertRows(tx, 'messages', ['seq', 'id', 'sender', 'recipient', 'format', 'group_id', 'recipients', 'timestamp', 'session_key', 'sender_session_key', 'body', 'signature'], messageRows);
        insertRows(tx, 'mailbox', ['username', 'seq', 'peer', 'group_id'], mailboxRows);
        insertRows(tx, 'message_keys', ['seq', 'username', 'wrapped_key'], keyRows);
        for (const [username, bytes] of added) {
          void tx.execute('UPDATE users SET sent_bytes = sent_bytes + ? WHERE username = ?', [bytes, username]);
        }
      }
      return results;
    });
  }
}
