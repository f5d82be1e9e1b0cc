// message-size.ts: bytes counted as UTF-8, near from 90% of the limit, over past it.
import { describe, expect, it } from 'vitest';
import { MAX_MESSAGE_TEXT_BYTES, messageSize } from './message-size.js';
import { messageTextSchema } from './schemas.js';

describe('messageSize', () => {
  it('counts UTF-8 bytes, not characters', () => {
    expect(messageSize('héllo 👋')).toMatchObject({ bytes: 11, over: false, near: false });
  });

  it('is near from 90% of the limit and over past it, as the input schema refuses it', () => {
    expect(messageSize('a'.repeat(Math.ceil(MAX_MESSAGE_TEXT_BYTES * 0.9) - 1)).near).toBe(false);
    expect(messageSize('a'.repeat(Math.ceil(MAX_MESSAGE_TEXT_BYTES * 0.9)))).toMatchObject({ near: true, over: false });
    const full = 'a'.repeat(MAX_MESSAGE_TEXT_BYTES);
    expect(messageSize(full)).toMatchObject({ left: 0, over: false });
    expect(messageTextSchema.safeParse(full).success).toBe(true);
    expect(messageSize(`${full}é`)).toMatchObject({ left: -2, over: true });
    expect(messageTextSchema.safeParse(`${full}é`).success).toBe(false);
  });
});
