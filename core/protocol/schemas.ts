// One schema per message of wire protocol v1. The server validates requests with them; clients validate
// every server response with them, because the server is not trusted.
import { z } from 'zod';
import { base64DecodedLength, isBase64 } from './base64.js';
import {
  AUTH_HASH_BYTES,
  ERROR_CODES,
  FINGERPRINT_PATTERN,
  KDF_SALT_BYTES,
  MAX_PAGE_LIMIT,
  MESSAGE_ID_PATTERN,
  MIN_KDF_ITERATIONS,
  QUERY_TIME_PATTERN,
  RSA_CIPHERTEXT_BYTES,
  SEALED_MIN_BYTES,
  TIMESTAMP_PATTERN,
  USERNAME_PATTERN,
  USERNAME_PREFIX_PATTERN,
  USERNAME_RULE,
} from './constants.js';

export const usernameSchema = z.string().regex(USERNAME_PATTERN, USERNAME_RULE);

export const messageIdSchema = z
  .string()
  .regex(MESSAGE_ID_PATTERN, 'must be a lowercase UUID version 4');

export const timestampSchema = z
  .string()
  .regex(TIMESTAMP_PATTERN, 'must be an ISO 8601 UTC time with milliseconds')
  .refine((t) => isRealTime(t), 'is not a real date and time');

export const queryTimeSchema = z
  .string()
  .regex(QUERY_TIME_PATTERN, 'must be an ISO 8601 UTC time like 2026-11-25T20:55:01.123Z')
  .refine((t) => isRealTime(t), 'is not a real date and time');

function isRealTime(text: string): boolean {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return false;
  // Date.parse rolls 2026-02-30 over to March; a round trip catches it.
  return new Date(ms).toISOString().slice(0, 19) === text.slice(0, 19);
}

/** Standard base64; with `bytes`, exactly that many bytes once decoded; with `minBytes`, at least. */
export function base64Schema(size: { bytes?: number; minBytes?: number } = {}) {
  // One check, one message: a request holds many of these (a group message one per member).
  return z.string().superRefine((s, ctx) => {
    if (!isBase64(s)) ctx.addIssue({ code: 'custom', message: 'must be standard base64 (A-Z a-z 0-9 + /, padded with =)' });
    else if (size.bytes !== undefined && base64DecodedLength(s) !== size.bytes) ctx.addIssue({ code: 'custom', message: `must decode to exactly ${size.bytes} bytes` });
    else if (size.minBytes !== undefined && base64DecodedLength(s) < size.minBytes) ctx.addIssue({ code: 'custom', message: `must decode to at least ${size.minBytes} bytes` });
  });
}

export const authHashSchema = base64Schema({ bytes: AUTH_HASH_BYTES });
export const kdfSaltSchema = base64Schema({ bytes: KDF_SALT_BYTES });
export const kdfIterationsSchema = z
  .number({ error: 'must be a number' })
  .int('must be an integer')
  .min(MIN_KDF_ITERATIONS, `must be at least ${MIN_KDF_ITERATIONS}`)
  .max(2_147_483_647, 'must be at most 2147483647');
export const publicKeySchema = base64Schema({ minBytes: 1 });
export const sealedSchema = base64Schema({ minBytes: SEALED_MIN_BYTES });
export const rsaCiphertextSchema = base64Schema({ bytes: RSA_CIPHERTEXT_BYTES });
export const fingerprintSchema = z.string().regex(FINGERPRINT_PATTERN, 'must be 64 lowercase hex digits');
export const seqSchema = z.number().int().positive();

// ---- requests ----

export const registerRequestSchema = z.strictObject({
  username: usernameSchema,
  authHash: authHashSchema,
  publicKey: publicKeySchema,
  encryptedPrivateKey: sealedSchema,
  kdfSalt: kdfSaltSchema,
  kdfIterations: kdfIterationsSchema,
});
export type RegisterRequest = z.infer<typeof registerRequestSchema>;

export const loginRequestSchema = z.strictObject({
  username: usernameSchema,
  authHash: authHashSchema,
});
export type LoginRequest = z.infer<typeof loginRequestSchema>;

export const passwordChangeRequestSchema = z.strictObject({
  authHash: authHashSchema,
  newAuthHash: authHashSchema,
  encryptedPrivateKey: sealedSchema,
  kdfSalt: kdfSaltSchema,
  kdfIterations: kdfIterationsSchema,
});
export type PasswordChangeRequest = z.infer<typeof passwordChangeRequestSchema>;

export const sendMessageRequestSchema = z.strictObject({
  id: messageIdSchema,
  recipient: usernameSchema,
  sessionKey: rsaCiphertextSchema,
  senderSessionKey: rsaCiphertextSchema,
  body: sealedSchema,
  signature: sealedSchema,
});
export type SendMessageRequest = z.infer<typeof sendMessageRequestSchema>;

const limitQuerySchema = z
  .string()
  .regex(/^[1-9][0-9]{0,3}$/, `must be a whole number from 1 to ${MAX_PAGE_LIMIT}`)
  .transform(Number)
  .refine((n) => n <= MAX_PAGE_LIMIT, `must be a whole number from 1 to ${MAX_PAGE_LIMIT}`);

export const usersQuerySchema = z.strictObject({
  q: z.string().regex(USERNAME_PREFIX_PATTERN, 'must be up to 32 characters of a-z, 0-9 and _').optional(),
  limit: limitQuerySchema.optional(),
  after: usernameSchema.optional(),
});
export type UsersQuery = z.infer<typeof usersQuerySchema>;

export const messagesQuerySchema = z.strictObject({
  since: queryTimeSchema.optional(),
  until: queryTimeSchema.optional(),
  sender: usernameSchema.optional(),
  recipient: usernameSchema.optional(),
  peer: usernameSchema.optional(),
  after: z
    .string()
    .regex(/^(0|[1-9][0-9]{0,14})$/, 'must be a whole number (a seq) of 0 or more')
    .transform(Number)
    .optional(),
  limit: limitQuerySchema.optional(),
  order: z.enum(['asc', 'desc'], { error: 'must be asc or desc' }).optional(),
  full: z.enum(['0', '1', 'true', 'false'], { error: 'must be 1 or 0' }).transform((v) => v === '1' || v === 'true').optional(),
});
export type MessagesQuery = z.infer<typeof messagesQuerySchema>;

// ---- responses ----

export const tokenResponseSchema = z.object({ username: usernameSchema, token: z.string().min(1).max(4096) });
export type TokenResponse = z.infer<typeof tokenResponseSchema>;

export const userSummarySchema = z.object({ username: usernameSchema, createdAt: timestampSchema });
export type UserSummary = z.infer<typeof userSummarySchema>;

export const usersResponseSchema = z.object({ users: z.array(userSummarySchema) });
export type UsersResponse = z.infer<typeof usersResponseSchema>;

export const userProfileSchema = z.object({
  username: usernameSchema,
  publicKey: publicKeySchema,
  fingerprint: fingerprintSchema,
  createdAt: timestampSchema,
  encryptedPrivateKey: sealedSchema.optional(),
  kdfSalt: kdfSaltSchema.optional(),
  kdfIterations: kdfIterationsSchema.optional(),
  /** v2 (PROTOCOL.md "Key transparency"): the index of the key log's entry holding this key. */
  keyIndex: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional(),
});
export type UserProfile = z.infer<typeof userProfileSchema>;

export const messageHeaderSchema = z.object({
  id: messageIdSchema,
  sender: usernameSchema,
  recipient: usernameSchema,
  // v2 (PROTOCOL.md "v2 message content", "Deleting a message"); group items are in schemas-v2.ts.
  format: z.union([z.literal(1), z.literal(2)]).optional(),
  timestamp: timestampSchema,
  seq: seqSchema,
  deletedAt: timestampSchema.optional(),
});
export type MessageHeader = z.infer<typeof messageHeaderSchema>;

export const messageRecordSchema = messageHeaderSchema.extend({
  sessionKey: rsaCiphertextSchema,
  senderSessionKey: rsaCiphertextSchema,
  body: sealedSchema,
  signature: sealedSchema,
});
export type MessageRecord = z.infer<typeof messageRecordSchema>;

export const messagesResponseSchema = z.object({ messages: z.array(messageHeaderSchema) });
export const fullMessagesResponseSchema = z.object({ messages: z.array(messageRecordSchema) });

export const healthResponseSchema = z.object({ status: z.literal('ok'), version: z.string() });

export const errorBodySchema = z.object({
  error: z.object({ code: z.enum(ERROR_CODES).or(z.string()), message: z.string() }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

export { describeIssues } from './describe-issues.js';
