// Brute-force brakes on login, password change and registration, and the send limit. Counted in memory on
// SQLite (one process) and in the database on PostgreSQL, so several instances share one limit
// (shared-limits.ts). Behind a proxy the client address comes from Express's `trust proxy` (TRUST_PROXY).
//
// Failed logins follow OWASP's device-cookie scheme (see ../auth/device-credentials.ts). A failure (a 401
// answer) is counted
//  - per client address, always;
//  - per (username, address), always;
//  - per device credential, when the request carries a valid one for that username;
//  - per username, only when it does not. The per-username limit is the one an attacker can reach from many
//    addresses; a person whose device holds a credential is therefore never locked out by it.
// An attempt takes its hits before it runs and gets them back unless it is answered 401; a hit that takes a
// counter past its limit is refused and given back at once, so parallel guesses (on any instance) cannot
// slip past the limit. Password changes keep their own per-username counter, so failed logins
// from elsewhere never block them. Login, password change and registration answers carry no RateLimit-*
// headers (they would tell an observer how many failures were counted); a 429 carries Retry-After.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import { DEVICE_CREDENTIAL_HEADER, type DeviceCredentials } from '../auth/device-credentials.js';
import type { ServerConfig } from '../config.js';
import type { Database } from '../db/database.js';
import { sendError } from './errors.js';
import { openLimitStore, type LimitEntry, type LimitStore } from './shared-limits.js';

export { WindowCounter } from './window-counter.js';

export interface RateLimits {
  /** POST /login: failed logins (see above). */
  login: RequestHandler;
  /** POST /users/:username/password: wrong current passwords, counted like failed logins. */
  passwordChange: RequestHandler;
  /** POST /users/:username/recover: wrong recovery codes, counted like failed logins (its own per-user counter). */
  recover: RequestHandler;
  registrationPerAddress: RequestHandler;
  /** Messages per user per minute; a pass-through when SENDS_PER_MINUTE is 0. */
  sendPerUser: RequestHandler;
  /** Issues and checks the X-Device-Credential header. */
  deviceCredentials: DeviceCredentials;
}

function tooMany(res: Response, waitMs: number, what: string): void {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  res.setHeader('Retry-After', String(seconds));
  sendError(res, 'rate_limited', `too many ${what}. Try again in ${seconds} seconds.`);
}

function usernameOf(req: Request): string {
  const fromBody = (req.body as { username?: unknown } | undefined)?.username;
  const name = typeof req.params.username === 'string' ? req.params.username : fromBody;
  return typeof name === 'string' ? name.slice(0, 64) : '';
}

interface Check {
  entry: LimitEntry;
  what: string;
}

/**
 * Refuses with 429 when a counter is at its limit; otherwise takes a hit on each and runs the request. A
 * hit past the limit (another attempt got there first) is given back and refused too. `refundUnless` says
 * which answers give the hits back (none: every attempt counts).
 */
function guard(store: LimitStore, checksFor: (req: Request) => Check[], refundUnless?: (status: number) => boolean): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const checks = checksFor(req);
    const entries = checks.map((c) => c.entry);
    const refuse = (waits: number[]): boolean => {
      let wait = 0;
      let what = '';
      waits.forEach((w, i) => {
        if (w > wait) [wait, what] = [w, checks[i]!.what];
      });
      if (wait > 0) tooMany(res, wait, what);
      return wait > 0;
    };
    if (refuse(await store.blockedFor(entries))) return;
    const hits = await store.hit(entries);
    if (hits.some((h, i) => h.count > entries[i]!.limit)) {
      await store.refund(entries, hits);
      refuse(hits.map((h, i) => (h.count > entries[i]!.limit ? Math.max(1, h.remainingMs) : 0)));
      return;
    }
    if (refundUnless) {
      res.once('finish', () => {
        // A failed refund (the database went away) leaves the attempt counted, never the reverse.
        if (!refundUnless(res.statusCode)) store.refund(entries, hits).catch(() => undefined);
      });
    }
    next();
  };
}

export function createRateLimits(config: ServerConfig, deviceCredentials: DeviceCredentials, db?: Database): RateLimits {
  const store = openLimitStore(db);
  const loginWindowMs = config.loginWindowSeconds * 1000;
  const entry = (bucket: string, key: string, limit: number, windowMs = loginWindowMs): LimitEntry => ({ bucket, key, limit, windowMs });
  const perUserLimit = config.loginFailuresPerUser;

  const failureChecks =
    (perUserBucket: string) =>
    (req: Request): Check[] => {
      const address = req.ip ?? '';
      const username = usernameOf(req);
      const credential = deviceCredentials.verify(req.get(DEVICE_CREDENTIAL_HEADER), username);
      return [
        { entry: entry('login-address', address, config.loginFailuresPerAddress), what: 'failed logins from this address' },
        { entry: entry('login-user-address', `${username}\n${address}`, perUserLimit), what: 'failed logins for this account from this address' },
        credential
          ? { entry: entry('login-credential', `${username}\n${credential.nonce}`, perUserLimit), what: 'failed logins with this device credential' }
          : { entry: entry(perUserBucket, username, perUserLimit), what: 'failed logins for this account' },
      ];
    };
  const failed = (status: number) => status === 401;

  const sendPerUser: RequestHandler =
    config.sendsPerMinute > 0
      ? rateLimit({
          standardHeaders: 'draft-7',
          legacyHeaders: false,
          // A client may send X-Forwarded-For to a server that trusts no proxy; that is the client's business,
          // not a misconfiguration worth a console warning.
          validate: { xForwardedForHeader: false },
          windowMs: 60_000,
          limit: config.sendsPerMinute,
          keyGenerator: (_req, res) => `send:${String(res.locals.username)}`,
          store: store.expressStore('send'),
          handler: (_req, res) => {
            const retryAfter = res.getHeader('Retry-After');
            const wait = retryAfter === undefined ? '' : ` Try again in ${retryAfter} seconds.`;
            sendError(res, 'rate_limited', `too many messages sent.${wait}`);
          },
        })
      : (_req, _res, next) => next();

  return {
    login: guard(store, failureChecks('login-user'), failed),
    passwordChange: guard(store, failureChecks('password-user'), failed),
    recover: guard(store, failureChecks('recover-user'), failed),
    registrationPerAddress: guard(store, (req) => [
      {
        entry: entry('registration', req.ip ?? '', config.registrationsPerAddress, config.registrationWindowSeconds * 1000),
        what: 'registrations from this address',
      },
    ]),
    sendPerUser,
    deviceCredentials,
  };
}
