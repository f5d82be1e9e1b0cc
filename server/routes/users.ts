// POST /users, GET /users, GET /users/:username, POST /users/:username/password.
import { Router, type Request, type Response } from 'express';
import { Op, Transaction, UniqueConstraintError, type WhereOptions } from 'sequelize';
import { z } from 'zod';
import { DEFAULT_PAGE_LIMIT } from '../../core/protocol/constants.js';
import {
  passwordChangeRequestSchema,
  registerRequestSchema,
  usernameSchema,
  usersQuerySchema,
  type UserProfile,
} from '../../core/protocol/schemas.js';
import { caller, requireCaller } from '../auth/authenticate.js';
import { DEVICE_CREDENTIAL_HEADER } from '../auth/device-credentials.js';
import { checkPassword, storePassword } from '../auth/passwords.js';
import { fingerprint, publicKeyProblem } from '../auth/public-key.js';
import { ApiError, parseOr400 } from '../http/errors.js';
import { noQuery } from '../http/no-query.js';
import type { RouteContext } from './context.js';

const pathSchema = z.strictObject({ username: usernameSchema });

type Handler = (req: Request, res: Response) => Promise<void>;

export function usersRouter(context: RouteContext): Router {
  const { auth, limits } = context;
  const router = Router();
  router.post('/users', noQuery, limits.registrationPerAddress, register(context));
  router.get('/users', listUsers(context));
  router.get('/users/:username', noQuery, showProfile(context));
  router.post('/users/:username/password', auth.required, noQuery, limits.passwordChange, changePassword(context));
  return router;
}

function register({ config, db, signer, limits }: RouteContext): Handler {
  return async (req, res) => {
    if (!config.openRegistration) throw new ApiError('forbidden', 'registration is closed on this server');
    const body = parseOr400(registerRequestSchema, req.body, 'request body');
    const publicKey = Buffer.from(body.publicKey, 'base64');
    const problem = publicKeyProblem(publicKey);
    if (problem) throw new ApiError('invalid_request', `request body: publicKey: ${problem}`);
    const { serverSalt, passwordHash } = storePassword(Buffer.from(body.authHash, 'base64'));
    try {
      await db.models.User.create({
        username: body.username,
        publicKey: body.publicKey,
        encryptedPrivateKey: body.encryptedPrivateKey,
        kdfSalt: body.kdfSalt,
        kdfIterations: body.kdfIterations,
        serverSalt,
        passwordHash,
        tokenGeneration: 0,
        sentBytes: 0,
        createdAt: Date.now(),
      });
    } catch (error) {
      if (error instanceof UniqueConstraintError) throw new ApiError('conflict', `the username ${body.username} is taken`);
      throw error;
    }
    res.setHeader(DEVICE_CREDENTIAL_HEADER, limits.deviceCredentials.issue(body.username));
    res.status(201).json({ username: body.username, token: signer.issue(body.username, 0) });
  };
}

function listUsers({ db }: RouteContext): Handler {
  return async (req, res) => {
    const query = parseOr400(usersQuerySchema, req.query, 'query');
    const conditions: WhereOptions[] = [];
    // Usernames only hold [a-z0-9_], all below "{", so a prefix is the range [q, q + "{").
    if (query.q) conditions.push({ username: { [Op.gte]: query.q, [Op.lt]: `${query.q}{` } });
    if (query.after) conditions.push({ username: { [Op.gt]: query.after } });
    const users = await db.models.User.findAll({
      attributes: ['username', 'createdAt'],
      where: { [Op.and]: conditions },
      order: [['username', 'ASC']],
      limit: query.limit ?? DEFAULT_PAGE_LIMIT,
    });
    res.json({ users: users.map((u) => ({ username: u.username, createdAt: new Date(u.createdAt).toISOString() })) });
  };
}

function showProfile({ db }: RouteContext): Handler {
  return async (req, res) => {
    const { username } = parseOr400(pathSchema, req.params, 'path');
    const user = await db.models.User.findByPk(username);
    if (!user) throw new ApiError('not_found', `there is no user ${username}`);
    const profile: UserProfile = {
      username: user.username,
      publicKey: user.publicKey,
      fingerprint: fingerprint(Buffer.from(user.publicKey, 'base64')),
      createdAt: new Date(user.createdAt).toISOString(),
    };
    // Only the owner gets the sealed private key and how to unseal it.
    if (caller(res) === username) {
      profile.encryptedPrivateKey = user.encryptedPrivateKey;
      profile.kdfSalt = user.kdfSalt;
      profile.kdfIterations = user.kdfIterations;
    }
    res.json(profile);
  };
}

function changePassword({ db, signer }: RouteContext): Handler {
  return async (req, res) => {
    const { username } = parseOr400(pathSchema, req.params, 'path');
    if (requireCaller(res) !== username) throw new ApiError('forbidden', "you cannot change another user's password");
    const body = parseOr400(passwordChangeRequestSchema, req.body, 'request body');
    const next = storePassword(Buffer.from(body.newAuthHash, 'base64'));
    const generation = await db.sequelize.transaction({ type: Transaction.TYPES.IMMEDIATE }, async (transaction) => {
      const user = await db.models.User.findByPk(username, { transaction, lock: true });
      if (!user || !checkPassword(user, Buffer.from(body.authHash, 'base64'))) {
        throw new ApiError('unauthorized', 'the current password is wrong');
      }
      user.set({
        serverSalt: next.serverSalt,
        passwordHash: next.passwordHash,
        encryptedPrivateKey: body.encryptedPrivateKey,
        kdfSalt: body.kdfSalt,
        kdfIterations: body.kdfIterations,
        tokenGeneration: user.tokenGeneration + 1,
      });
      await user.save({ transaction });
      return user.tokenGeneration;
    });
    const token = signer.issue(username, generation);
    res.setHeader('X-Auth-Token', token);
    res.json({ username, token });
  };
}
