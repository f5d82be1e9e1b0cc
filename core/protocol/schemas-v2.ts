// Schemas of protocol v2's groups, format 2 and group messages, and deleting (PROTOCOL.md "v2", "Groups",
// "Deleting a message"), beside the v1 ones in schemas.ts. The server validates requests with them;
// clients validate answers with them.
import { z } from 'zod';
import {
  messageHeaderSchema,
  messageIdSchema,
  messagesQuerySchema,
  rsaCiphertextSchema,
  sealedSchema,
  sendMessageRequestSchema,
  seqSchema,
  timestampSchema,
  usernameSchema,
} from './schemas.js';
import { messageAttachmentsSchema } from './schemas-attachments.js';

export const PROTOCOL_V2 = 2;
export const DEFAULT_MAX_GROUP_MEMBERS = 100;
/** No request may name more usernames than this, whatever MAX_GROUP_MEMBERS is (the server checks that one). */
const MAX_NAMES = 1000;

export const groupIdSchema = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'must be a lowercase UUID version 4');
export const formatSchema = z.union([z.literal(1), z.literal(2)], { error: 'must be 1 or 2' });

const distinct = (names: readonly string[]) => new Set(names).size === names.length;
const nameList = z
  .array(usernameSchema, { error: 'must be a list of usernames' })
  .max(MAX_NAMES, `must name at most ${MAX_NAMES} users`)
  .refine(distinct, 'must not name anyone twice');

// ---- groups ----

export const createGroupRequestSchema = z.strictObject({
  id: groupIdSchema,
  members: nameList.min(1, 'must name at least one other member'),
});
export type CreateGroupRequest = z.infer<typeof createGroupRequestSchema>;

export const changeMembersRequestSchema = z.strictObject({
  add: nameList.optional(),
  remove: nameList.optional(),
  owner: usernameSchema.optional(),
});
export type ChangeMembersRequest = z.infer<typeof changeMembersRequestSchema>;

export const groupSchema = z.object({
  id: groupIdSchema,
  members: z.array(usernameSchema),
  owner: usernameSchema,
  createdAt: timestampSchema,
  version: z.number().int().positive(),
});
export type Group = z.infer<typeof groupSchema>;

export const groupsResponseSchema = z.object({ groups: z.array(groupSchema) });

// ---- messages ----

export const directSendRequestSchema = sendMessageRequestSchema.extend({ format: formatSchema.optional(), attachments: messageAttachmentsSchema.optional() });
export type DirectSendRequest = z.infer<typeof directSendRequestSchema>;

/**
 * `keys` as a list of [username, wrapped key] pairs. Read from the object's own entries: a record schema
 * would build a plain object, where a member named `__proto__` (a valid username) silently disappears.
 */
export const groupKeysSchema = z
  .custom<Record<string, unknown>>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'must be an object of username: wrapped key')
  .transform((v) => Object.entries(v))
  .pipe(
    z
      .array(z.tuple([usernameSchema, rsaCiphertextSchema]))
      .min(1, 'must hold a key for at least one other member')
      .max(MAX_NAMES, `must hold at most ${MAX_NAMES} keys`),
  );

export const groupSendRequestSchema = z.strictObject({
  id: messageIdSchema,
  format: z.literal(2, { error: 'must be 2: group messages are format 2' }),
  group: groupIdSchema,
  keys: groupKeysSchema,
  senderSessionKey: rsaCiphertextSchema,
  body: sealedSchema,
  signature: sealedSchema,
  attachments: messageAttachmentsSchema.optional(),
});
export type GroupSendRequest = z.infer<typeof groupSendRequestSchema>;

/** POST /messages in v2: a group message when the body names `group`, else a direct one. */
export const sendMessageV2RequestSchema = z.union([groupSendRequestSchema, directSendRequestSchema]);

export const messagesQueryV2Schema = messagesQuerySchema
  .extend({ group: groupIdSchema.optional() })
  .refine((q) => q.group === undefined || (q.peer === undefined && q.recipient === undefined), {
    message: 'group cannot be combined with peer or recipient, which select direct messages',
  });
export type MessagesQueryV2 = z.infer<typeof messagesQueryV2Schema>;

const headerCommon = {
  id: messageIdSchema,
  sender: usernameSchema,
  timestamp: timestampSchema,
  seq: seqSchema,
  deletedAt: timestampSchema.optional(),
};

export const directHeaderSchema = z.object({ ...headerCommon, recipient: usernameSchema, format: formatSchema });
export const groupHeaderSchema = z.object({ ...headerCommon, group: groupIdSchema, recipients: z.array(usernameSchema).min(1), format: z.literal(2) });
export const anyMessageHeaderSchema = z.union([groupHeaderSchema, directHeaderSchema]);
export type DirectHeader = z.infer<typeof directHeaderSchema>;
export type GroupHeader = z.infer<typeof groupHeaderSchema>;
export type AnyMessageHeader = z.infer<typeof anyMessageHeaderSchema>;

/** What a reader gets: its own wrapped key only; an erased record (`deletedAt`) has none of the four fields. */
const recordFields = {
  sessionKey: rsaCiphertextSchema.optional(),
  senderSessionKey: rsaCiphertextSchema.optional(),
  body: sealedSchema.optional(),
  signature: sealedSchema.optional(),
  /** The attachment ids the message names (PROTOCOL.md "Attachments"), when it names any. */
  attachments: messageAttachmentsSchema.optional(),
};
export const anyMessageRecordSchema = z.union([groupHeaderSchema.extend(recordFields), directHeaderSchema.extend(recordFields)]);
export type AnyMessageRecord = z.infer<typeof anyMessageRecordSchema>;

export const messagesV2ResponseSchema = z.object({ messages: z.array(anyMessageHeaderSchema) });
export const fullMessagesV2ResponseSchema = z.object({ messages: z.array(anyMessageRecordSchema) });

export const healthV2ResponseSchema = z.object({ status: z.literal('ok'), version: z.string(), protocol: z.literal(PROTOCOL_V2) });

/**
 * What a client accepts in a list or an event: a group item, or a direct one with `format` optional (a v1
 * server sends none: format 1).
 */
export const listedMessageSchema = z.union([groupHeaderSchema, messageHeaderSchema]);
export type ListedMessage = z.infer<typeof listedMessageSchema>;
export const listedMessagesResponseSchema = z.object({ messages: z.array(listedMessageSchema) });
