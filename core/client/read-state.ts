// Core side (runs in Node, Electron main and the browser worker): the read markers as the sealed account state
// holds them (docs/protocol.md "Read state across devices"): strict JSON `{"v":1,"read":{"<key>":seq,...}}`,
// sealed under the account-state key, at most ACCOUNT_STATE_MAX_BYTES once sealed.
import { SEALED_MIN_BYTES } from '../protocol/constants.js';
import { ACCOUNT_STATE_MAX_BYTES, READ_STATE_VERSION, readStateSchema } from '../protocol/schemas-account-state.js';
import { parseStrictJson } from '../protocol/strict-json.js';
import { openAccountState, sealAccountState } from '../crypto/account-state.js';
import { fromUtf8, utf8 } from '../crypto/webcrypto.js';

export type ReadMarkers = Record<string, number>;

/** What a stored blob turned out to be. */
export type OpenedReadState =
  | { kind: 'read'; read: ReadMarkers }
  /** Written by a newer version of the app: not to be overwritten by this one. */
  | { kind: 'newer'; version: number }
  /** Not sealed under this account's key, altered, or not a read state once opened. */
  | { kind: 'unreadable' };

/** The highest seq of each conversation in either. */
export function mergeMarkers(a: ReadMarkers, b: ReadMarkers): ReadMarkers {
  const merged: ReadMarkers = { ...a };
  for (const [key, seq] of Object.entries(b)) if (seq > (merged[key] ?? 0)) merged[key] = seq;
  return merged;
}

/** True when `local` holds a marker ahead of `remote`'s. */
export function aheadOf(local: ReadMarkers, remote: ReadMarkers): boolean {
  return Object.entries(local).some(([key, seq]) => seq > (remote[key] ?? 0));
}

/**
 * The plaintext, newest markers first. Past the size limit the oldest (lowest seq: read longest ago, as seqs
 * only grow) are left out; another device then counts those conversations by its own markers.
 */
export function encodeReadState(read: ReadMarkers, maxBytes = ACCOUNT_STATE_MAX_BYTES - SEALED_MIN_BYTES): string {
  const entries = Object.entries(read).sort(([ka, a], [kb, b]) => b - a || (ka < kb ? -1 : 1));
  const open = `{"v":${READ_STATE_VERSION},"read":{`;
  const close = '}}';
  // Keys are ASCII (usernames, group:<uuid>), so characters are bytes.
  let length = open.length + close.length;
  const kept: string[] = [];
  for (const [key, seq] of entries) {
    const item = `${JSON.stringify(key)}:${seq}`;
    const added = item.length + (kept.length > 0 ? 1 : 0);
    if (length + added > maxBytes) break;
    kept.push(item);
    length += added;
  }
  return open + kept.join(',') + close;
}

export function decodeReadState(plaintext: Uint8Array): OpenedReadState {
  let text: string;
  try {
    text = fromUtf8(plaintext);
  } catch {
    return { kind: 'unreadable' };
  }
  const parsed = parseStrictJson(text);
  if (!parsed) return { kind: 'unreadable' };
  const version = (parsed.value as { v?: unknown } | null)?.v;
  if (typeof version === 'number' && Number.isInteger(version) && version > READ_STATE_VERSION) return { kind: 'newer', version };
  const state = readStateSchema.safeParse(parsed.value);
  return state.success ? { kind: 'read', read: state.data.read } : { kind: 'unreadable' };
}

export async function sealReadState(key: CryptoKey, username: string, read: ReadMarkers): Promise<Uint8Array> {
  return sealAccountState(key, username, utf8(encodeReadState(read)));
}

export async function openReadState(key: CryptoKey, username: string, blob: Uint8Array): Promise<OpenedReadState> {
  let plaintext: Uint8Array;
  try {
    plaintext = await openAccountState(key, username, blob);
  } catch {
    return { kind: 'unreadable' };
  }
  return decodeReadState(plaintext);
}
