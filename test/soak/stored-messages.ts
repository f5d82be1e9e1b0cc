// Test support (Node): what the PostgreSQL database of a failure soak holds of the soak's messages — each
// message row and its two mailbox rows (sender's and recipient's), counted by id, straight from the tables.
import pg from 'pg';
import type { Acked } from './chat-load.js';

export interface StoredCheck {
  stored: number;
  /** Answered messages with no row, or with other than one row. */
  missing: string[];
  duplicated: string[];
  /** Rows of a soak sender that no client was ever answered for. */
  unanswered: string[];
  /** Messages whose mailbox rows are not exactly the sender's and the recipient's. */
  badMailbox: string[];
}

export async function checkStored(databaseUrl: string, acked: ReadonlyMap<string, Acked>, senders: string[]): Promise<StoredCheck> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const rows = await client.query<{ id: string; seq: string; sender: string; recipient: string; copies: string }>(
      `SELECT m.id, m.seq, m.sender, m.recipient, count(*) OVER (PARTITION BY m.id) AS copies FROM messages m WHERE m.sender = ANY($1)`,
      [senders],
    );
    const mailbox = await client.query<{ seq: string; owners: string[] }>(
      `SELECT b.seq, array_agg(b.username ORDER BY b.username) AS owners FROM mailbox b JOIN messages m ON m.seq = b.seq
       WHERE m.sender = ANY($1) GROUP BY b.seq`,
      [senders],
    );
    const owners = new Map(mailbox.rows.map((r) => [r.seq, r.owners]));
    const byId = new Map(rows.rows.map((r) => [r.id, r]));
    const check: StoredCheck = { stored: rows.rows.length, missing: [], duplicated: [], unanswered: [], badMailbox: [] };
    for (const id of acked.keys()) if (!byId.has(id)) check.missing.push(id);
    for (const row of rows.rows) {
      if (Number(row.copies) !== 1) check.duplicated.push(row.id);
      if (!acked.has(row.id)) check.unanswered.push(row.id);
      const expected = [row.sender, row.recipient].sort();
      const got = owners.get(row.seq) ?? [];
      if (got.length !== 2 || got[0] !== expected[0] || got[1] !== expected[1]) check.badMailbox.push(`${row.id}: ${got.join(',')}`);
    }
    return check;
  } finally {
    await client.end();
  }
}
