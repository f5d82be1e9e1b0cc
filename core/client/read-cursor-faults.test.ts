// ReadCursorSync over a fake server, for what a real one does not readily do: outages and retries, a server
// without the endpoints, a state written by a newer app, answers that do not fit what was asked.
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeBase64, encodeBase64 } from '../protocol/base64.js';
import { utf8 } from '../crypto/webcrypto.js';
import { sealAccountState } from '../crypto/account-state.js';
import { fakeApi, sessionOn, type Answer, type Route } from '../test-fixtures/client-doubles.js';
import { importedKeys } from '../test-fixtures/vectors.js';
import { until } from '../test-fixtures/waiting.js';
import { AccountStateApi } from './account-state-api.js';
import { NEWER_STATE, ReadCursorSync } from './read-cursor-sync.js';
import { openReadState, sealReadState } from './read-state.js';
import type { Session } from './session.js';

let keys: Awaited<ReturnType<typeof importedKeys>>;
beforeAll(async () => {
  keys = await importedKeys('alice');
});

/** GET and PUT /account/state as the server answers them, with answers a test puts in front. */
class StateServer {
  state: string | null = null;
  version = 0;
  puts = 0;
  /** Answers given instead, in turn, to the next PUTs. */
  putAnswers: Answer[] = [];
  getAnswers: Answer[] = [];

  readonly route: Route = (request) => {
    if (request.path !== '/account/state') return undefined;
    if (request.method === 'GET') {
      const instead = this.getAnswers.shift();
      if (instead) return instead;
      return this.state === null ? { status: 404, data: { error: { code: 'not_found', message: 'none' } } } : { status: 200, data: { state: this.state, version: this.version } };
    }
    this.puts++;
    const instead = this.putAnswers.shift();
    if (instead) return instead;
    const body = request.options.body as { state: string; version: number };
    if (body.version !== this.version) return { status: 409, data: { error: { code: 'conflict', message: 'stale' } } };
    this.state = body.state;
    this.version++;
    return { status: 200, data: { version: this.version } };
  };
}

async function setUp(server: StateServer): Promise<{ s: Session; sync: ReadCursorSync; reports: string[] }> {
  const s = await sessionOn('alice', keys);
  const { http } = fakeApi(server.route);
  const reports: string[] = [];
  const sync = new ReadCursorSync({
    api: new AccountStateApi(http),
    current: () => s,
    exclusive: (run) => run(),
    guard: (run) => run(),
    report: (detail) => reports.push(detail),
    newestSeq: async () => 0,
    pushDelayMs: 1,
    retryDelaysMs: [1, 1, 1],
  });
  return { s, sync, reports };
}

async function storedMarkers(server: StateServer, s: Session) {
  return openReadState(s.accountStateKey, s.username, decodeBase64(server.state!));
}

const unavailable: Answer = { status: 503, data: { error: { code: 'unavailable', message: 'the database is not answering' } } };

describe('ReadCursorSync against a failing or odd server', () => {
  it('writes again after outages, with backoff, and gives up after the list until the next read', async () => {
    const server = new StateServer();
    const { s, sync, reports } = await setUp(server);
    await sync.start(s);
    server.putAnswers = [unavailable, unavailable];
    s.index.markRead('bob', 4);
    sync.noteRead();
    await until(() => server.version === 1, 'the write after two outages');
    expect(server.puts).toBe(3);
    expect(await storedMarkers(server, s)).toEqual({ kind: 'read', read: { bob: 4 } });

    server.putAnswers = [unavailable, unavailable, unavailable, unavailable];
    s.index.markRead('bob', 6);
    sync.noteRead();
    await until(() => server.puts === 7, 'four tries, all failed');
    expect(server.version).toBe(1);
    // The next read tries again, and writes both.
    s.index.markRead('carol', 2);
    sync.noteRead();
    await until(() => server.version === 2, 'the write after the next read');
    expect(await storedMarkers(server, s)).toEqual({ kind: 'read', read: { bob: 6, carol: 2 } });
    expect(reports).toEqual([]);
  });

  it('after a conflict, fetches, merges what another device wrote and writes again', async () => {
    const server = new StateServer();
    const { s, sync } = await setUp(server);
    await sync.start(s);
    // Another device writes after this one fetched.
    server.state = encodeBase64(await sealReadState(s.accountStateKey, s.username, { carol: 9, bob: 2 }));
    server.version = 1;
    s.index.record({ id: '00000000-0000-4000-8000-000000000001', seq: 1, sender: 'bob', recipient: 'alice', timestamp: '2026-12-01T10:00:01.000Z' }, 'alice');
    s.index.markRead('bob', 5);
    sync.noteRead();
    await until(() => server.version === 2, 'the write after the conflict');
    expect(server.puts).toBe(2);
    expect(await storedMarkers(server, s)).toEqual({ kind: 'read', read: { bob: 5, carol: 9 } });
    expect(s.index.readMarkers()).toEqual({ bob: 5, carol: 9 });
  });

  it('does not start failing on an outage at sign-in, and merges at the next refresh', async () => {
    const server = new StateServer();
    const { s, sync, reports } = await setUp(server);
    server.state = encodeBase64(await sealReadState(s.accountStateKey, s.username, { bob: 3 }));
    server.version = 4;
    server.getAnswers = [unavailable];
    await sync.start(s);
    expect(s.index.readMarkers()).toEqual({});
    await sync.refresh();
    expect(s.index.readMarkers()).toEqual({ bob: 3 });
    expect(reports).toEqual([]);
  });

  it('leaves a state of a newer app alone, and says so once', async () => {
    const server = new StateServer();
    const { s, sync, reports } = await setUp(server);
    server.state = encodeBase64(await sealAccountState(s.accountStateKey, s.username, utf8('{"v":2,"read":{"bob":3},"more":true}')));
    server.version = 3;
    await sync.start(s);
    await sync.refresh();
    s.index.markRead('bob', 8);
    sync.noteRead();
    await sync.flush(1_000);
    expect(reports).toEqual([NEWER_STATE]);
    expect([server.puts, server.version]).toEqual([0, 3]);
  });

  it('stops writing to a server without the endpoints', async () => {
    const server = new StateServer();
    const { s, sync, reports } = await setUp(server);
    await sync.start(s);
    server.putAnswers = [{ status: 404, data: { error: { code: 'not_found', message: 'no such endpoint: PUT /account/state' } } }];
    s.index.markRead('bob', 1);
    sync.noteRead();
    await sync.flush(1_000);
    s.index.markRead('bob', 2);
    sync.noteRead();
    await sync.flush(1_000);
    expect(server.puts).toBe(1);
    expect(reports).toEqual([]);
  });

  it('says so when the server answers a write with a version it was not asked for, or a malformed state', async () => {
    const server = new StateServer();
    const { s, sync, reports } = await setUp(server);
    await sync.start(s);
    server.putAnswers = [{ status: 200, data: { version: 7 } }];
    s.index.markRead('bob', 1);
    sync.noteRead();
    await sync.flush(1_000);
    expect(reports).toEqual([
      'Your read positions could not be shared with your other devices: The server stored the account state as version 7 where 1 was due.',
    ]);
    server.getAnswers = [{ status: 200, data: { state: 'not base64', version: 1 } }];
    await sync.refresh();
    expect(reports[1]).toMatch(/^Your read positions could not be shared with your other devices: The server sent an invalid answer to GET \/account\/state/);
  });
});
