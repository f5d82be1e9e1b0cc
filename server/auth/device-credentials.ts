// Device credentials (OWASP "device cookies", an extension of this server that PROTOCOL.md does not name).
// After a successful login or registration the server hands the client
// `dc1.<username>.<issued ms>.<nonce>.<HMAC-SHA-512 base64url>` in the X-Device-Credential header; the client
// sends it back on later logins and password changes. A request carrying a valid credential for the username
// it tries is not subject to the per-username lockout (which an attacker can trigger from many addresses), only
// to its own per-credential limit. The key is the server's shared token secret; the "dc1." prefix keeps these
// MACs apart from token MACs (which sign payloads starting "v1.").
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { USERNAME_SOURCE } from '../../core/protocol/constants.js';

export const DEVICE_CREDENTIAL_HEADER = 'X-Device-Credential';

const CREDENTIAL_PATTERN = new RegExp(String.raw`^dc1\.(${USERNAME_SOURCE})\.(\d{13})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{86})$`);
/** Tolerated clock difference between instances for a credential "issued in the future". */
const CLOCK_SKEW_MS = 60_000;

export interface DeviceCredentialClaims {
  username: string;
  issuedAt: number;
  /** Random, unique per credential: the key its own failure counter is kept under. */
  nonce: string;
}

export class DeviceCredentials {
  constructor(
    private readonly secret: Buffer,
    private readonly ttlMs: number,
  ) {}

  private mac(payload: string): Buffer {
    return createHmac('sha512', this.secret).update(payload).digest();
  }

  issue(username: string, now = Date.now()): string {
    const payload = `dc1.${username}.${now}.${randomBytes(16).toString('base64url')}`;
    return `${payload}.${this.mac(payload).toString('base64url')}`;
  }

  /** The claims of an authentic, unexpired credential issued for `username`; undefined for anything else. */
  verify(credential: string | undefined, username: string, now = Date.now()): DeviceCredentialClaims | undefined {
    if (credential === undefined || credential.length > 200) return undefined;
    const match = CREDENTIAL_PATTERN.exec(credential);
    if (!match) return undefined;
    const [, name, issued, nonce, mac] = match;
    const expected = this.mac(`dc1.${name}.${issued}.${nonce}`);
    const given = Buffer.from(mac!, 'base64url');
    // One spelling per MAC: the last character's two unused bits must be zero, as issue() writes them.
    if (given.toString('base64url') !== mac) return undefined;
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    if (name !== username) return undefined;
    const issuedAt = Number(issued);
    if (issuedAt > now + CLOCK_SKEW_MS || now - issuedAt >= this.ttlMs) return undefined;
    return { username: name!, issuedAt, nonce: nonce! };
  }
}
