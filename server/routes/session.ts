// POST /login, POST /logout, GET /sessions, DELETE /sessions/:id (PROTOCOL.md "Accounts (v2)", Sessions).
import { Router, type Response } from 'express';
import { z } from 'zod';
import { loginV2RequestSchema, logoutRequestSchema, sessionIdSchema } from '../../core/protocol/schemas-accounts.js';
import { accountDisabled } from '../accounts/disabled.js';
import { AUTH_TOKEN_HEADER, callerSession, requireCaller } from '../auth/authenticate.js';
import { DEVICE_CREDENTIAL_HEADER } from '../auth/device-credentials.js';
import { checkPassword } from '../auth/passwords.js';
import { endAllSessions, endSession, listSessions, startSession } from '../auth/sessions.js';
import { ApiError, parseOr400 } from '../http/errors.js';
import { noQuery } from '../http/no-query.js';
import type { RouteContext } from './context.js';

const pathSchema = z.strictObject({ id: sessionIdSchema });

/** An answer that ends the caller's session must not hand out a new token. */
function ended(res: Response): void {
  res.removeHeader(AUTH_TOKEN_HEADER);
  res.status(204).end();
}

export function sessionRouter({ db, signer, auth, limits }: RouteContext): Router {
  const { User } = db.models;
  const router = Router();

  router.post('/login', noQuery, limits.login, async (req, res) => {
    const body = parseOr400(loginV2RequestSchema, req.body, 'request body');
    const found = await User.findByPk(body.username);
    const user = found && found.deletedAt === null ? found : undefined;
    // Unknown user, deleted account and wrong password take the same path and give the same answer.
    if (!checkPassword(user, Buffer.from(body.authHash, 'base64')) || !user) {
      throw new ApiError('unauthorized', 'wrong username or password');
    }
    if (user.disabledAt !== null) throw accountDisabled();
    const session = await startSession(db, user.username, body.device);
    res.setHeader(DEVICE_CREDENTIAL_HEADER, limits.deviceCredentials.issue(user.username));
    res.json({ username: user.username, token: signer.issue(user.username, session.id, session.generation) });
  });

  router.post('/logout', auth.required, noQuery, async (req, res) => {
    const body = req.body === undefined ? {} : parseOr400(logoutRequestSchema, req.body, 'request body');
    const username = requireCaller(res);
    if (body.everywhere === true) await endAllSessions(db, username);
    else await endSession(db, username, callerSession(res).id);
    ended(res);
  });

  router.get('/sessions', auth.required, noQuery, async (_req, res) => {
    const username = requireCaller(res);
    res.json({ sessions: await listSessions(db, username, callerSession(res).id) });
  });

  router.delete('/sessions/:id', auth.required, noQuery, async (req, res) => {
    const username = requireCaller(res);
    const { id } = parseOr400(pathSchema, req.params, 'path');
    if (req.body !== undefined) parseOr400(z.strictObject({}), req.body, 'request body');
    // Another user's session is answered like one that does not exist.
    if (!(await endSession(db, username, id))) throw new ApiError('not_found', `you have no session ${id}`);
    if (id === callerSession(res).id) ended(res);
    else res.status(204).end();
  });

  return router;
}
