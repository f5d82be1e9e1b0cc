// The drafts a person leaves in the composer, kept per conversation by the app around the session (on disk
// in the desktop main process, in the page's storage on the web) so they survive a restart and a session
// that ended elsewhere. One key per server, account and conversation, so one account never sees another's.
// No zod here: the window imports this (the argument schemas are in argument-schemas.ts).
import type { ConversationKey } from './view.js';

/** More than any draft worth keeping; the composer itself refuses to send beyond MAX_MESSAGE_TEXT_BYTES. */
export const MAX_DRAFT_CHARS = 256 * 1024;
/** Drafts kept at most; saving one more drops the oldest. */
export const MAX_DRAFTS = 500;

/** A server address (2048), a username and a conversation key fit in it. */
export const MAX_DRAFT_KEY_CHARS = 2_300;

/** The key of a conversation's draft: server, account and conversation, which holds no newline. */
export function draftKey(serverUrl: string, username: string, conversation: ConversationKey): string {
  return `${serverUrl}\n${username}\n${conversation}`;
}

/** The start every key of one account's drafts shares. */
export function draftPrefix(serverUrl: string, username: string): string {
  return `${serverUrl}\n${username}\n`;
}

/**
 * The drafts after saving `text` under `key` (an empty or blank text deletes it), newest last, at most MAX_DRAFTS.
 * Plain data in, plain data out: both stores (a file, the page's storage) keep what this answers.
 */
export function withDraft(drafts: Readonly<Record<string, string>>, key: string, text: string): Record<string, string> {
  const next = Object.fromEntries(Object.entries(drafts).filter(([k]) => k !== key));
  if (text.trim() !== '') next[key] = text;
  const keys = Object.keys(next);
  for (const old of keys.slice(0, Math.max(0, keys.length - MAX_DRAFTS))) delete next[old];
  return next;
}

/** Stored drafts as read back: anything that is not a string under a valid key is dropped. */
export function parseDrafts(raw: string | null): Record<string, string> {
  if (raw === null) return {};
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return {};
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const drafts: Record<string, string> = {};
  for (const [key, text] of Object.entries(value)) {
    const keyOk = key.length > 0 && key.length <= MAX_DRAFT_KEY_CHARS;
    if (keyOk && typeof text === 'string' && text.length <= MAX_DRAFT_CHARS && text.trim() !== '') drafts[key] = text;
  }
  return drafts;
}
