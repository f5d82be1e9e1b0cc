// GET /health: 200 while the database answers (with the protocol version, 2, the REGISTRATION mode and the
// retention the operator last applied with `encrypted-chat-admin purge`, or null), 503 otherwise.
import { Router } from 'express';
import { PROTOCOL_V2 } from '../../core/protocol/schemas-v2.js';
import { MS_PER_DAY, readRetention, type Retention } from '../db/server-settings.js';
import { sendError } from '../http/errors.js';
import { noQuery } from '../http/no-query.js';
import type { RouteContext } from './context.js';

export function healthRouter({ config, db }: RouteContext, version: string): Router {
  const router = Router();
  router.get('/health', noQuery, async (_req, res) => {
    let retention: Retention | null;
    try {
      await db.ping();
      retention = await readRetention(db);
    } catch {
      sendError(res, 'unavailable', 'the database is not answering');
      return;
    }
    res.json({
      status: 'ok',
      version,
      protocol: PROTOCOL_V2,
      registration: config.registration,
      retention: retention === null ? null : { days: retention.olderThanMs / MS_PER_DAY, purgedAt: retention.purgedAt },
    });
  });
  return router;
}
