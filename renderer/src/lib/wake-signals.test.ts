// watchWakeSignals: visibility told at once and on each change, the network's return asks for a try now.
import { describe, expect, it } from 'vitest';
import { FakeChatApi } from '../../test/fake-chat-api.js';
import { watchWakeSignals } from './wake-signals.js';

describe('watchWakeSignals', () => {
  it('tells visibility and the network coming back, until stopped', async () => {
    const api = new FakeChatApi();
    let state: DocumentVisibilityState = 'hidden';
    const doc = Object.defineProperty(new EventTarget(), 'visibilityState', { get: () => state });
    const win = new EventTarget();
    const stop = watchWakeSignals(api, { document: doc, window: win } as never);
    await Promise.resolve();
    expect(api.callsOf('setVisible')).toEqual([[false]]);
    state = 'visible';
    doc.dispatchEvent(new Event('visibilitychange'));
    win.dispatchEvent(new Event('online'));
    expect(api.callsOf('setVisible')).toEqual([[false], [true]]);
    expect(api.callsOf('reconnectNow')).toEqual([[]]);
    stop();
    win.dispatchEvent(new Event('online'));
    doc.dispatchEvent(new Event('visibilitychange'));
    expect(api.callsOf('reconnectNow')).toHaveLength(1);
    expect(api.callsOf('setVisible')).toHaveLength(2);
  });
});
