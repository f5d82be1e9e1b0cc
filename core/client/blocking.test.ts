// Blocking on its own, over a fake server API: "no such user" told apart from "no blocking here".
import { describe, expect, it } from 'vitest';
import { failure } from '../test-fixtures/waiting.js';
import { Blocking } from './blocking.js';
import { fakeApi, on } from '../test-fixtures/client-doubles.js';

describe('Blocking', () => {
  it('blocks and unblocks', async () => {
    const { http, api } = fakeApi(on('PUT', '/blocks/bob_1', { status: 204 }), on('DELETE', '/blocks/bob_1', { status: 200 }));
    await new Blocking(api).set('bob_1', true);
    await new Blocking(api).set('bob_1', false);
    expect(http.requests.map((r) => r.method)).toEqual(['PUT', 'DELETE']);
  });

  it('says there is no such user when the server lists blocks but answered 404', async () => {
    const { api } = fakeApi(on('GET', '/blocks', { status: 200, data: { blocked: [] } }));
    expect(await failure(new Blocking(api).set('nobody_1', true))).toEqual({ code: 'not_found', message: 'There is no user named nobody_1.' });
  });

  it('says the server has no blocking when it has no /blocks at all', async () => {
    expect((await failure(new Blocking(fakeApi().api).set('bob_1', true))).message).toBe('This server does not support blocking.');
    const { http, api } = fakeApi(on('PUT', '/blocks/bob_1', { status: 405 }));
    expect((await failure(new Blocking(api).set('bob_1', true))).message).toBe('This server does not support blocking.');
    expect(http.requests).toHaveLength(1);
  });

  it('shows "not blocked" when the list cannot be had, but not a refused session', async () => {
    expect(await new Blocking(fakeApi(on('GET', '/blocks', { status: 500 })).api).listOrUnknown()).toBeNull();
    expect((await failure(new Blocking(fakeApi(on('GET', '/blocks', { status: 401 })).api).listOrUnknown())).code).toBe('unauthorized');
  });
});
