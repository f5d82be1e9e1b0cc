// Bearer tokens: `v1.<username>.<issuedAt ms>.<generation>.<HMAC-SHA-512 base64url>`. The generation is the
// user's revocation counter at issue time; logout and password change raise it, so every earlier token
// fails. The HMAC secret lives in the database, made by whichever instance starts first.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Sequelize } from 'sequelize';
import { USERNAME_SOURCE } from '../../core/protocol/constants.js';
import { DeviceCredentials } from './device-credentials.js';

export interface TokenClaims {
  username: string;
  issuedAt: number;
  generation: number;
}

const TOKEN_PATTERN = new RegExp(String.raw`^v1\.(${USERNAME_SOURCE})\.(\d{13})\.(\d{1,10})\.([A-Za-z0-9_-]{86})$`);
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

  issue(username: string, generation: number, now = Date.now()): string {
    const payload = `v1.${username}.${now}.${generation}`;
    return `${payload}.${this.mac(payload).toString('base64url')}`;
  }

  /** The claims of a well-formed, authentic, unexpired token; undefined otherwise. Revocation is the caller's check. */
  verify(token: string, now = Date.now()): TokenClaims | undefined {
    const match = TOKEN_PATTERN.exec(token);
    if (!match) return undefined;
    const [, username, issued, generation, mac] = match;
    const payload = `v1.${username}.${issued}.${generation}`;
    const given = Buffer.from(mac!, 'base64url');
    // One spelling per MAC: the last character's two unused bits must be zero, as issue() writes them.
    if (given.toString('base64url') !== mac) return undefined;
    const expected = this.mac(payload);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    const issuedAt = Number(issued);
    if (issuedAt > now + CLOCK_SKEW_MS || now - issuedAt >= this.ttlMs) return undefined;
    return { username: username!, issuedAt, generation: Number(generation) };
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
