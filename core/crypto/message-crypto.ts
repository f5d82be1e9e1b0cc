// Core side: the message construction of PROTOCOL.md "Messages" — sealing for sending and opening for reading.
import { MESSAGE_HEADER_PREFIX, SESSION_KEY_BYTES } from '../protocol/constants.js';
import { decodeBase64, encodeBase64 } from '../protocol/base64.js';
import type { SendMessageRequest } from '../protocol/schemas.js';
import type { FailureCode } from '../api/view.js';
import { importAesKey, open, seal } from './aead.js';
import { sign, unwrapKey, verify, wrapKey, type PrivateKeys, type PublicKeys } from './rsa.js';
import { concatBytes, fromUtf8, randomBytes, utf8 } from './webcrypto.js';

/** H = "encrypted-chat/v1/message\n" + sender + "\n" + recipient + "\n" + id */
export function messageHeader(sender: string, recipient: string, id: string): string {
  return `${MESSAGE_HEADER_PREFIX}\n${sender}\n${recipient}\n${id}`;
}

export function bodyAad(header: string): Uint8Array<ArrayBuffer> {
  return utf8(`${header}\nbody`);
}

export function signatureAad(header: string): Uint8Array<ArrayBuffer> {
  return utf8(`${header}\nsignature`);
}

/** The bytes the PSS signature covers: UTF-8(H + "\n") || m. */
export function signedBytes(header: string, plaintext: Uint8Array): Uint8Array<ArrayBuffer> {
  return concatBytes(utf8(`${header}\n`), plaintext);
}

/** A lowercase UUID v4 from the platform's random source. */
export function newMessageId(): string {
  return globalThis.crypto.randomUUID().toLowerCase();
}

export interface SealInput {
  id: string;
  sender: string;
  recipient: string;
  plaintext: Uint8Array;
  senderPrivateKey: PrivateKeys;
  senderPublicKey: PublicKeys;
  recipientPublicKey: PublicKeys;
}

export async function sealMessage(input: SealInput): Promise<SendMessageRequest> {
  const header = messageHeader(input.sender, input.recipient, input.id);
  const sealed = await sealUnder(header, input.plaintext, input.senderPrivateKey, [input.recipientPublicKey, input.senderPublicKey]);
  return {
    id: input.id,
    recipient: input.recipient,
    sessionKey: sealed.wrappedKeys[0]!,
    senderSessionKey: sealed.wrappedKeys[1]!,
    body: sealed.body,
    signature: sealed.signature,
  };
}

/**
 * Seals a plaintext under header H (every format and kind of conversation shares this): a fresh K, wrapped for
 * each of `wrapFor` in order, the body and the sealed signature, all base64.
 */
export async function sealUnder(
  header: string,
  plaintext: Uint8Array,
  senderPrivateKey: PrivateKeys,
  wrapFor: readonly PublicKeys[],
): Promise<{ wrappedKeys: string[]; body: string; signature: string }> {
  const rawKey = randomBytes(SESSION_KEY_BYTES);
  try {
    const key = await importAesKey(rawKey);
    // The signature (the costly private-key operation) runs beside the wraps and the body.
    const [sealedSignature, body, ...wrapped] = await Promise.all([
      sign(senderPrivateKey, signedBytes(header, plaintext)).then((signature) => seal(key, signature, signatureAad(header))),
      seal(key, plaintext, bodyAad(header)),
      ...wrapFor.map((publicKey) => wrapKey(publicKey, rawKey)),
    ]);
    return { wrappedKeys: wrapped.map(encodeBase64), body: encodeBase64(body), signature: encodeBase64(sealedSignature) };
  } finally {
    rawKey.fill(0);
  }
}

/** The fields of a stored record that reading needs (PROTOCOL.md GET /messages/{id}). */
export interface SealedRecord {
  id: string;
  sender: string;
  recipient: string;
  sessionKey: string;
  senderSessionKey: string;
  body: string;
  signature: string;
}

export type OpenedMessage =
  | { ok: true; text: string; signature: Uint8Array<ArrayBuffer>; signed: Uint8Array<ArrayBuffer> }
  | { ok: false; code: FailureCode; reason: string };

/**
 * Unwraps K and opens body and signature with the AAD rebuilt from the record's own sender, recipient and id.
 * Verification is a separate step because which key to verify with is the session's decision (pins).
 */
export async function openMessage(
  record: SealedRecord,
  reader: string,
  privateKey: PrivateKeys,
  /** Which wrapped key to use; by default the one the reader's role (recipient or sender) says. */
  use?: 'sessionKey' | 'senderSessionKey',
): Promise<OpenedMessage> {
  const field = use ?? (record.recipient === reader ? 'sessionKey' : record.sender === reader ? 'senderSessionKey' : null);
  if (field === null) return { ok: false, code: 'malformed', reason: 'This message is addressed neither to you nor from you.' };
  const wrapped = record[field];

  return openSealed(messageHeader(record.sender, record.recipient, record.id), wrapped, record.body, record.signature, privateKey);
}

/**
 * Opens a sealed message under header H (every format and kind of conversation shares this): unwraps K,
 * opens body and signature with the AADs of H. The plaintext must be UTF-8; what it means is the caller's.
 */
export async function openSealed(header: string, wrapped: string, body: string, sealedSignature: string, privateKey: PrivateKeys): Promise<OpenedMessage> {
  let rawKey: Uint8Array;
  try {
    rawKey = await unwrapKey(privateKey, decodeBase64(wrapped));
  } catch {
    return { ok: false, code: 'decrypt_failed', reason: 'The message key could not be decrypted: the message was altered or was not encrypted for you.' };
  }
  if (rawKey.length !== SESSION_KEY_BYTES) {
    rawKey.fill(0);
    return { ok: false, code: 'decrypt_failed', reason: 'The message key has the wrong size: the message was altered.' };
  }
  let plaintext: Uint8Array;
  let signature: Uint8Array<ArrayBuffer>;
  try {
    const key = await importAesKey(rawKey);
    [plaintext, signature] = await Promise.all([
      open(key, decodeBase64(body), bodyAad(header)).catch(() => {
        throw new Error('The message text could not be decrypted: it was altered, or its sender, recipients, id or format were changed.');
      }),
      open(key, decodeBase64(sealedSignature), signatureAad(header)).catch(() => {
        throw new Error('The message signature could not be decrypted: it was altered or belongs to another message.');
      }),
    ]);
  } catch (error) {
    return { ok: false, code: 'decrypt_failed', reason: (error as Error).message };
  } finally {
    rawKey.fill(0);
  }
  let text: string;
  try {
    text = fromUtf8(plaintext);
  } catch {
    return { ok: false, code: 'malformed', reason: 'The message text is not valid UTF-8.' };
  }
  return { ok: true, text, signature, signed: signedBytes(header, plaintext) };
}

export async function verifyOpened(opened: { signature: Uint8Array; signed: Uint8Array }, senderKey: PublicKeys): Promise<boolean> {
  try {
    return await verify(senderKey, opened.signature, opened.signed);
  } catch {
    return false;
  }
}
