// LiveConnection on its own, with a fake server API whose event stream is refused: a refused stream is
// reopened once the session signed in again, and ends the session otherwise.
import { describe, expect, it } from 'vitest';
import { ChatError } from '../api/errors.js';
import { until } from '../test-fixtures/waiting.js';
import { importedKeys } from '../test-fixtures/vectors.js';
import { IndexSync } from './index-sync.js';
import { Listings } from './listings.js';
import { LiveConnection, type LiveLoss } from './live-connection.js';
import { fakeApi, sessionOn } from '../test-fixtures/client-doubles.js';

async function liveWith(loss: Partial<LiveLoss>) {
  const s = await sessionOn('alice_1', await importedKeys('alice'));
  const { http, api } = fakeApi((r) => (r.path === '/messages' ? { status: 200, data: { messages: [] } } : undefined));
  let opened = 0;
  http.openEvents = async () => {
    opened++;
    throw new ChatError('unauthorized', 'Your session has ended. Sign in again.');
  };
  const listings = new Listings(api, () => s);
  const sync = new IndexSync({ api, listings, session: () => s, current: () => s, exclusive: (run) => run(), announce: () => undefined, report: () => undefined });
  const states: string[] = [];
  const live = new LiveConnection(
    { api, sync, reconnectDelaysMs: [5], exclusive: (run) => run(), onState: (state) => states.push(state) },
    { renew: async () => false, restart: async () => undefined, end: async () => undefined, ...loss },
  );
  return { s, live, states, opened: () => opened };
}

describe('LiveConnection', () => {
  it('ends the session when the stream is refused and signing in again fails', async () => {
    const ended: string[] = [];
    const { s, live, opened } = await liveWith({ end: async (error) => void ended.push(error.info.code) });
    live.start(s, () => undefined);
    await until(() => ended.length > 0, 'the session to end');
    expect(ended).toEqual(['unauthorized']);
    expect(opened()).toBe(1);
    expect(live.running).toBe(false);
    await live.stop();
  });

  it('opens the stream again once the session signed in again', async () => {
    let restarts = 0;
    const { s, live } = await liveWith({ renew: async () => true, restart: async () => void restarts++ });
    live.start(s, () => undefined);
    await until(() => restarts > 0, 'the restart');
    await live.stop();
    expect(restarts).toBe(1);
  });
});
