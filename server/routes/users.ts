// POST /users, GET /users, GET /users/:username, POST /users/:username/password, and v2's accounts
// (PROTOCOL.md "Accounts (v2)"): PUT and DELETE /users/:username/recovery, POST /users/:username/recover,
// DELETE /users/:username.
import { Router, type Request, type Response } from 'express';
import { Op, Transaction, UniqueConstraintError, type WhereOptions } from 'sequelize';
import { z } from 'zod';
import { DEFAULT_PAGE_LIMIT } from '../../core/protocol/constants.js';
import { usernameSchema, usersQuerySchema } from '../../core/protocol/schemas.js';
import {
  deleteAccountRequestSchema,
  deleteRecoveryRequestSchema,
  passwordChangeV2RequestSchema,
  recoverRequestSchema,
  registerV2RequestSchema,
  setRecoveryRequestSchema,
  type UserProfileV2,
} from '../../core/protocol/schemas-accounts.js';
import { deleteAccount } from '../accounts/delete-account.js';
import { accountDisabled } from '../accounts/disabled.js';
import { AUTH_TOKEN_HEADER, caller, callerSession, requireCaller } from '../auth/authenticate.js';
import { DEVICE_CREDENTIAL_HEADER } from '../auth/device-credentials.js';
import { useInvite } from '../auth/invites.js';
import { checkPassword, storePassword, type StoredPassword } from '../auth/passwords.js';
import { fingerprint, publicKeyProblem } from '../auth/public-key.js';
import { endOtherSessions, startSession } from '../auth/sessions.js';
import type { Database } from '../db/database.js';
import type { RecoveryCodeRow, UserRow } from '../db/models.js';
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
  router.delete('/users/:username', auth.required, noQuery, limits.passwordChange, removeAccount(context));
  router.post('/users/:username/password', auth.required, noQuery, limits.passwordChange, changePassword(context));
  router.put('/users/:username/recovery', auth.required, noQuery, limits.passwordChange, setRecovery(context));
  router.delete('/users/:username/recovery', auth.required, noQuery, limits.passwordChange, removeRecovery(context));
  router.post('/users/:username/recover', noQuery, limits.recover, recover(context));
  return router;
}

const gone = (username: string) => new ApiError('gone', `the account ${username} was deleted`);

/** The path's username, which must be the caller's own. */
function ownAccount(req: Request, res: Response, what: string): string {
  const { username } = parseOr400(pathSchema, req.params, 'path');
  if (requireCaller(res) !== username) throw new ApiError('forbidden', `you cannot ${what} another user's account`);
  return username;
}

const recoveryStored = (code: RecoveryCodeRow | null): StoredPassword | undefined =>
  code ? { serverSalt: code.serverSalt, passwordHash: code.codeHash } : undefined;

/** The caller's live account row, locked, with the current password checked; 401 otherwise. */
async function checkedUser(db: Database, username: string, authHash: string, transaction: Transaction): Promise<UserRow> {
  const user = await db.models.User.findByPk(username, { transaction, lock: true });
  const live = user && user.deletedAt === null ? user : undefined;
  if (!checkPassword(live, Buffer.from(authHash, 'base64')) || !live) throw new ApiError('unauthorized', 'the current password is wrong');
  return live;
}

const immediate = { type: Transaction.TYPES.IMMEDIATE };

function register({ config, db, signer, limits, keyLog }: RouteContext): Handler {
  return async (req, res) => {
    if (config.registration === 'closed') throw new ApiError('forbidden', 'registration is closed on this server');
    const body = parseOr400(registerV2RequestSchema, req.body, 'request body');
    if (config.registration === 'invite' && body.invite === undefined) {
      throw new ApiError('forbidden', 'this server registers new accounts by invitation only: ask its operator for an invite code and send it as "invite"');
    }
    const publicKey = Buffer.from(body.publicKey, 'base64');
    const problem = publicKeyProblem(publicKey);
    if (problem) throw new ApiError('invalid_request', `request body: publicKey: ${problem}`);
    const { serverSalt, passwordHash } = storePassword(Buffer.from(body.authHash, 'base64'));
    // One registration at a time in this process (see KeyLog.registrationTurn); instances take turns in the database.
    const endTurn = await keyLog.registrationTurn();
    const session = await db.sequelize
      .transaction(immediate, async (transaction) => {
        if (config.registration === 'invite' && !(await useInvite(db, body.invite!, body.username, transaction))) {
          throw new ApiError('forbidden', 'this invite code cannot be used: it is unknown, was used already, or has expired; ask the operator for a new one');
        }
        const createdAt = Date.now();
        await db.models.User.create(
          {
            username: body.username,
            publicKey: body.publicKey,
            encryptedPrivateKey: body.encryptedPrivateKey,
            kdfSalt: body.kdfSalt,
            kdfIterations: body.kdfIterations,
            serverSalt,
            passwordHash,
            tokenGeneration: 0,
            sentBytes: 0,
            createdAt,
            deletedAt: null,
          },
          { transaction },
        );
        // PROTOCOL.md "Key transparency": the key's entry commits with the account, or neither does.
        await keyLog.appendRegistration(transaction, { username: body.username, publicKey: body.publicKey, at: createdAt });
        return startSession(db, body.username, body.device, transaction);
      })
      .catch((error: unknown) => {
        // A deleted account's row stays, so its name is taken for good too.
        if (error instanceof UniqueConstraintError) throw new ApiError('conflict', `the username ${body.username} is taken`);
        throw error;
      })
      .finally(endTurn);
    keyLog.appended();
    res.setHeader(DEVICE_CREDENTIAL_HEADER, limits.deviceCredentials.issue(body.username));
    res.status(201).json({ username: body.username, token: signer.issue(body.username, session.id, session.generation) });
  };
}

function listUsers({ config, db }: RouteContext): Handler {
  return async (req, res) => {
    if (config.userDirectory === 'signed-in' && caller(res) === undefined) {
      throw new ApiError('unauthorized', 'this server lists its users to signed-in users only: send Authorization: Bearer <token>');
    }
    const query = parseOr400(usersQuerySchema, req.query, 'query');
    const conditions: WhereOptions[] = [{ deletedAt: null }];
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

function showProfile({ db, keyLog }: RouteContext): Handler {
  return async (req, res) => {
    const { username } = parseOr400(pathSchema, req.params, 'path');
    const [user, keyIndex] = await Promise.all([db.models.User.findByPk(username), keyLog.keyIndexOf(username)]);
    if (!user) throw new ApiError('not_found', `there is no user ${username}`);
    if (user.deletedAt !== null) throw gone(username);
    const profile: UserProfileV2 = {
      username: user.username,
      publicKey: user.publicKey,
      fingerprint: fingerprint(Buffer.from(user.publicKey, 'base64')),
      createdAt: new Date(user.createdAt).toISOString(),
    };
    // PROTOCOL.md "Key transparency": the log's entry holding this key.
    if (keyIndex !== undefined) profile.keyIndex = keyIndex;
    // Only the owner gets the sealed private key, how to unseal it, and whether a recovery code is set.
    if (caller(res) === username) {
      profile.encryptedPrivateKey = user.encryptedPrivateKey;
      profile.kdfSalt = user.kdfSalt;
      profile.kdfIterations = user.kdfIterations;
      const code = await db.models.RecoveryCode.findByPk(username, { attributes: ['setAt', 'device'] });
      profile.recovery = code ? { setAt: new Date(code.setAt).toISOString(), device: code.device } : null;
    }
    res.json(profile);
  };
}

function changePassword({ db, signer }: RouteContext): Handler {
  return async (req, res) => {
    const username = ownAccount(req, res, 'change the password of');
    const session = callerSession(res);
    const body = parseOr400(passwordChangeV2RequestSchema, req.body, 'request body');
    const next = storePassword(Buffer.from(body.newAuthHash, 'base64'));
    const generation = await db.sequelize.transaction(immediate, async (transaction) => {
      let user: UserRow;
      if (body.authHash !== undefined) {
        user = await checkedUser(db, username, body.authHash, transaction);
      } else {
        const found = await db.models.User.findByPk(username, { transaction, lock: true });
        const code = await db.models.RecoveryCode.findByPk(username, { transaction, lock: true });
        if (!checkPassword(recoveryStored(code), Buffer.from(body.recoveryAuthHash!, 'base64')) || !found || found.deletedAt !== null) {
          throw new ApiError('unauthorized', 'the recovery code is wrong or was used up');
        }
        user = found;
        // The code is used up by this change, in this transaction.
        await db.models.RecoveryCode.destroy({ where: { username }, transaction });
      }
      user.set({
        serverSalt: next.serverSalt,
        passwordHash: next.passwordHash,
        encryptedPrivateKey: body.encryptedPrivateKey,
        kdfSalt: body.kdfSalt,
        kdfIterations: body.kdfIterations,
      });
      await user.save({ transaction });
      return endOtherSessions(db, username, session.id, transaction);
    });
    if (generation === undefined) throw new ApiError('unauthorized', 'the token was revoked (its session ended); log in again');
    const token = signer.issue(username, session.id, generation);
    res.setHeader(AUTH_TOKEN_HEADER, token);
    res.json({ username, token });
  };
}

function setRecovery({ db, signer }: RouteContext): Handler {
  return async (req, res) => {
    const username = ownAccount(req, res, 'set a recovery code for');
    const session = callerSession(res);
    const body = parseOr400(setRecoveryRequestSchema, req.body, 'request body');
    const stored = storePassword(Buffer.from(body.recoveryAuthHash, 'base64'));
    const generation = await db.sequelize.transaction(immediate, async (transaction) => {
      await checkedUser(db, username, body.authHash, transaction);
      const current = await db.models.Session.findByPk(session.id, { attributes: ['device'], transaction });
      await db.models.RecoveryCode.destroy({ where: { username }, transaction });
      await db.models.RecoveryCode.create(
        {
          username,
          serverSalt: stored.serverSalt,
          codeHash: stored.passwordHash,
          recoveryPrivateKey: body.recoveryPrivateKey,
          recoveryKdfSalt: body.recoveryKdfSalt,
          setAt: Date.now(),
          device: current?.device ?? null,
        },
        { transaction },
      );
      return endOtherSessions(db, username, session.id, transaction);
    });
    if (generation === undefined) throw new ApiError('unauthorized', 'the token was revoked (its session ended); log in again');
    res.setHeader(AUTH_TOKEN_HEADER, signer.issue(username, session.id, generation));
    res.status(204).end();
  };
}

function removeRecovery({ db }: RouteContext): Handler {
  return async (req, res) => {
    const username = ownAccount(req, res, 'remove the recovery code of');
    const body = parseOr400(deleteRecoveryRequestSchema, req.body, 'request body');
    await db.sequelize.transaction(immediate, async (transaction) => {
      await checkedUser(db, username, body.authHash, transaction);
      await db.models.RecoveryCode.destroy({ where: { username }, transaction });
    });
    res.status(204).end();
  };
}

function recover({ db, signer, limits }: RouteContext): Handler {
  return async (req, res) => {
    const { username } = parseOr400(pathSchema, req.params, 'path');
    const body = parseOr400(recoverRequestSchema, req.body, 'request body');
    const code = await db.models.RecoveryCode.findByPk(username);
    // Unknown user, no code and a wrong code take the same path (a dummy hash stands in) and the same answer.
    const ok = checkPassword(recoveryStored(code), Buffer.from(body.recoveryAuthHash, 'base64'));
    const user = ok ? await db.models.User.findByPk(username, { attributes: ['username', 'deletedAt', 'disabledAt'] }) : null;
    if (!ok || !code || !user || user.deletedAt !== null) throw new ApiError('unauthorized', 'wrong username or recovery code');
    if (user.disabledAt !== null) throw accountDisabled();
    const session = await startSession(db, username, undefined);
    res.setHeader(DEVICE_CREDENTIAL_HEADER, limits.deviceCredentials.issue(username));
    res.json({
      username,
      token: signer.issue(username, session.id, session.generation),
      recoveryPrivateKey: code.recoveryPrivateKey,
      recoveryKdfSalt: code.recoveryKdfSalt,
    });
  };
}

function removeAccount({ db, keyLog }: RouteContext): Handler {
  return async (req, res) => {
    const username = ownAccount(req, res, 'delete');
    const body = parseOr400(deleteAccountRequestSchema, req.body, 'request body');
    await deleteAccount(db, username, Buffer.from(body.authHash, 'base64'));
    // The deletion appended its key-log entry; a head covering it follows shortly.
    keyLog.appended();
    res.removeHeader(AUTH_TOKEN_HEADER);
    res.status(204).end();
  };
}
