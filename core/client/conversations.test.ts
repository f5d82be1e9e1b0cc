// Conversations on its own, over a fake server API: paging back by seq where the protocol only filters by time,
// and read markers.
import { beforeAll, describe, expect, it } from 'vitest';
import type { MessageHeader } from '../protocol/schemas.js';
import { importedKeys } from '../test-fixtures/vectors.js';
import { Conversations } from './conversations.js';
import { Listings } from './listings.js';
import type { Session } from './session.js';
import { fakeApi, headerOf, sessionOn, type Route } from '../test-fixtures/client-doubles.js';

let keys: Awaited<ReturnType<typeof importedKeys>>;
beforeAll(async () => {
  keys = await importedKeys('alice');
});

/** GET /messages of a server holding `all`, honouring order, limit, after and until as the protocol says. */
function serverOf(all: MessageHeader[]): Route {
  return (request) => {
    if (request.path !== '/messages') return undefined;
    const q = request.options.query ?? {};
    let list = all.filter((h) => h.seq > Number(q.after ?? 0) && (q.until === undefined || h.timestamp < String(q.until)));
    if (q.order === 'desc') list = [...list].reverse();
    return { status: 200, data: { messages: list.slice(0, Number(q.limit ?? 100)) } };
  };
}

async function conversationsOf(all: MessageHeader[]): Promise<{ s: Session; conversations: Conversations }> {
  const s = await sessionOn('alice_1', keys);
  const { api } = fakeApi(serverOf(all));
  return { s, conversations: new Conversations(new Listings(api, () => s), () => s, (run) => run()) };
}

describe('Conversations', () => {
  it('pages a conversation backwards by seq, oldest first within a page', async () => {
    const all = [1, 2, 3, 4, 5].map((seq) => headerOf(seq, seq % 2 ? 'bob_1' : 'alice_1', seq % 2 ? 'alice_1' : 'bob_1'));
    const { conversations } = await conversationsOf(all);
    const newest = await conversations.page({ conversation: 'bob_1', limit: 2 });
    expect([newest.messages.map((m) => m.seq), newest.hasMore]).toEqual([[4, 5], true]);
    const older = await conversations.page({ conversation: 'bob_1', limit: 2, beforeSeq: 4 });
    expect([older.messages.map((m) => m.seq), older.hasMore]).toEqual([[2, 3], true]);
    const oldest = await conversations.page({ conversation: 'bob_1', limit: 2, beforeSeq: 2 });
    expect([oldest.messages.map((m) => m.seq), oldest.hasMore]).toEqual([[1], false]);
    expect(oldest.messages[0]).toMatchObject({ sender: 'bob_1', outgoing: false });
  });

  it('lists an opened conversation before any message, and keeps read markers', async () => {
    const { s, conversations } = await conversationsOf([]);
    await conversations.page({ conversation: 'carol_1' });
    expect(s.index.peer('carol_1')).toEqual({ lastSeq: null, lastActivity: null, readSeq: 0, unread: [] });
    s.index.record(headerOf(1, 'carol_1', 'alice_1'), 'alice_1');
    s.index.record(headerOf(2, 'carol_1', 'alice_1'), 'alice_1');
    await conversations.markRead({ conversation: 'carol_1', seq: 1 });
    expect(s.index.peer('carol_1')!.unread).toEqual([2]);
  });

  it('gives the newest messages oldest first', async () => {
    const { conversations } = await conversationsOf([1, 2, 3].map((seq) => headerOf(seq, 'bob_1', 'alice_1')));
    expect((await conversations.recent({ limit: 2 })).map((m) => m.seq)).toEqual([2, 3]);
  });
});
