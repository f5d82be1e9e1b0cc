// Core side (runs anywhere): the schemas of the ChatApi's attachment requests (sendFiles, fileBytes,
// cancelTransfer, saveFile), checked by every serving side of a boundary before the call runs. Bytes cross as
// a Uint8Array (structured clone keeps it, over Electron IPC and worker messages alike).
import { z } from 'zod';
import { fileObjectSchema } from '../protocol/content.js';
import { MAX_MESSAGE_ATTACHMENTS } from '../protocol/schemas-attachments.js';
import { messageIdSchema } from '../protocol/schemas.js';
import { conversationKeySchema, messageTextSchema } from './schemas.js';

/** The id a caller picks for one transfer: progress events carry it, cancelTransfer names it. */
export const transferIdSchema = z
  .string({ error: 'must be text' })
  .regex(/^[A-Za-z0-9_.:-]{1,100}$/, 'must be 1 to 100 letters, digits or _ . : -');

const fileObject = fileObjectSchema.shape;
/** width, height (positive integers up to 100000) and a JPEG or PNG thumbnail of at most 8 KiB, base64. */
export const outgoingImageSchema = z.strictObject({
  width: fileObject.image.unwrap().shape.width,
  height: fileObject.image.unwrap().shape.height,
  thumbnail: fileObject.image.unwrap().shape.thumbnail,
});

export const outgoingFileSchema = z.strictObject({
  name: fileObject.name,
  mime: fileObject.mime,
  bytes: z.instanceof(Uint8Array, { error: 'must be bytes (a Uint8Array)' }),
  image: outgoingImageSchema.optional(),
});

export const sendFilesRequestSchema = z.strictObject({
  to: conversationKeySchema,
  files: z.array(outgoingFileSchema).min(1, 'must hold at least one file').max(MAX_MESSAGE_ATTACHMENTS, `at most ${MAX_MESSAGE_ATTACHMENTS} files at once`),
  text: messageTextSchema.optional(),
  replyTo: messageIdSchema.optional(),
  transfer: transferIdSchema,
});

export const fileIndexSchema = z.number({ error: 'must be a number' }).int('must be an integer').min(0).max(MAX_MESSAGE_ATTACHMENTS - 1);

export const fileRefSchema = z.strictObject({
  conversation: conversationKeySchema,
  messageId: messageIdSchema,
  index: fileIndexSchema,
  transfer: transferIdSchema,
});
