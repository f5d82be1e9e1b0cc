// Core side (runs anywhere): the format 2 content objects of PROTOCOL.md "v2 message content" — what a
// verified plaintext must be, type by type. A reader calls readContent only after the signature verified.
import { z } from 'zod';
import { decodeBase64, isBase64 } from './base64.js';
import { parseStrictJson } from './strict-json.js';
import { base64Schema, messageIdSchema, usernameSchema } from './schemas.js';

const MAX_FILES = 10;
const MAX_THUMBNAIL_BYTES = 8 * 1024;
const MAX_IMAGE_SIDE = 100_000;
const MAX_EMOJI_BYTES = 32;
const MAX_NAME_CHARS = 255;
const MAX_GROUP_NAME_CHARS = 100;

/** "a length in chars counts Unicode code points" */
const chars = (text: string) => [...text].length;
const encoder = new TextEncoder();

/** ISO 8601 UTC with milliseconds, as the sender's clock wrote it. */
const sentAtSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/, 'must be an ISO 8601 UTC time with milliseconds');
const nonEmptyText = z.string().min(1, 'is empty');
const sortedUnique = (names: string[]) => names.every((name, i) => i === 0 || names[i - 1]! < name);
const usernames = z.array(usernameSchema).refine(sortedUnique, 'must be sorted, without repeats');

export const treeHeadSchema = z.looseObject({
  size: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  root: base64Schema({ bytes: 64 }),
  timestamp: sentAtSchema,
  signature: base64Schema({ minBytes: 1 }),
});

const thumbnailSchema = base64Schema({ minBytes: 1 }).refine((t) => {
  if (!isBase64(t)) return false;
  const bytes = decodeBase64(t);
  const jpeg = bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((b, i) => bytes[i] === b);
  return bytes.length <= MAX_THUMBNAIL_BYTES && (jpeg || png);
}, `must be a JPEG or PNG of at most ${MAX_THUMBNAIL_BYTES} bytes`);

export const fileObjectSchema = z.looseObject({
  attachment: z.uuid(),
  name: z.string().refine((n) => chars(n) >= 1 && chars(n) <= MAX_NAME_CHARS, `must be 1 to ${MAX_NAME_CHARS} characters`),
  mime: z.string().min(1).max(255),
  size: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  key: base64Schema({ bytes: 32 }),
  digest: base64Schema({ bytes: 64 }),
  image: z
    .looseObject({
      width: z.number().int().min(1).max(MAX_IMAGE_SIDE),
      height: z.number().int().min(1).max(MAX_IMAGE_SIDE),
      thumbnail: thumbnailSchema,
    })
    .optional(),
});

const common = { sentAt: sentAtSchema, head: treeHeadSchema.optional() };

export const textContentSchema = z.looseObject({ type: z.literal('text'), text: nonEmptyText, replyTo: messageIdSchema.optional(), ...common });
export const fileContentSchema = z.looseObject({
  type: z.literal('file'),
  files: z.array(fileObjectSchema).min(1).max(MAX_FILES),
  text: z.string().optional(),
  replyTo: messageIdSchema.optional(),
  ...common,
});
export const editContentSchema = z.looseObject({ type: z.literal('edit'), target: messageIdSchema, text: nonEmptyText, ...common });
export const deleteContentSchema = z.looseObject({ type: z.literal('delete'), target: messageIdSchema, ...common });
export const reactionContentSchema = z.looseObject({
  type: z.literal('reaction'),
  target: messageIdSchema,
  emoji: nonEmptyText.refine((e) => encoder.encode(e).length <= MAX_EMOJI_BYTES, `must be at most ${MAX_EMOJI_BYTES} bytes`),
  remove: z.literal(true).optional(),
  ...common,
});
export const groupContentSchema = z.looseObject({
  type: z.literal('group'),
  name: z.string().refine((n) => chars(n) >= 1 && chars(n) <= MAX_GROUP_NAME_CHARS, `must be 1 to ${MAX_GROUP_NAME_CHARS} characters`),
  owner: usernameSchema,
  members: usernames.min(1),
  add: usernames.optional(),
  remove: usernames.optional(),
  ...common,
});

export type TextContent = z.infer<typeof textContentSchema>;
export type FileContent = z.infer<typeof fileContentSchema>;
export type EditContent = z.infer<typeof editContentSchema>;
export type DeleteContent = z.infer<typeof deleteContentSchema>;
export type ReactionContent = z.infer<typeof reactionContentSchema>;
export type GroupContent = z.infer<typeof groupContentSchema>;
export type KnownContent = TextContent | FileContent | EditContent | DeleteContent | ReactionContent | GroupContent;

const SCHEMAS = {
  text: textContentSchema,
  file: fileContentSchema,
  edit: editContentSchema,
  delete: deleteContentSchema,
  reaction: reactionContentSchema,
  group: groupContentSchema,
} as const;

export type ContentReading =
  | { kind: 'known'; content: KnownContent }
  /** A well-formed object of a type this version does not know: "needs a newer version", not failed. */
  | { kind: 'unknown'; content: { type: string; sentAt: string } & Record<string, unknown> }
  | { kind: 'malformed'; reason: string };

/** Reads a verified format 2 plaintext; `where` says whether it came in a direct message or a group. */
export function readContent(plaintext: string, where: 'direct' | 'group'): ContentReading {
  const parsed = parseStrictJson(plaintext);
  if (!parsed) return { kind: 'malformed', reason: 'The message content is not valid JSON, or repeats a field.' };
  const value = parsed.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { kind: 'malformed', reason: 'The message content is not an object.' };
  const object = value as Record<string, unknown>;
  if (typeof object.type !== 'string') return { kind: 'malformed', reason: 'The message content has no type.' };
  if (!sentAtSchema.safeParse(object.sentAt).success) return { kind: 'malformed', reason: 'The message content has no valid sentAt time.' };
  if (object.head !== undefined && !treeHeadSchema.safeParse(object.head).success) {
    return { kind: 'malformed', reason: 'The message content carries an invalid tree head.' };
  }
  const schema = Object.hasOwn(SCHEMAS, object.type) ? SCHEMAS[object.type as keyof typeof SCHEMAS] : undefined;
  if (!schema) return { kind: 'unknown', content: object as { type: string; sentAt: string } & Record<string, unknown> };
  if (object.type === 'group' && where === 'direct') return { kind: 'malformed', reason: 'A group announcement arrived as a direct message.' };
  const checked = schema.safeParse(object);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    return { kind: 'malformed', reason: `The ${object.type} content is not valid (${issue?.path.join('.') || 'content'}: ${issue?.message ?? 'invalid'}).` };
  }
  // The object as the sender wrote it: fields this version does not know are kept, and ignored.
  return { kind: 'known', content: object as KnownContent };
}
