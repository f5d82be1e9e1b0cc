// Schemas of the sealed account state, an addition of this implementation outside PROTOCOL.md's required
// parts (docs/protocol.md, "Read state across devices"): GET and PUT /account/state on the wire, and the
// plaintext the blob opens to. The server validates requests with them; clients validate answers and the
// opened plaintext with them.
import { z } from 'zod';
import { base64DecodedLength } from './base64.js';
import { MESSAGE_ID_PATTERN, USERNAME_SOURCE } from './constants.js';
import { base64Schema, seqSchema } from './schemas.js';

/** The largest blob the server keeps (413 above); the client leaves out its oldest cursors to stay under it. */
export const ACCOUNT_STATE_MAX_BYTES = 64 * 1024;

/** 0 on a PUT: "there is none yet"; every stored state has version 1 or more. */
export const accountStateVersionSchema = z
  .number({ error: 'must be a number' })
  .int('must be an integer')
  .min(0, 'must be 0 or more')
  .max(Number.MAX_SAFE_INTEGER, 'is too large');

const storedVersionSchema = accountStateVersionSchema.min(1, 'must be 1 or more');

/** The blob is opaque to the server: standard base64 of at least one byte (its size is checked apart, 413). */
const blobSchema = base64Schema({ minBytes: 1 });

export const accountStatePutRequestSchema = z.strictObject({ state: blobSchema, version: accountStateVersionSchema });
export type AccountStatePutRequest = z.infer<typeof accountStatePutRequestSchema>;

export const accountStateResponseSchema = z.object({ state: blobSchema, version: storedVersionSchema });
export type AccountStateResponse = z.infer<typeof accountStateResponseSchema>;

export const accountStatePutResponseSchema = z.object({ version: storedVersionSchema });

/** True when a valid base64 `state` decodes to more than the server keeps. */
export function accountStateTooLarge(state: string): boolean {
  return base64DecodedLength(state) > ACCOUNT_STATE_MAX_BYTES;
}

// ---- the plaintext ----

/** The ConversationKey of core/api/view.ts: a peer's username, or "group:" and the group's id (a UUID v4 as message ids are). */
const CONVERSATION_KEY_PATTERN = new RegExp(`^(?:${USERNAME_SOURCE}|group:${MESSAGE_ID_PATTERN.source.slice(1, -1)})$`);

export const READ_STATE_VERSION = 1;

/** `{"v":1,"read":{"<conversation key>":seq,...}}`: everything up to seq was read in that conversation. */
export const readStateSchema = z.strictObject({
  v: z.literal(READ_STATE_VERSION),
  read: z.record(z.string().regex(CONVERSATION_KEY_PATTERN, 'must be a username or group:<id>'), seqSchema),
});
export type ReadState = z.infer<typeof readStateSchema>;
