// The read markers on their own: the sealed plaintext (strict, size-bounded, newest kept), and the index's
// rules for markers of other devices and for a device's first sign-in.
import { describe, expect, it } from 'vitest';
import { readStateSchema } from '../protocol/schemas-account-state.js';
import { utf8 } from '../crypto/webcrypto.js';
import { deriveAccountStateKey, sealAccountState } from '../crypto/account-state.js';
import { headerOf } from '../test-fixtures/client-doubles.js';
import { ConversationIndex } from './conversation-index.js';
import { decodeReadState, encodeReadState, mergeMarkers, openReadState, sealReadState } from './read-state.js';
import { MemoryStore } from './store.js';

const GROUP = 'group:3b8f0e2a-5c71-4d9e-a6b4-1f2e3d4c5b6a';

describe('the read state plaintext', () => {
  it('is strict JSON that the schema reads back, newest markers first', () => {
    const text = encodeReadState({ bob: 7, [GROUP]: 30, carol: 12 });
    expect(text).toBe(`{"v":1,"read":{"${GROUP}":30,"carol":12,"bob":7}}`);
    expect(readStateSchema.parse(JSON.parse(text))).toEqual({ v: 1, read: { bob: 7, carol: 12, [GROUP]: 30 } });
    expect(encodeReadState({})).toBe('{"v":1,"read":{}}');
  });

  it('leaves out the markers read longest ago when they do not fit', () => {
    const read = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`user_${String(i).padStart(2, '0')}`, 100 + i]));
    const text = encodeReadState(read, 200);
    expect(text.length).toBeLessThanOrEqual(200);
    const kept = readStateSchema.parse(JSON.parse(text)).read;
    const seqs = Object.values(kept).sort((a, b) => a - b);
    expect(seqs.length).toBeGreaterThan(5);
    // Exactly the newest ones, without a gap.
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => 150 - seqs.length + i));
    // The default limit fits a sealed blob of 64 KiB: thousands of conversations.
    const many = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`user_${i}`, 1_000_000 + i]));
    expect(encodeReadState(many).length).toBeLessThanOrEqual(65536 - 28);
  });

  it('opens only a version 1 state with valid keys and seqs; a newer version is told apart', () => {
    expect(decodeReadState(utf8('{"v":1,"read":{"bob":3}}'))).toEqual({ kind: 'read', read: { bob: 3 } });
    expect(decodeReadState(utf8('{"v":2,"read":{},"unread":{}}'))).toEqual({ kind: 'newer', version: 2 });
    for (const text of [
      '{"v":1,"read":{"bob":3,"bob":4}}',
      '{"v":1,"read":{"Bob":3}}',
      '{"v":1,"read":{"group:nope":3}}',
      '{"v":1,"read":{"bob":0}}',
      '{"v":1,"read":{"bob":1.5}}',
      '{"v":1,"read":{},"more":1}',
      '{"v":0,"read":{}}',
      '[1]',
      'null',
      'not json',
    ]) {
      expect(decodeReadState(utf8(text)), text).toEqual({ kind: 'unreadable' });
    }
    expect(decodeReadState(new Uint8Array([0x7b, 0xff, 0x7d]))).toEqual({ kind: 'unreadable' });
  });

  it('seals for this account only', async () => {
    const key = await deriveAccountStateKey(utf8('private key bytes'), 'alice');
    const blob = await sealReadState(key, 'alice', { bob: 4 });
    expect(await openReadState(key, 'alice', blob)).toEqual({ kind: 'read', read: { bob: 4 } });
    expect(await openReadState(key, 'alice_2', blob)).toEqual({ kind: 'unreadable' });
    expect(await openReadState(await deriveAccountStateKey(utf8('other bytes'), 'alice'), 'alice', blob)).toEqual({ kind: 'unreadable' });
    // Sealed correctly but not a read state: unreadable as well.
    expect(await openReadState(key, 'alice', await sealAccountState(key, 'alice', utf8('{"v":1}')))).toEqual({ kind: 'unreadable' });
  });

  it('merges by taking the highest seq of each conversation', () => {
    expect(mergeMarkers({ bob: 5, carol: 9 }, { bob: 7, carol: 2, dave: 1 })).toEqual({ bob: 7, carol: 9, dave: 1 });
  });
});

describe('the index with read markers from elsewhere and a first sign-in', () => {
  const me = 'alice';
  const fromBob = (seq: number) => headerOf(seq, 'bob', me);
  const fromCarol = (seq: number) => headerOf(seq, 'carol', me);

  it('applies markers of other devices, also to a conversation it meets only later, and never goes back', async () => {
    const index = await ConversationIndex.load(new MemoryStore(), 'ns');
    for (const seq of [1, 2, 3]) index.record(fromBob(seq), me);
    expect(index.mergeReadMarkers({ bob: 2, carol: 5 })).toBe(true);
    expect(index.peer('bob')).toMatchObject({ readSeq: 2, unread: [3] });
    // No entry for carol until her first message: her marker waits for it.
    expect(index.peer('carol')).toBeNull();
    expect(index.readMarkers()).toEqual({ bob: 2, carol: 5 });
    for (const seq of [4, 5, 6]) index.record(fromCarol(seq), me);
    expect(index.peer('carol')).toMatchObject({ readSeq: 5, unread: [6] });
    expect(index.mergeReadMarkers({ bob: 1, carol: 5 })).toBe(false);
    expect(index.peer('bob')!.readSeq).toBe(2);
  });

  it('on a fresh device, counts nothing up to the first sign-in where no marker exists, once caught up', async () => {
    const store = new MemoryStore();
    const index = await ConversationIndex.load(store, 'ns');
    expect(index.fresh).toBe(true);
    index.beginFirstSignIn(1_000);
    expect(index.fresh).toBe(false);
    expect(index.wantsNewestSeq).toBe(true);
    index.newestAtFirstSignIn(3);
    for (const seq of [1, 2, 3, 4]) index.record(fromBob(seq), me);
    for (const seq of [5, 6]) index.record(fromCarol(seq), me);
    // Before the catch-up ends, nothing is hidden.
    expect(index.peer('bob')!.unread).toEqual([1, 2, 3, 4]);
    expect(index.caughtUp()).toBe(true);
    expect(index.caughtUp()).toBe(false);
    expect(index.peer('bob')!.unread).toEqual([4]);
    expect(index.peers().map(([name, e]) => [name, e.unread])).toEqual([
      ['bob', [4]],
      ['carol', [5, 6]],
    ]);
    // A marker from another device counts again what came after it, also before the first sign-in.
    index.mergeReadMarkers({ bob: 1 });
    expect(index.peer('bob')!.unread).toEqual([2, 3, 4]);
    // Kept across loads.
    await index.save();
    const again = await ConversationIndex.load(store, 'ns');
    expect(again.fresh).toBe(false);
    again.beginFirstSignIn(2_000);
    expect(again.peer('carol')!.unread).toEqual([5, 6]);
    expect(again.peer('bob')!.unread).toEqual([2, 3, 4]);
  });

  it('caps the newest seq the server named by the cursor the first catch-up confirmed', async () => {
    const index = await ConversationIndex.load(new MemoryStore(), 'ns');
    index.beginFirstSignIn(1_000);
    index.newestAtFirstSignIn(1_000_000);
    for (const seq of [1, 2]) index.record(fromBob(seq), me);
    index.caughtUp();
    for (const seq of [3, 4]) index.record(fromBob(seq), me);
    expect(index.peer('bob')!.unread).toEqual([3, 4]);
  });

  it('without the newest seq, marks what the first catch-up found', async () => {
    const index = await ConversationIndex.load(new MemoryStore(), 'ns');
    index.beginFirstSignIn(1_000);
    for (const seq of [1, 2]) index.record(fromBob(seq), me);
    index.caughtUp();
    index.record(fromBob(3), me);
    expect(index.peer('bob')!.unread).toEqual([3]);
  });

  it('a device that had an index before never treats its history as read', async () => {
    const store = new MemoryStore();
    const old = await ConversationIndex.load(store, 'ns');
    for (const seq of [1, 2]) old.record(fromBob(seq), me);
    await old.save();
    const index = await ConversationIndex.load(store, 'ns');
    expect(index.fresh).toBe(false);
    index.beginFirstSignIn(1_000);
    expect(index.wantsNewestSeq).toBe(false);
    index.caughtUp();
    expect(index.peer('bob')!.unread).toEqual([1, 2]);
  });
});
