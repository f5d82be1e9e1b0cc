// Server side: tells a database that cannot be reached (PostgreSQL stopped, restarting, or cut off) from a
// database that answered with an error. The first is temporary and the client should come back in a moment
// (503 `unavailable`); the second is a fault of ours (500 `internal`).
import { ConnectionError } from 'sequelize';

/** Socket errors of a connection to the database that failed or broke. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/**
 * PostgreSQL's SQLSTATEs for "not now": class 08 (connection exception) and the shutdown and start-up ones,
 * 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now.
 */
const UNAVAILABLE_STATE = /^(08[0-9A-Z]{3}|57P0[123])$/;
/** What pg says when the server went away under a query (it sets no code on these). */
const BROKEN_CONNECTION = /Connection terminated|connection is closed|Client has encountered a connection error|Client was closed|terminating connection/i;

export function isDatabaseUnreachable(error: unknown): boolean {
  // Sequelize wraps the pg error in `parent`/`original`; walk a few links of the chain.
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current !== null && typeof current === 'object'; depth++) {
    if (current instanceof ConnectionError) return true;
    const { code, message, parent, original, cause } = current as { code?: unknown; message?: unknown; parent?: unknown; original?: unknown; cause?: unknown };
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || UNAVAILABLE_STATE.test(code))) return true;
    if (typeof message === 'string' && BROKEN_CONNECTION.test(message)) return true;
    current = parent ?? original ?? cause;
  }
  return false;
}
