// The size limit of a message's text, where both the session's input schema (schemas.ts) and the window's
// composer read it. No zod here: the window imports this.

/** Longest message text, in UTF-8 bytes: keeps a sealed request well under the server's 256 KiB body limit. */
export const MAX_MESSAGE_TEXT_BYTES = 64 * 1024;
/** From this share of the limit on, the composer shows what is left. */
export const SIZE_WARNING_SHARE = 0.9;

const encoder = new TextEncoder();

/** How a text stands against the limit: its bytes, what is left (negative when over), and whether to say so. */
export function messageSize(text: string): { bytes: number; left: number; over: boolean; near: boolean } {
  const bytes = encoder.encode(text).length;
  const left = MAX_MESSAGE_TEXT_BYTES - bytes;
  return { bytes, left, over: left < 0, near: bytes >= MAX_MESSAGE_TEXT_BYTES * SIZE_WARNING_SHARE };
}
