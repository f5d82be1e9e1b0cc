// Token checking for every route. A token that is sent is always checked, on open routes too: a bad one
// is 401. A good one names the caller (res.locals.username) and earns a fresh token in X-Auth-Token.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ApiError } from '../http/errors.js';
import { LAST_SEEN_INTERVAL_MS, type SessionLookup } from './sessions.js';
import type { TokenSigner } from './tokens.js';

export const AUTH_TOKEN_HEADER = 'X-Auth-Token';

export interface Authenticator {
  /** Runs on every request: checks a token when one is sent. */
  optional: RequestHandler;
  /** Refuses a request without a valid token. */
  required: RequestHandler;
}

/** The authenticated caller of this request, if any. */
export function caller(res: Response): string | undefined {
  return res.locals.username as string | undefined;
}

export function requireCaller(res: Response): string {
  const username = caller(res);
  if (!username) throw new ApiError('unauthorized', 'this request needs a token: Authorization: Bearer <token>');
  return username;
}

/** The session the caller's token belongs to (set with the caller). */
export function callerSession(res: Response): { id: string; generation: number } {
  requireCaller(res);
  return res.locals.session as { id: string; generation: number };
}

export function createAuthenticator(signer: TokenSigner, sessions: SessionLookup, clock: () => number = Date.now): Authenticator {
  const optional = async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const header = req.headers.authorization;
    if (header === undefined) {
      next();
      return;
    }
    const match = /^Bearer ([\x21-\x7e]{1,512})$/.exec(header);
    if (!match) throw new ApiError('unauthorized', 'the Authorization header must be "Bearer <token>"');
    const now = clock();
    const claims = signer.verify(match[1]!, now);
    if (!claims) throw new ApiError('unauthorized', 'the token is invalid or expired; log in again');
    const session = await sessions.find(claims.sessionId);
    if (!session || session.username !== claims.username || session.generation !== claims.generation) {
      throw new ApiError('unauthorized', 'the token was revoked (its session ended, or the password changed); log in again');
    }
    if (now - session.lastSeenAt >= LAST_SEEN_INTERVAL_MS) await sessions.touch(session.id, now);
    res.locals.username = session.username;
    res.locals.session = { id: session.id, generation: session.generation };
    res.setHeader(AUTH_TOKEN_HEADER, signer.issue(session.username, session.id, session.generation, now));
    next();
  };

  const required = (_req: Request, res: Response, next: NextFunction): void => {
    requireCaller(res);
    next();
  };

  return { optional, required };
}
