// A running total per user of the stored size of the messages they sent (the lengths of the four encrypted
// fields as stored, base64 text), kept by the message writer in the same transaction as each insert, so the
// MESSAGE_QUOTA check never sums messages per request. Filled here for the messages already stored.
import type { QueryInterface } from 'sequelize';

export const name = '002-sent-bytes';

/** The stored size of one message row, in SQL; the same sum as messages/append.ts computes. */
export const MESSAGE_SIZE_SQL = 'LENGTH(session_key) + LENGTH(sender_session_key) + LENGTH(body) + LENGTH(signature)';

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  const { sequelize } = qi;
  await sequelize.transaction(async (transaction) => {
    await sequelize.query('ALTER TABLE users ADD COLUMN sent_bytes BIGINT NOT NULL DEFAULT 0', { transaction });
    // One pass over messages (no per-user subquery, so this stays linear in the number of messages).
    await sequelize.query(
      `UPDATE users SET sent_bytes = totals.bytes
       FROM (SELECT sender, SUM(${MESSAGE_SIZE_SQL}) AS bytes FROM messages GROUP BY sender) AS totals
       WHERE users.username = totals.sender`,
      { transaction },
    );
  });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.removeColumn('users', 'sent_bytes');
}
