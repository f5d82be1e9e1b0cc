// Server-wide values the operator sets with encrypted-chat-admin and every instance reads from the database
// (table server_settings, migration 006), so no instance needs a restart or its own copy. Values are JSON
// text; a value that does not parse as expected reads as unset rather than failing the caller.
import { QueryTypes } from 'sequelize';
import { z } from 'zod';
import type { Database } from './database.js';

export const RETENTION_SETTING = 'retention';

/** What `encrypted-chat-admin purge` last applied: records older than `olderThanMs` were deleted at `purgedAt`. */
export interface Retention {
  olderThanMs: number;
  purgedAt: number;
}

const retentionSchema = z.strictObject({ olderThanMs: z.number().int().positive(), purgedAt: z.number().int().nonnegative() });

export const MS_PER_DAY = 86_400_000;

/** The stored retention, or null when `purge` never ran (GET /health reports it). */
export async function readRetention(db: Database): Promise<Retention | null> {
  const rows = await db.sequelize.query<{ value: string }>('SELECT value FROM server_settings WHERE name = :name', {
    replacements: { name: RETENTION_SETTING },
    type: QueryTypes.SELECT,
  });
  const row = rows[0];
  if (!row) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(row.value);
  } catch {
    return null;
  }
  const result = retentionSchema.safeParse(parsed);
  return result.success ? result.data : null;
}

export async function recordRetention(db: Database, retention: Retention): Promise<void> {
  await db.models.ServerSetting.upsert({ name: RETENTION_SETTING, value: JSON.stringify(retention), updatedAt: Date.now() });
}
