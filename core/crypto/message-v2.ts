// Core side (runs anywhere): the v2 message constructions of PROTOCOL.md — format 2 direct messages and group
// messages — and the one reading of a stored record of any format, which picks the header H the record's own
// fields say and the wrapped key that is the reader's.
import type { FailureCode } from '../api/view.js';
import { messageHeader, openSealed, sealUnder, type OpenedMessage, type SealInput } from './message-crypto.js';
import type { PrivateKeys, PublicKeys } from './rsa.js';

export const DIRECT_V2_PREFIX = 'encrypted-chat/v2/message';
export const GROUP_PREFIX = 'encrypted-chat/v2/group-message';

/** H of a format 2 direct message: v1's, with the v2 prefix, so a changed `format` fails to open. */
export function directHeaderV2(sender: string, recipient: string, id: string): string {
  return `${DIRECT_V2_PREFIX}\n${sender}\n${recipient}\n${id}`;
}

/** H of a group message: binds the group, the id and exactly who it was sealed for. */
export function groupHeader(sender: string, group: string, id: string, recipients: readonly string[]): string {
  return `${GROUP_PREFIX}\n${sender}\n${group}\n${id}\n${recipients.join(',')}`;
}

/** v1's construction under the v2 header; the plaintext is a format 2 content object. */
export async function sealDirectV2(input: SealInput) {
  const header = directHeaderV2(input.sender, input.recipient, input.id);
  const sealed = await sealUnder(header, input.plaintext, input.senderPrivateKey, [input.recipientPublicKey, input.senderPublicKey]);
  return {
    id: input.id,
    format: 2 as const,
    recipient: input.recipient,
    sessionKey: sealed.wrappedKeys[0]!,
    senderSessionKey: sealed.wrappedKeys[1]!,
    body: sealed.body,
    signature: sealed.signature,
  };
}

export interface GroupInput {
  id: string;
  sender: string;
  group: string;
  /** Every member but the sender, with the public key it is sealed to (any order: sorted here). */
  recipients: ReadonlyArray<{ username: string; publicKey: PublicKeys }>;
  plaintext: Uint8Array;
  senderPrivateKey: PrivateKeys;
  senderPublicKey: PublicKeys;
}

export async function sealGroupMessage(input: GroupInput) {
  const sorted = [...input.recipients].sort((a, b) => (a.username < b.username ? -1 : a.username > b.username ? 1 : 0));
  const names = sorted.map((r) => r.username);
  if (names.length === 0) throw new RangeError('a group message needs at least one other member');
  if (names.some((n, i) => n === input.sender || (i > 0 && n === names[i - 1]))) throw new RangeError('recipients must be other members, once each');
  const header = groupHeader(input.sender, input.group, input.id, names);
  const sealed = await sealUnder(header, input.plaintext, input.senderPrivateKey, [...sorted.map((r) => r.publicKey), input.senderPublicKey]);
  const keys: Record<string, string> = {};
  names.forEach((name, i) => (keys[name] = sealed.wrappedKeys[i]!));
  return {
    id: input.id,
    format: 2 as const,
    group: input.group,
    keys,
    senderSessionKey: sealed.wrappedKeys[names.length]!,
    body: sealed.body,
    signature: sealed.signature,
  };
}

/** A stored record as the server answers it (a group record may also carry the whole `keys` map, as in tests). */
export interface AnyRecord {
  id: string;
  sender: string;
  format?: number;
  recipient?: string;
  group?: string;
  recipients?: string[];
  sessionKey?: string;
  senderSessionKey: string;
  keys?: Record<string, string>;
  body: string;
  signature: string;
}

export type Framing =
  | { ok: true; format: 1 | 2; header: string; wrapped: string }
  | { ok: false; code: FailureCode; reason: string };

const fail = (code: FailureCode, reason: string): Framing => ({ ok: false, code, reason });

/** Which H the record's own fields make, and which wrapped key is the reader's; no cryptography yet. */
export function frameRecord(record: AnyRecord, reader: string): Framing {
  const format = record.format ?? 1;
  if (format !== 1 && format !== 2) return fail('malformed', `This message has format ${String(format)}, which this version does not know.`);
  if (record.group !== undefined) {
    if (format !== 2) return fail('malformed', 'A group message must be in format 2.');
    const recipients = record.recipients;
    if (!Array.isArray(recipients) || recipients.length === 0) return fail('malformed', 'This group message names no recipients.');
    if (!recipients.every((name, i) => i === 0 || recipients[i - 1]! < name)) return fail('malformed', 'The recipients of this group message are not sorted, or repeat a name.');
    if (recipients.includes(record.sender)) return fail('malformed', 'The recipients of this group message include its sender.');
    const header = groupHeader(record.sender, record.group, record.id, recipients);
    if (reader === record.sender) return { ok: true, format, header, wrapped: record.senderSessionKey };
    if (!recipients.includes(reader)) return fail('malformed', 'This message is addressed neither to you nor from you.');
    const wrapped = record.sessionKey ?? record.keys?.[reader];
    if (wrapped === undefined) return fail('decrypt_failed', 'The server gave no key of this message for you.');
    return { ok: true, format, header, wrapped };
  }
  if (record.recipient === undefined) return fail('malformed', 'This message names neither a recipient nor a group.');
  const header = format === 1 ? messageHeader(record.sender, record.recipient, record.id) : directHeaderV2(record.sender, record.recipient, record.id);
  const wrapped = record.recipient === reader ? record.sessionKey : record.sender === reader ? record.senderSessionKey : undefined;
  if (wrapped === undefined) return fail('malformed', 'This message is addressed neither to you nor from you.');
  return { ok: true, format, header, wrapped };
}

/** Opens any stored record for `reader`; verifying the signature (with the pinned key) stays the caller's. */
export async function openRecord(record: AnyRecord, reader: string, privateKey: PrivateKeys): Promise<OpenedMessage & { format?: 1 | 2 }> {
  const framing = frameRecord(record, reader);
  if (!framing.ok) return framing;
  const opened = await openSealed(framing.header, framing.wrapped, record.body, record.signature, privateKey);
  return opened.ok ? { ...opened, format: framing.format } : opened;
}

