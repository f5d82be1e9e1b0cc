// GET and PUT /account/state: the sealed account state, an addition of this implementation outside
// PROTOCOL.md's required parts (docs/protocol.md, "Read state across devices"). The server keeps one opaque
// blob per account and never opens it; every write names the version it replaces, so two devices writing
// at once cannot lose each other's changes: the second gets 409, fetches, merges and writes again.
import { Router } from 'express';
import { QueryTypes } from 'sequelize';
import {
  ACCOUNT_STATE_MAX_BYTES,
  accountStatePutRequestSchema,
  accountStateTooLarge,
} from '../../core/protocol/schemas-account-state.js';
import { requireCaller } from '../auth/authenticate.js';
import { ApiError, parseOr400 } from '../http/errors.js';
import { noQuery } from '../http/no-query.js';
import type { RouteContext } from './context.js';

interface StoredRow {
  state: Buffer | Uint8Array;
  version: number | string;
}

export function accountStateRouter({ db, auth }: RouteContext): Router {
  const router = Router();
  // PostgreSQL: the account row is held (FOR SHARE) while the state is written, so a deletion cannot commit
  // in between and leave a state behind its account. SQLite's writes run one at a time anyway.
  const holdAccount = db.dialect === 'postgres' ? ' FOR SHARE' : '';

  router.get('/account/state', auth.required, noQuery, async (_req, res) => {
    const username = requireCaller(res);
    const [row] = await db.sequelize.query<StoredRow>('SELECT state, version FROM account_state WHERE username = ?', {
      replacements: [username],
      type: QueryTypes.SELECT,
    });
    if (!row) throw new ApiError('not_found', 'this account has no state stored yet');
    res.json({ state: Buffer.from(row.state).toString('base64'), version: Number(row.version) });
  });

  router.put('/account/state', auth.required, noQuery, async (req, res) => {
    const username = requireCaller(res);
    const { state, version } = parseOr400(accountStatePutRequestSchema, req.body, 'request body');
    if (accountStateTooLarge(state)) throw new ApiError('too_large', `request body: state: must decode to at most ${ACCOUNT_STATE_MAX_BYTES} bytes`);
    const bytes = Buffer.from(state, 'base64');
    const stored = await db.writes.run(async (tx) => {
      const [account] = await tx.select<{ deleted_at: unknown }>(`SELECT deleted_at FROM users WHERE username = ?${holdAccount}`, [username]);
      if (!account || account.deleted_at !== null) throw new ApiError('unauthorized', 'this account was deleted');
      const now = Date.now();
      const [row] =
        version === 0
          ? await tx.select<{ version: number | string }>(
              'INSERT INTO account_state (username, state, version, updated_at) VALUES (?, ?, 1, ?) ON CONFLICT (username) DO NOTHING RETURNING version',
              [username, bytes, now],
            )
          : await tx.select<{ version: number | string }>(
              'UPDATE account_state SET state = ?, version = version + 1, updated_at = ? WHERE username = ? AND version = ? RETURNING version',
              [bytes, now, username, version],
            );
      return row;
    });
    if (!stored) {
      throw new ApiError('conflict', `the stored state is not at version ${version}; get it, merge, and put again naming its version`);
    }
    res.json({ version: Number(stored.version) });
  });

  return router;
}
