// POST /groups, GET /groups, GET /groups/:id, POST /groups/:id/members (PROTOCOL.md "Groups"). The server
// keeps who is in a group and who owns it; names and the membership members trust travel in announcements.
import { Router } from 'express';
import { z } from 'zod';
import { changeMembersRequestSchema, createGroupRequestSchema, groupIdSchema } from '../../core/protocol/schemas-v2.js';
import { requireCaller } from '../auth/authenticate.js';
import { changeMembers, createGroup, findGroup, listGroups } from '../groups/store.js';
import { ApiError, parseOr400 } from '../http/errors.js';
import { noQuery } from '../http/no-query.js';
import type { RouteContext } from './context.js';

const pathSchema = z.strictObject({ id: groupIdSchema });

export function groupsRouter({ config, db, auth }: RouteContext): Router {
  const router = Router();

  router.post('/groups', auth.required, noQuery, async (req, res) => {
    const creator = requireCaller(res);
    const request = parseOr400(createGroupRequestSchema, req.body, 'request body');
    res.status(201).json(await createGroup(db, creator, request, config.maxGroupMembers));
  });

  router.get('/groups', auth.required, noQuery, async (_req, res) => {
    res.json({ groups: await listGroups(db, requireCaller(res)) });
  });

  router.get('/groups/:id', auth.required, noQuery, async (req, res) => {
    const username = requireCaller(res);
    const { id } = parseOr400(pathSchema, req.params, 'path');
    const group = await findGroup(db, username, id);
    if (!group) throw new ApiError('not_found', `there is no group ${id} of yours`);
    res.json(group);
  });

  router.post('/groups/:id/members', auth.required, noQuery, async (req, res) => {
    const caller = requireCaller(res);
    const { id } = parseOr400(pathSchema, req.params, 'path');
    const request = parseOr400(changeMembersRequestSchema, req.body, 'request body');
    res.json(await changeMembers(db, caller, id, request, config.maxGroupMembers));
  });

  return router;
}
