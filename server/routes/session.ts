// POST /login and POST /logout.
import { Router } from 'express';
import { z } from 'zod';
import { loginRequestSchema } from '../../core/protocol/schemas.js';
import { requireCaller } from '../auth/authenticate.js';
import { DEVICE_CREDENTIAL_HEADER } from '../auth/device-credentials.js';
import { checkPassword } from '../auth/passwords.js';
import { ApiError, parseOr400 } from '../http/errors.js';
import { noQuery } from '../http/no-query.js';
import type { RouteContext } from './context.js';

const logoutBodySchema = z.strictObject({});

export function sessionRouter({ db, signer, auth, limits }: RouteContext): Router {
  const { User } = db.models;
  const router = Router();

  router.post('/login', noQuery, limits.login, async (req, res) => {
    const body = parseOr400(loginRequestSchema, req.body, 'request body');
    const user = await User.findByPk(body.username);
    // Unknown user and wrong password take the same path and give the same answer.
    if (!checkPassword(user ?? undefined, Buffer.from(body.authHash, 'base64')) || !user) {
      throw new ApiError('unauthorized', 'wrong username or password');
    }
    res.setHeader(DEVICE_CREDENTIAL_HEADER, limits.deviceCredentials.issue(user.username));
    res.json({ username: user.username, token: signer.issue(user.username, user.tokenGeneration) });
  });

  router.post('/logout', auth.required, noQuery, async (req, res) => {
    if (req.body !== undefined) parseOr400(logoutBodySchema, req.body, 'request body');
    const username = requireCaller(res);
    await User.increment('tokenGeneration', { where: { username } });
    // Logout revokes; it must not hand out a new token.
    res.removeHeader('X-Auth-Token');
    res.status(204).end();
  });

  return router;
}
