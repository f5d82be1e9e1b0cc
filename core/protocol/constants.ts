// Fixed values of wire protocol v1 (shared/PROTOCOL.md). Every side reads them from here.

export const PROTOCOL_VERSION = 1;

// The one username rule. The server's token and credential patterns embed USERNAME_SOURCE, so a change
// here reaches them too.
const USERNAME_CHARS = '[a-z0-9_]';
/** Regex source of one username (no anchors), for patterns that carry a username inside them. */
export const USERNAME_SOURCE = `${USERNAME_CHARS}{3,32}`;
export const USERNAME_PATTERN = new RegExp(`^${USERNAME_SOURCE}$`);
/** The rule in words, as validation messages give it. */
export const USERNAME_RULE = 'must be 3 to 32 characters of a-z, 0-9 and _';
/** A user search: the start of a username, possibly empty. */
export const USERNAME_PREFIX_PATTERN = new RegExp(`^${USERNAME_CHARS}{0,32}$`);
export const MESSAGE_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** Standard base64 (RFC 4648 §4) with padding; URL-safe or unpadded forms are rejected. */
export const BASE64_PATTERN = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** Server-assigned times: ISO 8601 UTC with milliseconds. */
export const TIMESTAMP_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/** Query parameters take the same form, milliseconds optional. */
export const QUERY_TIME_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z$/;
export const FINGERPRINT_PATTERN = /^[0-9a-f]{64}$/;

export const AUTH_HASH_BYTES = 64;
export const AUTH_ITERATIONS = 210_000;
export const MIN_KDF_ITERATIONS = 210_000;
/** Upper bound a client accepts from a server before stretching, so a hostile server cannot stall it. */
export const MAX_KDF_ITERATIONS = 10_000_000;
export const KDF_SALT_BYTES = 16;
export const KEK_BYTES = 32;
export const SESSION_KEY_BYTES = 32;
export const RSA_MODULUS_BITS = 4096;
export const RSA_CIPHERTEXT_BYTES = 512;
export const RSA_PUBLIC_EXPONENT = 65537;
export const PSS_SALT_BYTES = 64;
export const GCM_IV_BYTES = 12;
export const GCM_TAG_BYTES = 16;
export const SEALED_MIN_BYTES = GCM_IV_BYTES + GCM_TAG_BYTES;
export const FINGERPRINT_BYTES = 32;

export const AUTH_SALT_PREFIX = 'encrypted-chat/v1/auth/';
export const PRIVATE_KEY_AAD_PREFIX = 'encrypted-chat/v1/private-key/';
export const MESSAGE_HEADER_PREFIX = 'encrypted-chat/v1/message';

export const DEFAULT_PAGE_LIMIT = 100;
export const MAX_PAGE_LIMIT = 1000;
/** The server sends an SSE comment at least this often. */
export const HEARTBEAT_MS = 30_000;

export const ERROR_CODES = [
  'invalid_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'too_large',
  'unsupported_media_type',
  'rate_limited',
  'internal',
  'unavailable',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const ERROR_STATUS: Record<ErrorCode, number> = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
};
