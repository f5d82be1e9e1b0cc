// The one lookup every authenticated request makes; a plain query, because it is on every request's path.
import { QueryTypes } from 'sequelize';
import type { Database } from '../db/database.js';
import type { TokenHolder } from './authenticate.js';

export async function findTokenHolder(db: Database, username: string): Promise<TokenHolder | undefined> {
  const rows = await db.sequelize.query<{ username: string; token_generation: number | string }>(
    'SELECT username, token_generation FROM users WHERE username = :username',
    { replacements: { username }, type: QueryTypes.SELECT },
  );
  const row = rows[0];
  return row ? { username: row.username, tokenGeneration: Number(row.token_generation) } : undefined;
}
