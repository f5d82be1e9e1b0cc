// Schemas of protocol v2's attachments (PROTOCOL.md "Attachments"): what the server answers for an upload,
// and the `attachments` list a message may carry. The server validates requests with them; clients
// validate answers with them.
import { z } from 'zod';
import { base64Schema, messageIdSchema } from './schemas.js';

/** At most this many attachments per message. */
export const MAX_MESSAGE_ATTACHMENTS = 10;
export const SHA512_BYTES = 64;

/** The id the server makes for an uploaded blob: a UUID v4 in lowercase canonical form, like a message id. */
export const attachmentIdSchema = messageIdSchema;

/** 201 of POST /attachments: the blob's id, its bytes and base64 SHA-512 of the blob. */
export const attachmentUploadResponseSchema = z.object({
  id: attachmentIdSchema,
  size: z.number().int().nonnegative(),
  digest: base64Schema({ bytes: SHA512_BYTES }),
});
export type AttachmentUploadResponse = z.infer<typeof attachmentUploadResponseSchema>;

/** `attachments` on POST /messages and in records: at most 10 distinct ids (the server checks each is the sender's upload); empty means none. */
export const messageAttachmentsSchema = z
  .array(attachmentIdSchema)
  .max(MAX_MESSAGE_ATTACHMENTS, `must name at most ${MAX_MESSAGE_ATTACHMENTS} attachments`)
  .refine((ids) => new Set(ids).size === ids.length, 'must not name an attachment twice');
