// The input schemas of the ChatApi: one schema per input a session takes (the window adapters, the Electron
// IPC, the worker and the CLI validate with these). Usernames a person types are trimmed and lowercased here.
import { z } from 'zod';
import { MAX_PAGE_LIMIT, USERNAME_PATTERN, USERNAME_PREFIX_PATTERN, USERNAME_RULE } from '../protocol/constants.js';
import { messageIdSchema, seqSchema } from '../protocol/schemas.js';
import { groupIdSchema } from '../protocol/schemas-v2.js';
import { inviteSchema } from '../protocol/schemas-accounts.js';
import { parseRecoveryCode } from '../crypto/recovery-code.js';
import { groupKey } from './conversation-key.js';

import { MAX_MESSAGE_TEXT_BYTES } from './message-size.js';
import { MAX_PREVIEW_BATCH } from './preview-batch.js';

export { MAX_MESSAGE_TEXT_BYTES } from './message-size.js';
export const MAX_PASSWORD_LENGTH = 1024;
export const MIN_NEW_PASSWORD_LENGTH = 8;
export const MAX_READ_BATCH = 200;

const encoder = new TextEncoder();

export const typedUsernameSchema = z
  .string({ error: 'must be text' })
  .trim()
  .toLowerCase()
  .regex(USERNAME_PATTERN, USERNAME_RULE);

export const passwordSchema = z
  .string({ error: 'must be text' })
  .min(1, 'is required')
  .max(MAX_PASSWORD_LENGTH, `must be at most ${MAX_PASSWORD_LENGTH} characters`);

export const credentialsSchema = z.strictObject({ username: typedUsernameSchema, password: passwordSchema });

export const registrationSchema = credentialsSchema.extend({
  // What the person typed or pasted; spaces around it do not count.
  invite: z.string({ error: 'must be text' }).trim().pipe(inviteSchema).optional(),
});

/** A recovery code as typed: 32 base32 letters and digits, ignoring case, spaces and "-". */
export const typedRecoveryCodeSchema = z
  .string({ error: 'must be text' })
  .max(200, 'is too long to be a recovery code')
  .refine((typed) => parseRecoveryCode(typed) !== null, 'must be the recovery code: 8 groups of 4 letters and digits, like ABCD-EFGH-…');

/** An alarm's id, as KeyLogView lists it. */
export const keyLogAlarmIdSchema = z.string({ error: 'must be text' }).min(1).max(200);

export const accountRecoverySchema = z.strictObject({ username: typedUsernameSchema, code: typedRecoveryCodeSchema, newPassword: passwordSchema });

export const passwordChangeSchema = z.strictObject({ currentPassword: passwordSchema, newPassword: passwordSchema });

const GROUP_KEY = /^group:(.*)$/s;

/** A ConversationKey: a username (trimmed, lowercased as typed) or "group:" + a group id. */
export const conversationKeySchema = z.string({ error: 'must be text' }).transform((key, ctx) => {
  const group = GROUP_KEY.exec(key);
  const parsed = group ? groupIdSchema.safeParse(group[1]) : typedUsernameSchema.safeParse(key);
  if (parsed.success) return group ? groupKey(parsed.data) : parsed.data;
  ctx.addIssue({ code: 'custom', message: group ? 'is not a group (expected group: and a lowercase UUID v4)' : USERNAME_RULE });
  return z.NEVER;
});

export const conversationPageRequestSchema = z.strictObject({
  conversation: conversationKeySchema,
  beforeSeq: seqSchema.optional(),
  limit: z.number().int().min(1).max(MAX_PAGE_LIMIT - 1).optional(),
});

export const messageTextSchema = z
  .string({ error: 'must be text' })
  .refine((t) => t.trim().length > 0, 'is empty')
  .refine((t) => encoder.encode(t).length <= MAX_MESSAGE_TEXT_BYTES, `is longer than ${MAX_MESSAGE_TEXT_BYTES} bytes`);

export const sendRequestSchema = z.strictObject({
  conversation: conversationKeySchema,
  text: messageTextSchema,
  id: messageIdSchema,
  replyTo: messageIdSchema.optional(),
});

export const editRequestSchema = z.strictObject({ target: messageIdSchema, text: messageTextSchema, id: messageIdSchema });
export const deleteRequestSchema = z.strictObject({ target: messageIdSchema, id: messageIdSchema });

const MAX_EMOJI_BYTES = 32;
export const reactionRequestSchema = z.strictObject({
  target: messageIdSchema,
  emoji: z
    .string({ error: 'must be text' })
    .min(1, 'is empty')
    .refine((e) => encoder.encode(e).length <= MAX_EMOJI_BYTES, `must be at most ${MAX_EMOJI_BYTES} bytes`),
  remove: z.boolean().optional(),
  id: messageIdSchema,
});

const MAX_GROUP_NAME_CHARS = 100;
export const groupNameSchema = z
  .string({ error: 'must be text' })
  .trim()
  .refine((n) => [...n].length >= 1, 'is empty')
  .refine((n) => [...n].length <= MAX_GROUP_NAME_CHARS, `must be at most ${MAX_GROUP_NAME_CHARS} characters`);

const memberListSchema = z
  .array(typedUsernameSchema, { error: 'must be a list of usernames' })
  .max(1000, 'names too many people')
  .transform((names) => [...new Set(names)]);

export { groupIdSchema };

export const newGroupSchema = z.strictObject({ name: groupNameSchema, members: memberListSchema.refine((m) => m.length > 0, 'must name at least one other person') });
export const membersChangeSchema = z
  .strictObject({ group: groupIdSchema, add: memberListSchema.optional(), remove: memberListSchema.optional() })
  .refine((c) => (c.add?.length ?? 0) + (c.remove?.length ?? 0) > 0, 'names nobody to add or remove');
export const groupRenameSchema = z.strictObject({ group: groupIdSchema, name: groupNameSchema });

export const messageIdsSchema = z.array(messageIdSchema).max(MAX_READ_BATCH, `at most ${MAX_READ_BATCH} at once`);

export const markReadSchema = z.strictObject({ conversation: conversationKeySchema, seq: seqSchema });

/** The conversations whose previews the sidebar shows now, each named once (as keys, normalised). */
export const previewRequestSchema = z
  .array(conversationKeySchema, { error: 'must be a list of conversations' })
  .max(MAX_PREVIEW_BATCH, `at most ${MAX_PREVIEW_BATCH} at once`)
  .transform((keys) => [...new Set(keys)]);

/** What a person types to find users: a username prefix, lowercased. */
export const userSearchSchema = z
  .string({ error: 'must be text' })
  .trim()
  .toLowerCase()
  .regex(USERNAME_PREFIX_PATTERN, 'may hold only a-z, 0-9 and _ (up to 32)');

export const serverUrlSchema = z
  .string({ error: 'must be text' })
  .trim()
  .min(1, 'is required')
  .max(2048)
  .refine((u) => URL.canParse(u), 'is not a URL (expected https://host or http://localhost:port)')
  .refine((u) => !URL.canParse(u) || ['https:', 'http:'].includes(new URL(u).protocol), 'must start with https:// or http://');

export const caCertificatePemSchema = z
  .string()
  .max(64 * 1024, 'is too large for a certificate')
  .refine((p) => p.includes('-----BEGIN CERTIFICATE-----'), 'is not a PEM certificate (-----BEGIN CERTIFICATE-----)');

export const serverChoiceSchema = z.strictObject({
  serverUrl: serverUrlSchema,
  caCertificatePem: caCertificatePemSchema.nullable(),
});

export const sessionOptionsSchema = z.strictObject({ keepSessionSecret: z.boolean().optional() }).optional();

/** A link from a message; whether it may be opened is the link policy's to decide (core/links/link-policy.ts). */
export const linkSchema = z.string({ error: 'must be text' }).min(1, 'is empty').max(2048, 'is too long');
