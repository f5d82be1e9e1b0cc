// What "stay signed in" keeps in the OS keychain so a restarted desktop app resumes the session without the
// password: the derived secrets only (never the password), checked with this schema when read back.
import { z } from 'zod';
import { authHashSchema, usernameSchema } from '../protocol/schemas.js';
import { sessionIdSchema } from '../protocol/schemas-accounts.js';

export interface SessionSnapshot {
  serverUrl: string;
  username: string;
  /** base64, 64 bytes */
  authHash: string;
  /** base64 PKCS#8 DER of the private key */
  privateKeyPkcs8: string;
  /** The server session it renews; absent in snapshots saved before device sessions (or from a v1 server). */
  sessionId?: string;
}

export const sessionSnapshotSchema = z.strictObject({
  serverUrl: z.string().min(1),
  username: usernameSchema,
  authHash: authHashSchema,
  privateKeyPkcs8: z.string().min(1),
  sessionId: sessionIdSchema.optional(),
});
