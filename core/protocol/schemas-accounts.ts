// Schemas of protocol v2's accounts (PROTOCOL.md "Accounts (v2)"): device sessions, recovery codes,
// account deletion, and the registration and directory settings. The server validates requests with them;
// clients validate answers with them.
import { z } from 'zod';
import {
  authHashSchema,
  kdfIterationsSchema,
  kdfSaltSchema,
  loginRequestSchema,
  registerRequestSchema,
  sealedSchema,
  timestampSchema,
  userProfileSchema,
} from './schemas.js';
import { PROTOCOL_V2 } from './schemas-v2.js';

export const DEVICE_MAX_CHARS = 64;
export const INVITE_MAX_CHARS = 128;

/**
 * A device name, 1–64 chars (Unicode code points). Also refused: control characters and unpaired
 * surrogates, which no device name needs and which some databases cannot store.
 */
export const deviceSchema = z.string({ error: 'must be a string' }).superRefine((s, ctx) => {
  const chars = [...s].length;
  if (chars < 1 || chars > DEVICE_MAX_CHARS) ctx.addIssue({ code: 'custom', message: `must be 1 to ${DEVICE_MAX_CHARS} characters` });
  // eslint-disable-next-line no-control-regex -- the point is to find them
  else if (/[\u0000-\u001f\u007f-\u009f]/.test(s)) ctx.addIssue({ code: 'custom', message: 'must not hold control characters' });
  else if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s)) ctx.addIssue({ code: 'custom', message: 'must be well-formed Unicode' });
});

/** An invite code as the operator handed it out: printable ASCII, at most 128 characters. */
export const inviteSchema = z
  .string({ error: 'must be a string' })
  .regex(/^[\x21-\x7e]{1,128}$/, `must be the invite code you were given (1 to ${INVITE_MAX_CHARS} printable characters)`);

export const sessionIdSchema = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'must be a session id (a lowercase UUID version 4)');

// ---- requests ----

export const registerV2RequestSchema = registerRequestSchema.extend({ device: deviceSchema.optional(), invite: inviteSchema.optional() });
export type RegisterV2Request = z.infer<typeof registerV2RequestSchema>;

export const loginV2RequestSchema = loginRequestSchema.extend({ device: deviceSchema.optional() });
export type LoginV2Request = z.infer<typeof loginV2RequestSchema>;

/** `{}` or no body: this session; `{"everywhere": true}`: every session; `false` is a plain logout. */
export const logoutRequestSchema = z.strictObject({ everywhere: z.boolean({ error: 'must be true or false' }).optional() });

export const setRecoveryRequestSchema = z.strictObject({
  authHash: authHashSchema,
  recoveryAuthHash: authHashSchema,
  recoveryPrivateKey: sealedSchema,
  recoveryKdfSalt: kdfSaltSchema,
});
export type SetRecoveryRequest = z.infer<typeof setRecoveryRequestSchema>;

export const deleteRecoveryRequestSchema = z.strictObject({ authHash: authHashSchema });

export const recoverRequestSchema = z.strictObject({ recoveryAuthHash: authHashSchema });

/** v2: the current password (`authHash`) or the recovery code (`recoveryAuthHash`), exactly one. */
export const passwordChangeV2RequestSchema = z
  .strictObject({
    authHash: authHashSchema.optional(),
    recoveryAuthHash: authHashSchema.optional(),
    newAuthHash: authHashSchema,
    encryptedPrivateKey: sealedSchema,
    kdfSalt: kdfSaltSchema,
    kdfIterations: kdfIterationsSchema,
  })
  .refine((body) => (body.authHash === undefined) !== (body.recoveryAuthHash === undefined), {
    message: 'must hold exactly one of authHash (the current password) and recoveryAuthHash (the recovery code)',
  });
export type PasswordChangeV2Request = z.infer<typeof passwordChangeV2RequestSchema>;

export const deleteAccountRequestSchema = z.strictObject({ authHash: authHashSchema });

// ---- responses ----

export const sessionInfoSchema = z.object({
  id: sessionIdSchema,
  device: deviceSchema.nullable(),
  createdAt: timestampSchema,
  lastSeenAt: timestampSchema,
  current: z.boolean(),
});
export type SessionInfo = z.infer<typeof sessionInfoSchema>;

export const sessionsResponseSchema = z.object({ sessions: z.array(sessionInfoSchema) });

export const recoverResponseSchema = z.object({
  username: z.string(),
  token: z.string().min(1).max(4096),
  recoveryPrivateKey: sealedSchema,
  recoveryKdfSalt: kdfSaltSchema,
});
export type RecoverResponse = z.infer<typeof recoverResponseSchema>;

export const recoveryInfoSchema = z.object({ setAt: timestampSchema, device: deviceSchema.nullable() }).nullable();
export type RecoveryInfo = z.infer<typeof recoveryInfoSchema>;

/** GET /users/{u}: the owner's answer also has `recovery`. */
export const userProfileV2Schema = userProfileSchema.extend({ recovery: recoveryInfoSchema.optional() });
export type UserProfileV2 = z.infer<typeof userProfileV2Schema>;

export const REGISTRATION_MODES = ['open', 'invite', 'closed'] as const;
export type RegistrationMode = (typeof REGISTRATION_MODES)[number];
export const USER_DIRECTORY_MODES = ['signed-in', 'public'] as const;
export type UserDirectoryMode = (typeof USER_DIRECTORY_MODES)[number];

export const healthAccountsResponseSchema = z.object({
  status: z.literal('ok'),
  version: z.string(),
  protocol: z.literal(PROTOCOL_V2),
  registration: z.enum(REGISTRATION_MODES),
});
