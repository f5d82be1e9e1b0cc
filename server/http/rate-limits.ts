// Brute-force brakes on login, password change and registration, and the send limit. In memory: each
// instance counts for itself. Behind a proxy the client address comes from Express's `trust proxy`
// (TRUST_PROXY).
//
// Failed logins follow OWASP's device-cookie scheme (see ../auth/device-credentials.ts). A failure (a 401
// answer) is counted
//  - per client address, always;
//  - per (username, address), always;
//  - per device credential, when the request carries a valid one for that username;
//  - per username, only when it does not. The per-username limit is the one an attacker can reach from many
//    addresses; a person whose device holds a credential is therefore never locked out by it.
// An attempt takes its hits before it runs (so parallel guesses cannot slip past the limit) and gets them
// back unless it is answered 401. Password changes keep their own per-username counter, so failed logins
// from elsewhere never block them. Login, password change and registration answers carry no RateLimit-*
// headers (they would tell an observer how many failures were counted); a 429 carries Retry-After.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import { DEVICE_CREDENTIAL_HEADER, type DeviceCredentials } from '../auth/device-credentials.js';
import type { ServerConfig } from '../config.js';
import { sendError } from './errors.js';

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

/** Most keys one counter remembers; past it, expired entries go first, then the oldest. */
const MAX_ENTRIES = 200_000;

interface Window {
  count: number;
  resetAt: number;
}

/** Fixed-window counters by key. */
export class WindowCounter {
  private readonly windows = new Map<string, Window>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly maxEntries = MAX_ENTRIES,
  ) {}

  /** Milliseconds until `key` may try again; 0 when it may now. */
  blockedFor(key: string, now = Date.now()): number {
    const window = this.windows.get(key);
    if (!window || window.resetAt <= now) return 0;
    return window.count >= this.limit ? window.resetAt - now : 0;
  }

  /** Counts one attempt; the returned window is what `refund` takes back from. */
  hit(key: string, now = Date.now()): Window {
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      if (window) this.windows.delete(key);
      else if (this.windows.size >= this.maxEntries) this.evict(now);
      window = { count: 0, resetAt: now + this.windowMs };
      this.windows.set(key, window);
    }
    window.count += 1;
    return window;
  }

  /** Takes one attempt back, unless its window has ended meanwhile. */
  refund(window: Window): void {
    if (window.count > 0) window.count -= 1;
  }

  get size(): number {
    return this.windows.size;
  }

  private evict(now: number): void {
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
    // Still full: forget the oldest windows (Map keeps insertion order).
    const excess = this.windows.size - Math.floor(this.maxEntries * 0.9);
    if (excess <= 0) return;
    let n = 0;
    for (const key of this.windows.keys()) {
      if (n++ >= excess) break;
      this.windows.delete(key);
    }
  }
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
  counter: WindowCounter;
  key: string;
  what: string;
}

/** Checks every applicable counter, takes a hit on each, and gives them back unless the answer is 401. */
function failureGuard(checksFor: (req: Request) => Check[]): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    const checks = checksFor(req);
    const now = Date.now();
    let wait = 0;
    let what = '';
    for (const check of checks) {
      const blocked = check.counter.blockedFor(check.key, now);
      if (blocked > wait) {
        wait = blocked;
        what = check.what;
      }
    }
    if (wait > 0) {
      tooMany(res, wait, what);
      return;
    }
    const hits = checks.map((check) => ({ counter: check.counter, window: check.counter.hit(check.key, now) }));
    res.once('finish', () => {
      if (res.statusCode !== 401) for (const { counter, window } of hits) counter.refund(window);
    });
    next();
  };
}

export function createRateLimits(config: ServerConfig, deviceCredentials: DeviceCredentials): RateLimits {
  const loginWindowMs = config.loginWindowSeconds * 1000;
  const perAddress = new WindowCounter(config.loginFailuresPerAddress, loginWindowMs);
  const perUserAddress = new WindowCounter(config.loginFailuresPerUser, loginWindowMs);
  const perCredential = new WindowCounter(config.loginFailuresPerUser, loginWindowMs);
  const perUserLogin = new WindowCounter(config.loginFailuresPerUser, loginWindowMs);
  const perUserPasswordChange = new WindowCounter(config.loginFailuresPerUser, loginWindowMs);
  const perUserRecover = new WindowCounter(config.loginFailuresPerUser, loginWindowMs);
  const registrations = new WindowCounter(config.registrationsPerAddress, config.registrationWindowSeconds * 1000);

  const failureChecks =
    (perUser: WindowCounter) =>
    (req: Request): Check[] => {
      const address = req.ip ?? '';
      const username = usernameOf(req);
      const credential = deviceCredentials.verify(req.get(DEVICE_CREDENTIAL_HEADER), username);
      return [
        { counter: perAddress, key: address, what: 'failed logins from this address' },
        { counter: perUserAddress, key: `${username}\n${address}`, what: 'failed logins for this account from this address' },
        credential
          ? { counter: perCredential, key: `${username}\n${credential.nonce}`, what: 'failed logins with this device credential' }
          : { counter: perUser, key: username, what: 'failed logins for this account' },
      ];
    };

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
          handler: (_req, res) => {
            const retryAfter = res.getHeader('Retry-After');
            const wait = retryAfter === undefined ? '' : ` Try again in ${retryAfter} seconds.`;
            sendError(res, 'rate_limited', `too many messages sent.${wait}`);
          },
        })
      : (_req, _res, next) => next();

  return {
    login: failureGuard(failureChecks(perUserLogin)),
    passwordChange: failureGuard(failureChecks(perUserPasswordChange)),
    recover: failureGuard(failureChecks(perUserRecover)),
    registrationPerAddress: (req, res, next) => {
      const key = req.ip ?? '';
      const wait = registrations.blockedFor(key);
      if (wait > 0) {
        tooMany(res, wait, 'registrations from this address');
        return;
      }
      registrations.hit(key);
      next();
    },
    sendPerUser,
    deviceCredentials,
  };
}
