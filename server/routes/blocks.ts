// PUT /blocks/:username, DELETE /blocks/:username, GET /blocks (PROTOCOL.md v2, "Blocking"). A block is
// enforced where messages are stored (messages/append.ts); no event ever tells the blocked user.
import { Router } from 'express';
import { z } from 'zod';
import { usernameSchema } from '../../core/protocol/schemas.js';
import { requireCaller } from '../auth/authenticate.js';
import { ApiError, parseOr400 } from '../http/errors.js';
import { noQuery } from '../http/no-query.js';
import type { RouteContext } from './context.js';

const pathSchema = z.strictObject({ username: usernameSchema });
const emptyBodySchema = z.strictObject({});

export function blocksRouter({ db, auth }: RouteContext): Router {
  const { User, Block } = db.models;
  const router = Router();

  router.put('/blocks/:username', auth.required, noQuery, async (req, res) => {
    const blocker = requireCaller(res);
    const { username } = parseOr400(pathSchema, req.params, 'path');
    if (req.body !== undefined) parseOr400(emptyBodySchema, req.body, 'request body');
    if (username === blocker) throw new ApiError('invalid_request', 'path: username: you cannot block yourself');
    if (!(await User.findByPk(username, { attributes: ['username'] }))) throw new ApiError('not_found', `there is no user ${username}`);
    // Blocking someone already blocked is a success that changes nothing.
    await db.sequelize.query('INSERT INTO blocks (blocker, blocked, created_at) VALUES (?, ?, ?) ON CONFLICT (blocker, blocked) DO NOTHING', {
      replacements: [blocker, username, Date.now()],
    });
    res.status(204).end();
  });

  router.delete('/blocks/:username', auth.required, noQuery, async (req, res) => {
    const blocker = requireCaller(res);
    const { username } = parseOr400(pathSchema, req.params, 'path');
    if (req.body !== undefined) parseOr400(emptyBodySchema, req.body, 'request body');
    await Block.destroy({ where: { blocker, blocked: username } });
    res.status(204).end();
  });

  router.get('/blocks', auth.required, noQuery, async (_req, res) => {
    const blocker = requireCaller(res);
    const rows = await Block.findAll({ attributes: ['blocked'], where: { blocker }, order: [['blocked', 'ASC']] });
    res.json({ blocked: rows.map((row) => row.blocked) });
  });

  return router;
}
