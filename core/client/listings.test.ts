// Listings on its own, over a fake server API: listings checked against the account and conversation, and a
// record shown as misplaced when a listing said otherwise.
import { describe, expect, it } from 'vitest';
import type { MessageView } from '../api/view.js';
import { failure } from '../test-fixtures/waiting.js';
import { Listings } from './listings.js';
import { plainView } from './message-reader.js';
import type { Session } from './session.js';
import { fakeApi, headerOf, on } from '../test-fixtures/client-doubles.js';

const me = () => ({ username: 'alice_1' }) as Session;
const listing = (...messages: unknown[]) => on('GET', '/messages', { status: 200, data: { messages } });
const verified = (h: ReturnType<typeof headerOf>): MessageView => ({
  ...plainView({ ...h, group: null, conversation: h.sender === 'alice_1' ? h.recipient : h.sender, outgoing: false }, 'hi', 'verified', null),
});

describe('Listings', () => {
  it('refuses a listing with messages of others or of another conversation', async () => {
    const others = new Listings(fakeApi(listing(headerOf(1, 'bob_1', 'carol_1'))).api, me);
    expect((await failure(others.listAll({}))).message).toBe('The server listed a message that is not yours.');
    const outside = new Listings(fakeApi(listing(headerOf(1, 'carol_1', 'alice_1'))).api, me);
    expect((await failure(outside.conversation('bob_1', {}))).message).toBe('The server listed a message outside the conversation asked for.');
    const group = '6f1c2a9e-7b4d-4e2a-9c1f-5d6e7f8a9b0c';
    const direct = new Listings(fakeApi(listing(headerOf(1, 'bob_1', 'alice_1'))).api, me);
    expect((await failure(direct.conversation(`group:${group}`, {}))).message).toBe('The server listed a message outside the conversation asked for.');
  });

  it('shows a record as listed, or as misplaced when the listing named another conversation or other fields', async () => {
    const h = headerOf(1, 'bob_1', 'alice_1');
    const listings = new Listings(fakeApi(listing(h)).api, me);
    await listings.conversation('bob_1', {});
    expect(listings.placed(verified(h)).status).toBe('verified');
    listings.note(h, 'carol_1');
    expect(listings.placed(verified(h))).toMatchObject({ status: 'misplaced', text: null, reason: 'The server listed this message in the wrong conversation.' });

    const other = new Listings(fakeApi().api, me);
    other.note(h, undefined);
    expect(other.placed(verified({ ...h, seq: 2 })).status).toBe('misplaced');
    other.note({ ...h, timestamp: '2026-01-01T00:00:00.000Z' }, undefined);
    expect(other.placed(verified(h)).status).toBe('misplaced');
    expect(other.placed(verified(headerOf(5, 'bob_1', 'alice_1'))).status).toBe('verified');
  });

  it('finds the time of a seq from what it showed, else asks the server', async () => {
    const h = headerOf(7, 'bob_1', 'alice_1');
    const { http, api } = fakeApi(listing(h));
    const listings = new Listings(api, me);
    expect(await listings.timestampOf('bob_1', 7)).toBe(h.timestamp);
    expect(http.requests[0]!.options.query).toEqual({ peer: 'bob_1', after: 6, limit: 1 });
    expect(listings.view(headerOf(9, 'alice_1', 'bob_1'), 'alice_1').outgoing).toBe(true);
    expect(await listings.timestampOf('bob_1', 9)).toBe(headerOf(9, 'alice_1', 'bob_1').timestamp);
    expect(http.requests).toHaveLength(1);
    expect(await listings.timestampOf('bob_1', 8)).toBeNull();
  });
});
