// Core side (runs anywhere): the bytes the key log hashes and signs (PROTOCOL.md "Key transparency") — an
// entry, a signed tree head — and the check of a head's signature with the pinned log key.
import { decodeBase64, isBase64 } from '../protocol/base64.js';
import { verify, type PublicKeys } from '../crypto/rsa.js';
import { utf8 } from '../crypto/webcrypto.js';
import { leafHash, type Hash } from './merkle.js';

export interface LogEntry {
  index: number;
  username: string;
  /** base64 SPKI; null for an account's deletion. */
  publicKey: string | null;
  timestamp: string;
}

export interface SignedTreeHead {
  size: number;
  /** base64 of 64 bytes */
  root: string;
  timestamp: string;
  /** base64 RSA-PSS signature by the log key */
  signature: string;
}

export function entryBytes(entry: LogEntry): Uint8Array<ArrayBuffer> {
  return utf8(`encrypted-chat/v2/key-entry\n${entry.index}\n${entry.username}\n${entry.publicKey ?? ''}\n${entry.timestamp}`);
}

export const entryLeafHash = (entry: LogEntry): Promise<Hash> => leafHash(entryBytes(entry));

/** The signed string keeps `root` as its base64 text. */
export function treeHeadBytes(head: Pick<SignedTreeHead, 'size' | 'root' | 'timestamp'>): Uint8Array<ArrayBuffer> {
  return utf8(`encrypted-chat/v2/tree-head\n${head.size}\n${head.root}\n${head.timestamp}`);
}

export async function verifyTreeHead(head: SignedTreeHead, logKey: PublicKeys): Promise<boolean> {
  if (!Number.isSafeInteger(head.size) || head.size < 0 || !isBase64(head.signature) || !isBase64(head.root)) return false;
  try {
    return await verify(logKey, decodeBase64(head.signature), treeHeadBytes(head));
  } catch {
    return false;
  }
}
