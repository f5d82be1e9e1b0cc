// Contacts on its own, over a fake server API: the list from the index, newest activity first, and details
// with the blocked state.
import { beforeAll, describe, expect, it } from 'vitest';
import { fingerprint } from '../crypto/fingerprint.js';
import { failure } from '../test-fixtures/waiting.js';
import { importedKeys, keyFixture } from '../test-fixtures/vectors.js';
import { Blocking } from './blocking.js';
import { Contacts } from './contacts.js';
import { KeyDirectory } from './key-directory.js';
import { Listings } from './listings.js';
import { MessageReader } from './message-reader.js';
import { fakeApi, headerOf, on, sessionOn, noKeyLog } from '../test-fixtures/client-doubles.js';

let keys: Awaited<ReturnType<typeof importedKeys>>;
beforeAll(async () => {
  keys = await importedKeys('alice');
});

async function contactsOf(blocked: string[]) {
  const { publicKey } = keyFixture('bob');
  const profile = { username: 'bob_1', publicKey, fingerprint: await fingerprint(publicKey), createdAt: '2026-12-01T10:00:00.000Z' };
  const { http, api } = fakeApi(on('GET', '/users/bob_1', { status: 200, data: profile }), on('GET', '/blocks', { status: 200, data: { blocked } }));
  const s = await sessionOn('alice_1', keys);
  const session = () => s;
  const keyDirectory = new KeyDirectory(api, noKeyLog(), session, () => undefined);
  const reader = new MessageReader(api, keyDirectory, new Listings(api, session), session);
  return { http, s, contacts: new Contacts(keyDirectory, new Blocking(api), reader, session) };
}

describe('Contacts', () => {
  it('lists the index newest first, with unread counts, and a key status even when the key cannot be had', async () => {
    const { s, contacts } = await contactsOf([]);
    s.index.record(headerOf(1, 'carol_1', 'alice_1'), 'alice_1');
    s.index.record(headerOf(2, 'bob_1', 'alice_1'), 'alice_1');
    expect((await contacts.list(s)).map((c) => [c.username, c.unread, c.keyStatus])).toEqual([
      ['bob_1', 1, 'pinned'],
      ['carol_1', 1, 'unknown'],
    ]);
  });

  it('shows the blocked state in the details, and refuses blocking oneself', async () => {
    const { http, contacts } = await contactsOf(['bob_1']);
    expect(await contacts.details('bob_1', false)).toMatchObject({ username: 'bob_1', keyStatus: 'pinned', blocked: true, serverFingerprint: null });
    const asked = http.requests.length;
    expect((await failure(contacts.setBlocked('alice_1', true))).message).toBe('You cannot block yourself.');
    expect(http.requests).toHaveLength(asked);
  });
});
