// Bearer tokens: `v2.<username>.<issuedAt ms>.<session id>.<generation>.<HMAC-SHA-512 base64url>`, the MAC
// over everything before it. A token belongs to one session (PROTOCOL.md "Accounts (v2)"): ending the
// session (its row deleted) ends its tokens; `generation` is the session's revocation counter at issue
// time, raised by a password change or a new recovery code so that the session's earlier tokens fail while
// it goes on. Tokens of the v1 format (`v1.<username>.<issuedAt>.<user generation>.<mac>`, before
// migration 005) are no longer accepted. The HMAC secret lives in the database, made by whichever instance
// starts first.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Sequelize } from 'sequelize';
import { USERNAME_SOURCE } from '../../core/protocol/constants.js';
import { DeviceCredentials } from './device-credentials.js';

export interface TokenClaims {
  username: string;
  issuedAt: number;
  sessionId: string;
  generation: number;
}

const SESSION_ID_SOURCE = '[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}';
const TOKEN_PATTERN = new RegExp(
  String.raw`^v2\.(${USERNAME_SOURCE})\.(\d{13})\.(${SESSION_ID_SOURCE})\.(0|[1-9]\d{0,9})\.([A-Za-z0-9_-]{86})$`,
);
/** Tolerated clock difference between instances for a token "issued in the future". */
const CLOCK_SKEW_MS = 60_000;
const SECRET_NAME = 'token-hmac';

export class TokenSigner {
  constructor(
    private readonly secret: Buffer,
    private readonly ttlMs: number,
  ) {}

  private mac(payload: string): Buffer {
    return createHmac('sha512', this.secret).update(payload).digest();
  }

  /** Device credentials signed with the same shared secret (so every instance accepts them). */
  deviceCredentials(ttlMs: number): DeviceCredentials {
    return new DeviceCredentials(this.secret, ttlMs);
  }

  issue(username: string, sessionId: string, generation: number, now = Date.now()): string {
    const payload = `v2.${username}.${now}.${sessionId}.${generation}`;
    return `${payload}.${this.mac(payload).toString('base64url')}`;
  }

  /** The claims of a well-formed, authentic, unexpired token; undefined otherwise. Revocation is the caller's check. */
  verify(token: string, now = Date.now()): TokenClaims | undefined {
    const match = TOKEN_PATTERN.exec(token);
    if (!match) return undefined;
    const [, username, issued, sessionId, generation, mac] = match;
    const payload = `v2.${username}.${issued}.${sessionId}.${generation}`;
    const given = Buffer.from(mac!, 'base64url');
    // One spelling per MAC: the last character's two unused bits must be zero, as issue() writes them.
    if (given.toString('base64url') !== mac) return undefined;
    const expected = this.mac(payload);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    const issuedAt = Number(issued);
    if (issuedAt > now + CLOCK_SKEW_MS || now - issuedAt >= this.ttlMs) return undefined;
    return { username: username!, issuedAt, sessionId: sessionId!, generation: Number(generation) };
  }
}

/** Reads the shared HMAC secret, creating it if this is the first start. Safe when instances start together. */
export async function loadTokenSecret(sequelize: Sequelize): Promise<Buffer> {
  await sequelize.query('INSERT INTO server_secrets (name, value) VALUES (:name, :value) ON CONFLICT (name) DO NOTHING', {
    replacements: { name: SECRET_NAME, value: randomBytes(64) },
  });
  const [rows] = await sequelize.query('SELECT value FROM server_secrets WHERE name = :name', {
    replacements: { name: SECRET_NAME },
  });
  const value = (rows as { value: Buffer }[])[0]?.value;
  if (!value || value.length < 32) throw new Error('the token secret in the database is missing or too short');
  return Buffer.from(value);
}
