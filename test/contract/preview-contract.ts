// The ChatApi contract for the conversation list's previews, as the window sees it: the newest message of each
// conversation asked for, worded the same by every implementation; an empty one without a line; bad asks refused.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatEvent } from '../../core/api/chat-api.js';
import { MAX_PREVIEW_BATCH } from '../../core/api/preview-batch.js';
import { chatError, expectEventShape, positiveInteger, type ContractSetup, type ContractWorld } from './contract-world.js';

export function describePreviewContract(name: string, setup: ContractSetup): void {
  describe(`the ChatApi contract, previews: ${name}`, () => {
    let w: ContractWorld;
    let events: ChatEvent[];

    beforeEach(async () => {
      w = await setup();
      events = [];
      w.api.onEvent((event) => events.push(event));
    });
    afterEach(async () => {
      await w?.close();
      for (const event of events) expectEventShape(event);
    });

    it('refuses before sign-in with locked, and a bad list with invalid_input', async () => {
      await chatError(w.api.previews([w.third]), 'locked');
      await w.api.login(w.me);
      await chatError(w.api.previews(['no such!']), 'invalid_input');
      await chatError(w.api.previews(Array.from({ length: MAX_PREVIEW_BATCH + 1 }, (_, i) => `${w.prefix}${i}`)), 'invalid_input');
      await chatError(w.api.previews('not a list' as unknown as string[]), 'invalid_input');
      expect(await w.api.previews([])).toEqual([]);
    });

    it('words the newest message of each conversation asked for: its first line, "You: " for one’s own, none when empty', async () => {
      await w.api.login(w.me);
      await w.peer.send('See you at 8\nbring the map');
      await w.api.send({ conversation: w.third, text: '  my words  ', id: crypto.randomUUID() });
      // The list is caught up first, as the window does before it asks.
      await w.api.contacts();
      expect(await w.api.previews([w.peer.username, ` ${w.third.toUpperCase()}`, w.nobody])).toEqual([
        { conversation: w.peer.username, lastSeq: positiveInteger(), text: 'See you at 8', failed: false },
        { conversation: w.third, lastSeq: positiveInteger(), text: 'You: my words', failed: false },
        { conversation: w.nobody, lastSeq: null, text: null, failed: false },
      ]);
    });
  });
}
