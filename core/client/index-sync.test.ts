// IndexSync on its own, over a fake server API: the cursor moves only to seqs the records confirm, a page that
// makes no progress stops the sync, and an event whose record differs is refused.
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_PAGE_LIMIT } from '../protocol/constants.js';
import type { MessageHeader } from '../protocol/schemas.js';
import type { MessageHeaderView } from '../api/view.js';
import { failure } from '../test-fixtures/waiting.js';
import { importedKeys } from '../test-fixtures/vectors.js';
import { IndexSync } from './index-sync.js';
import { Listings } from './listings.js';
import type { Session } from './session.js';
import { fakeApi, headerOf, sessionOn, type Route } from '../test-fixtures/client-doubles.js';

let s: Session;
beforeAll(async () => {
  s = await sessionOn('alice_1', await importedKeys('alice'));
});

/** A server listing `listed` (after the cursor asked for) whose records are `records`. */
function server(listed: MessageHeader[], records: MessageHeader[]): Route {
  return (request) => {
    if (request.method !== 'GET') return undefined;
    if (request.path === '/messages') {
      const after = Number(request.options.query?.after ?? 0);
      return { status: 200, data: { messages: listed.filter((h) => h.seq > after) } };
    }
    const record = records.find((h) => request.path === `/messages/${h.id}`);
    return record ? { status: 200, data: record } : undefined;
  };
}

async function syncOf(route: Route) {
  const session = await sessionOn('alice_1', { privateKey: s.privateKey, publicKey: s.publicKey });
  const { api } = fakeApi(route);
  const announced: MessageHeaderView[] = [];
  const reports: string[] = [];
  const sync = new IndexSync({
    api,
    listings: new Listings(api, () => session),
    session: () => session,
    current: () => session,
    exclusive: (run) => run(),
    announce: (m) => announced.push(m),
    report: (detail) => reports.push(detail),
  });
  return { session, sync, announced, reports };
}

describe('IndexSync', () => {
  it('records a confirmed page in seq order and announces each new message once', async () => {
    const page = [headerOf(2, 'bob_1', 'alice_1'), headerOf(1, 'alice_1', 'bob_1')];
    const { session, sync, announced } = await syncOf(server(page, page));
    await sync.sync(true);
    await sync.sync(true);
    expect(announced.map((m) => m.seq)).toEqual([1, 2]);
    expect(session.index.cursor).toBe(2);
    expect(session.index.peer('bob_1')).toMatchObject({ lastSeq: 2, unread: [2] });
  });

  it('drops the entries after the last one its record confirms, and says so', async () => {
    const page = [headerOf(1, 'bob_1', 'alice_1'), headerOf(2, 'bob_1', 'alice_1'), headerOf(3, 'bob_1', 'alice_1')];
    const records = [page[0]!, page[1]!, { ...page[2]!, timestamp: '2020-01-01T00:00:00.000Z' }];
    const { session, sync, reports } = await syncOf(server(page, records));
    await sync.sync(false);
    expect(session.index.cursor).toBe(2);
    expect(reports).toEqual(['The server listed 1 message it could not show as listed; ignored.']);
  });

  it('stops a full page that moves the cursor nowhere', async () => {
    const page = Array.from({ length: MAX_PAGE_LIMIT }, (_, i) => headerOf(i + 1, 'bob_1', 'alice_1'));
    const { sync } = await syncOf(server(page, []));
    expect((await failure(sync.sync(false))).message).toBe('The server kept sending messages already seen; stopped syncing.');
  });

  it('refuses a live event whose record does not match it', async () => {
    const event = headerOf(1, 'bob_1', 'alice_1');
    const { session, sync, announced } = await syncOf(server([], [{ ...event, sender: 'carol_1' }]));
    expect((await failure(sync.deliverEvent(session, event))).code).toBe('protocol_violation');
    expect(announced).toEqual([]);
    expect(session.index.cursor).toBe(0);
  });

  it('does not let a later event skip one whose record could not be fetched: it catches up from the cursor', async () => {
    const first = headerOf(1, 'bob_1', 'alice_1');
    const second = headerOf(2, 'bob_1', 'alice_1');
    let away = true;
    const answers = server([first, second], [first, second]);
    // The database is away while the first event's record is fetched (the server answers 503).
    const { session, sync, announced } = await syncOf((request) =>
      away ? { status: 503, data: { error: { code: 'unavailable', message: 'the database is not answering' } } } : answers(request),
    );
    expect((await failure(sync.deliverEvent(session, first))).code).toBe('server_error');
    expect(session.index.cursor).toBe(0);
    away = false;
    await sync.deliverEvent(session, second);
    expect(announced.map((m) => m.seq)).toEqual([1, 2]);
    expect(session.index.cursor).toBe(2);
  });
});
