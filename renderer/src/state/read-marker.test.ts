// The read marker of a conversation (window state, jsdom): moves forward only, says when the newest
// message was read, and is retried with the next screenful after a refusal.
import { describe, expect, it, vi } from 'vitest';
import { ReadMarker } from './read-marker.js';

const SEQ: Record<string, number> = { a: 1, b: 2, c: 3 };

async function settle() {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

function setup(markRead: (peer: string, seq: number) => Promise<void> = async () => undefined) {
  const api = { markRead: vi.fn(markRead) };
  const onRead = vi.fn();
  const marker = new ReadMarker(api, 'bob', { seqOf: (id) => SEQ[id], newestSeq: () => 3, onRead });
  return { api, onRead, marker };
}

describe('ReadMarker', () => {
  it('moves only forward, and reports the conversation read once the newest message was seen', async () => {
    const { api, onRead, marker } = setup();
    marker.seen(['a', 'b']);
    marker.seen(['a']);
    await settle();
    expect(api.markRead.mock.calls).toEqual([['bob', 2]]);
    expect(onRead).not.toHaveBeenCalled();
    marker.seen(['b', 'c']);
    await settle();
    expect(api.markRead.mock.calls.at(-1)).toEqual(['bob', 3]);
    expect(onRead).toHaveBeenCalledTimes(1);
  });

  it('asks again with the next screenful when the marker did not move', async () => {
    const { api, onRead, marker } = setup(async () => {
      throw new Error('offline');
    });
    marker.seen(['c']);
    await settle();
    marker.seen(['c']);
    await settle();
    expect(api.markRead.mock.calls).toEqual([['bob', 3], ['bob', 3]]);
    expect(onRead).not.toHaveBeenCalled();
  });
});
