// Schemas of protocol v2's key transparency log (PROTOCOL.md "Key transparency"): the query parameters of the
// five /keylog endpoints, which the server validates, and their answers, which clients validate with the same
// schemas. What a query cannot say by itself (a size beyond the newest head) the server checks.
import { z } from 'zod';
import { MAX_PAGE_LIMIT } from './constants.js';
import { base64Schema, fingerprintSchema, publicKeySchema, timestampSchema, usernameSchema } from './schemas.js';

/** SHA-512: every root and proof hash is 64 bytes. */
export const KEYLOG_HASH_BYTES = 64;
/** The log key is RSA-4096: a signature is 512 bytes. */
export const KEYLOG_SIGNATURE_BYTES = 512;
/**
 * Longest proofs for a log of up to 2^53 − 1 entries: an inclusion proof has one hash per level (at most 53), a
 * consistency proof at most two per level.
 */
export const MAX_INCLUSION_PROOF = 53;
export const MAX_CONSISTENCY_PROOF = 2 * 53;

const countSchema = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
export const keyLogHashSchema = base64Schema({ bytes: KEYLOG_HASH_BYTES });

// ---- queries (the server refuses unknown parameters, as everywhere) ----

/** A whole number in a query string: base-10 digits, no sign, no leading zeros, at most 2^53 − 1. */
const wholeParam = z
  .string({ error: 'must be a whole number of 0 or more' })
  .regex(/^(0|[1-9][0-9]{0,15})$/, 'must be a whole number of 0 or more')
  .transform(Number)
  .refine((n) => Number.isSafeInteger(n), 'must be at most 9007199254740991');

const limitParam = z
  .string({ error: `must be a whole number from 1 to ${MAX_PAGE_LIMIT}` })
  .regex(/^[1-9][0-9]{0,3}$/, `must be a whole number from 1 to ${MAX_PAGE_LIMIT}`)
  .transform(Number)
  .refine((n) => n <= MAX_PAGE_LIMIT, `must be a whole number from 1 to ${MAX_PAGE_LIMIT}`);

/** GET /keylog/entries: `start` (default 0), `limit` (default 100, at most 1000). */
export const keyLogEntriesQuerySchema = z.strictObject({
  start: wholeParam.optional(),
  limit: limitParam.optional(),
});
export type KeyLogEntriesQuery = z.infer<typeof keyLogEntriesQuerySchema>;

/** GET /keylog/proof: both required, index < size (and size ≤ the newest head's size, which the server checks). */
export const keyLogProofQuerySchema = z
  .strictObject({ index: wholeParam, size: wholeParam })
  .superRefine((q, ctx) => {
    if (q.index >= q.size) ctx.addIssue({ code: 'custom', path: ['index'], message: 'must be smaller than size' });
  });
export type KeyLogProofQuery = z.infer<typeof keyLogProofQuerySchema>;

/** GET /keylog/consistency: both required, 1 ≤ from < to (and to ≤ the newest head's size, checked by the server). */
export const keyLogConsistencyQuerySchema = z
  .strictObject({ from: wholeParam, to: wholeParam })
  .superRefine((q, ctx) => {
    if (q.from < 1) ctx.addIssue({ code: 'custom', path: ['from'], message: 'must be at least 1' });
    else if (q.from >= q.to) ctx.addIssue({ code: 'custom', path: ['from'], message: 'must be smaller than to' });
  });
export type KeyLogConsistencyQuery = z.infer<typeof keyLogConsistencyQuerySchema>;

// ---- answers ----

/** GET /keylog/key */
export const keyLogKeyResponseSchema = z.object({ publicKey: publicKeySchema, fingerprint: fingerprintSchema });
export type KeyLogKeyResponse = z.infer<typeof keyLogKeyResponseSchema>;

/** GET /keylog/head: a signed tree head; `root` base64 of 64 bytes, `signature` RSA-PSS by the log key. */
export const signedTreeHeadSchema = z.object({
  size: countSchema,
  root: keyLogHashSchema,
  timestamp: timestampSchema,
  signature: base64Schema({ bytes: KEYLOG_SIGNATURE_BYTES }),
});
export type SignedTreeHeadResponse = z.infer<typeof signedTreeHeadSchema>;

/** One entry; `publicKey` null for an account's deletion. */
export const keyLogEntrySchema = z.object({
  index: countSchema,
  username: usernameSchema,
  publicKey: publicKeySchema.nullable(),
  timestamp: timestampSchema,
});
export type KeyLogEntryResponse = z.infer<typeof keyLogEntrySchema>;

/** GET /keylog/entries */
export const keyLogEntriesResponseSchema = z.object({ entries: z.array(keyLogEntrySchema).max(MAX_PAGE_LIMIT) });
export type KeyLogEntriesResponse = z.infer<typeof keyLogEntriesResponseSchema>;

/** GET /keylog/proof */
export const inclusionProofResponseSchema = z.object({
  index: countSchema,
  size: countSchema,
  proof: z.array(keyLogHashSchema).max(MAX_INCLUSION_PROOF),
});
export type InclusionProofResponse = z.infer<typeof inclusionProofResponseSchema>;

/** GET /keylog/consistency */
export const consistencyProofResponseSchema = z.object({
  from: countSchema,
  to: countSchema,
  proof: z.array(keyLogHashSchema).max(MAX_CONSISTENCY_PROOF),
});
export type ConsistencyProofResponse = z.infer<typeof consistencyProofResponseSchema>;
