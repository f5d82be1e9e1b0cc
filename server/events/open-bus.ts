// Picks the event bus for a database: PostgreSQL gets LISTEN/NOTIFY so that every instance over the same
// database sees every message; SQLite (one file, one machine, one instance) stays in process.
import { QueryTypes } from 'sequelize';
import type { Logger } from 'pino';
import type { AnyMessageHeader as MessageHeader } from '../../core/protocol/schemas-v2.js';
import { parseDatabaseUrl } from '../db/database-url.js';
import type { Database } from '../db/database.js';
import { latestSeq } from '../messages/query.js';
import { HEADER_COLUMNS, toHeader, type MessageSqlRow } from '../messages/record.js';
import { InProcessBus, type EventBus } from './bus.js';
import { PostgresBus, type MissedMessages } from './postgres-bus.js';

/** Every message after a seq, whoever it belongs to: what a bus announces after being deaf for a while. */
function missedMessages(db: Database): MissedMessages {
  return {
    latestSeq: () => latestSeq(db),
    async headersAfter(seq: number, limit: number): Promise<MessageHeader[]> {
      const rows = await db.sequelize.query<MessageSqlRow>(
        `SELECT ${HEADER_COLUMNS} FROM messages m WHERE m.seq > :seq ORDER BY m.seq ASC LIMIT :limit`,
        { replacements: { seq, limit }, type: QueryTypes.SELECT },
      );
      return rows.map(toHeader);
    },
  };
}

export async function openEventBus(db: Database, databaseUrl: string, logger?: Logger): Promise<EventBus> {
  const target = parseDatabaseUrl(databaseUrl);
  if (target.dialect !== 'postgres') return new InProcessBus();
  return PostgresBus.open({ url: target.url, missed: missedMessages(db), logger });
}
