// Brute-force brakes on login and registration (express-rate-limit, in-memory: each instance counts for
// itself). Only failed logins count; a success takes its own hit back. Behind a proxy the client address
// comes from Express's `trust proxy` (TRUST_PROXY).
import type { Request, RequestHandler, Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { ServerConfig } from '../config.js';
import { sendError } from './errors.js';

export interface RateLimits {
  /** Failed logins (and failed current-password checks) per client address. */
  loginPerAddress: RequestHandler;
  /** Failed logins per username: the body's `username` or the `:username` route parameter. */
  loginPerUser: RequestHandler;
  registrationPerAddress: RequestHandler;
  /** Messages per user per minute; a pass-through when SENDS_PER_MINUTE is 0. */
  sendPerUser: RequestHandler;
}

function tooMany(what: string) {
  return (_req: Request, res: Response): void => {
    const retryAfter = res.getHeader('Retry-After');
    const wait = retryAfter === undefined ? '' : ` Try again in ${retryAfter} seconds.`;
    sendError(res, 'rate_limited', `too many ${what}.${wait}`);
  };
}

function usernameOf(req: Request): string {
  const fromBody = (req.body as { username?: unknown } | undefined)?.username;
  const name = typeof req.params.username === 'string' ? req.params.username : fromBody;
  return typeof name === 'string' ? name.slice(0, 64) : '';
}

export function createRateLimits(config: ServerConfig): RateLimits {
  // A client may send X-Forwarded-For to a server that trusts no proxy; that is the client's business,
  // not a misconfiguration worth a console warning.
  const common = { standardHeaders: 'draft-7' as const, legacyHeaders: false, validate: { xForwardedForHeader: false } };
  const loginWindowMs = config.loginWindowSeconds * 1000;
  const sendPerUser: RequestHandler =
    config.sendsPerMinute > 0
      ? rateLimit({
          ...common,
          windowMs: 60_000,
          limit: config.sendsPerMinute,
          keyGenerator: (_req, res) => `send:${String(res.locals.username)}`,
          handler: tooMany('messages sent'),
        })
      : (_req, _res, next) => next();
  return {
    loginPerAddress: rateLimit({
      ...common,
      windowMs: loginWindowMs,
      limit: config.loginFailuresPerAddress,
      skipSuccessfulRequests: true,
      handler: tooMany('failed logins from this address'),
    }),
    loginPerUser: rateLimit({
      ...common,
      windowMs: loginWindowMs,
      limit: config.loginFailuresPerUser,
      skipSuccessfulRequests: true,
      keyGenerator: (req) => `user:${usernameOf(req)}`,
      handler: tooMany('failed logins for this account'),
    }),
    registrationPerAddress: rateLimit({
      ...common,
      windowMs: config.registrationWindowSeconds * 1000,
      limit: config.registrationsPerAddress,
      handler: tooMany('registrations from this address'),
    }),
    sendPerUser,
  };
}
