// What every route module gets from createApp.
import type { ServerConfig } from '../config.js';
import type { Database } from '../db/database.js';
import type { TokenSigner } from '../auth/tokens.js';
import type { Authenticator } from '../auth/authenticate.js';
import type { RateLimits } from '../http/rate-limits.js';
import type { KeyLog } from '../keylog/key-log.js';

export interface RouteContext {
  config: ServerConfig;
  db: Database;
  signer: TokenSigner;
  auth: Authenticator;
  limits: RateLimits;
  /** The key log: registration appends to it, GET /users/{u} names the entry (keyIndex). */
  keyLog: KeyLog;
}
