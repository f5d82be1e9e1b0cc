// MessageReader on its own, over a fake server API with the fixture keys: what is shown comes from the record
// and its signature, judged views are cached until the keys change, and a listing that disagrees is shown.
import { beforeAll, describe, expect, it } from 'vitest';
import { fingerprint } from '../crypto/fingerprint.js';
import { sealMessage } from '../crypto/message-crypto.js';
import { utf8 } from '../crypto/webcrypto.js';
import { failure } from '../test-fixtures/waiting.js';
import { importedKeys, keyFixture } from '../test-fixtures/vectors.js';
import { KeyDirectory } from './key-directory.js';
import { Listings } from './listings.js';
import { MessageReader } from './message-reader.js';
import { fakeApi, headerOf, on, sessionOn, type Route, noKeyLog } from '../test-fixtures/client-doubles.js';

type Keys = Awaited<ReturnType<typeof importedKeys>>;
let alice: Keys, bob: Keys, carol: Keys;
beforeAll(async () => {
  [alice, bob, carol] = await Promise.all([importedKeys('alice'), importedKeys('bob'), importedKeys('carol')]);
});

/** A record of a message `signer` sealed in the name of bob_1, for alice_1. */
async function recordFrom(signer: Keys, seq: number) {
  const header = headerOf(seq, 'bob_1', 'alice_1');
  const sealed = await sealMessage({
    id: header.id,
    sender: 'bob_1',
    recipient: 'alice_1',
    plaintext: utf8(`message ${seq}`),
    senderPrivateKey: signer.privateKey,
    senderPublicKey: signer.publicKey,
    recipientPublicKey: alice.publicKey,
  });
  return { ...sealed, ...header };
}

async function readerWith(...routes: Route[]) {
  const { publicKey } = keyFixture('bob');
  const bobProfile = { username: 'bob_1', publicKey, fingerprint: await fingerprint(publicKey), createdAt: '2026-12-01T10:00:00.000Z' };
  const { http, api } = fakeApi(...routes, on('GET', '/users/bob_1', { status: 200, data: bobProfile }));
  const s = await sessionOn('alice_1', alice);
  const listings = new Listings(api, () => s);
  const items = new MessageReader(api, new KeyDirectory(api, noKeyLog(), () => s, () => undefined), listings, () => s);
  // As MessageViews shows them, without the conversation's changes (content-view.test.ts has those).
  const reader = {
    read: async (ids: string[]) => (await items.items(ids)).map((i) => listings.placed(i.view)),
    forgetViewsOf: (peer: string) => items.forgetViewsOf(peer),
  };
  return { http, reader, listings };
}

describe('MessageReader', () => {
  it('verifies a message with the pinned key, and reads it from the cache the second time', async () => {
    const record = await recordFrom(bob, 1);
    const { http, reader } = await readerWith(on('GET', `/messages/${record.id}`, { status: 200, data: record }));
    expect(await reader.read([record.id])).toEqual([expect.objectContaining({ text: 'message 1', status: 'verified', outgoing: false })]);
    const fetched = http.requests.length;
    await reader.read([record.id]);
    expect(http.requests).toHaveLength(fetched);
    reader.forgetViewsOf('bob_1');
    await reader.read([record.id]);
    expect(http.requests.length).toBeGreaterThan(fetched);
  });

  it('fails a message signed with another key than the pinned one', async () => {
    const record = await recordFrom(carol, 2);
    const { reader } = await readerWith(on('GET', `/messages/${record.id}`, { status: 200, data: record }));
    expect((await reader.read([record.id]))[0]).toMatchObject({ status: 'bad_signature', text: null });
  });

  it('shows a record that is no message of this account as malformed, and a missing one as not found', async () => {
    const record = await recordFrom(bob, 3);
    const { reader } = await readerWith(
      on('GET', `/messages/${record.id}`, { status: 200, data: { ...record, recipient: 'carol_1' } }),
      on('GET', '/messages/00000000-0000-4000-8000-000000000004', { status: 200, data: { id: 'garbage' } }),
    );
    expect((await reader.read([record.id]))[0]).toMatchObject({ status: 'malformed', text: null });
    expect((await reader.read(['00000000-0000-4000-8000-000000000004']))[0]).toMatchObject({ status: 'malformed', sender: '' });
    expect((await failure(reader.read(['00000000-0000-4000-8000-000000000005']))).code).toBe('not_found');
  });

  it('shows a verified message as misplaced when it was listed in another conversation', async () => {
    const record = await recordFrom(bob, 6);
    const { reader, listings } = await readerWith(on('GET', `/messages/${record.id}`, { status: 200, data: record }));
    listings.note(headerOf(6, 'bob_1', 'alice_1'), 'carol_1');
    expect((await reader.read([record.id]))[0]).toMatchObject({ status: 'misplaced', text: null });
  });
});
