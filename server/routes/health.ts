// GET /health: 200 while the database answers (with the protocol version, 2, and the REGISTRATION mode), 503
// otherwise.
import { Router } from 'express';
import { PROTOCOL_V2 } from '../../core/protocol/schemas-v2.js';
import { sendError } from '../http/errors.js';
import { noQuery } from '../http/no-query.js';
import type { RouteContext } from './context.js';

export function healthRouter({ config, db }: RouteContext, version: string): Router {
  const router = Router();
  router.get('/health', noQuery, async (_req, res) => {
    try {
      await db.ping();
    } catch {
      sendError(res, 'unavailable', 'the database is not answering');
      return;
    }
    res.json({ status: 'ok', version, protocol: PROTOCOL_V2, registration: config.registration });
  });
  return router;
}
