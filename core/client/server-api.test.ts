// ServerApi on its own, over a fake HttpApi: what each status of each endpoint becomes, and which answers are
// refused for not matching the request.
import { describe, expect, it } from 'vitest';
import { failure } from '../test-fixtures/waiting.js';
import { fakeApi, headerOf, on } from '../test-fixtures/client-doubles.js';

const payload = { id: '00000000-0000-4000-8000-000000000001', recipient: 'bob_1' } as never;

describe('ServerApi', () => {
  it('maps the statuses of POST /users and keeps the device credential it sends', async () => {
    const request = { username: 'alice_1' } as never;
    expect((await failure(fakeApi(on('POST', '/users', { status: 409 })).api.createUser(request))).code).toBe('username_taken');
    expect((await failure(fakeApi(on('POST', '/users', { status: 403 })).api.createUser(request))).code).toBe('forbidden');
    expect((await failure(fakeApi(on('POST', '/users', { status: 200 })).api.createUser(request))).code).toBe('protocol_violation');
    const other = on('POST', '/users', { status: 201, data: { username: 'mallory_1', token: 't' } });
    expect((await failure(fakeApi(other).api.createUser(request))).message).toBe('The server registered a different username.');
    const ok = on('POST', '/users', { status: 201, data: { username: 'alice_1', token: 't1' }, headers: { 'x-device-credential': 'dc' } });
    expect(await fakeApi(ok).api.createUser(request)).toEqual({ token: 't1', deviceCredential: 'dc' });
  });

  it('tells a wrong password apart at POST /login and sends the headers it is given', async () => {
    const { http, api } = fakeApi(on('POST', '/login', { status: 401 }));
    expect(await failure(api.login('alice_1', 'hash', { 'X-Device-Credential': 'dc' }))).toEqual({ code: 'wrong_password', message: 'Wrong username or password.' });
    expect(http.requests[0]!.options).toMatchObject({ body: { username: 'alice_1', authHash: 'hash' }, headers: { 'X-Device-Credential': 'dc' } });
    const ok = on('POST', '/login', { status: 200, data: { username: 'alice_1', token: 't2' } });
    expect(await fakeApi(ok).api.login('alice_1', 'hash', {})).toEqual({ token: 't2', deviceCredential: null });
  });

  it('answers GET /health with the version, and names what is wrong otherwise', async () => {
    expect(await fakeApi(on('GET', '/health', { status: 200, data: { status: 'ok', version: '1.2.3' } })).api.health()).toBe('1.2.3');
    expect((await failure(fakeApi(on('GET', '/health', { status: 503 })).api.health())).code).toBe('server_error');
    expect((await failure(fakeApi().api.health())).message).toContain('does not look like an Encrypted Chat server (GET /health answered HTTP 404)');
  });

  it('refuses a profile of another user, and maps 404 to no such user', async () => {
    const profile = { username: 'carol_1', publicKey: 'K', fingerprint: 'f'.repeat(64), createdAt: '2026-12-01T10:00:00.000Z' };
    expect((await failure(fakeApi(on('GET', '/users/bob_1', { status: 200, data: profile })).api.profile('bob_1'))).code).toBe('protocol_violation');
    expect(await failure(fakeApi().api.profile('bob_1'))).toEqual({ code: 'not_found', message: 'There is no user named bob_1.' });
  });

  it('gives a message record as sent, or null for 404', async () => {
    const { api } = fakeApi(on('GET', '/messages/m1', { status: 200, data: null }));
    expect(await api.messageRecord('m1')).toEqual({ data: null });
    expect(await api.messageRecord('m2')).toBeNull();
    expect((await failure(fakeApi(on('GET', '/messages/m1', { status: 500 })).api.messageRecord('m1'))).code).toBe('server_error');
  });

  it('maps the statuses of POST /messages and refuses an acknowledgement of another message', async () => {
    const post = (status: number, data?: unknown) => fakeApi(on('POST', '/messages', { status, data })).api.postMessage(payload, 'alice_1');
    expect((await failure(post(404))).message).toBe('There is no user named bob_1.');
    expect((await failure(post(403))).code).toBe('forbidden');
    expect((await failure(post(409))).message).toBe('A different message with this id is already on the server.');
    expect((await failure(post(502))).code).toBe('server_error');
    const ack = headerOf(1, 'alice_1', 'bob_1');
    expect(await post(201, ack)).toEqual(ack);
    expect(await post(200, ack)).toEqual(ack);
    expect((await failure(post(201, { ...ack, recipient: 'carol_1' }))).message).toBe('The server acknowledged a different message than the one sent.');
  });

  it('says which blocking answers mean "unsupported" and which "not found"', async () => {
    const block = (status: number) => fakeApi(on('PUT', '/blocks/bob_1', { status })).api.setBlocked('bob_1', true);
    expect(await block(204)).toBe('done');
    expect(await block(404)).toBe('not_found');
    expect(await block(405)).toBe('unsupported');
    expect(await block(501)).toBe('unsupported');
    expect((await failure(block(400))).code).toBe('invalid_input');
    expect(await fakeApi(on('GET', '/blocks', { status: 501 })).api.blockedList()).toBeNull();
    expect(await fakeApi(on('GET', '/blocks', { status: 200, data: { blocked: ['bob_1'] } })).api.blockedList()).toEqual(['bob_1']);
  });

  it('keeps only search results that start with the query, and forgets the token on request', async () => {
    const { http, api } = fakeApi(on('GET', '/users', { status: 200, data: { users: [{ username: 'bob_1', createdAt: '2026-12-01T10:00:00.000Z' }, { username: 'alice_1', createdAt: '2026-12-01T10:00:00.000Z' }] } }));
    expect(await api.searchUsers('bo')).toEqual(['bob_1']);
    expect(api.signedIn).toBe(true);
    api.useToken(null);
    expect(api.signedIn).toBe(false);
    expect(http.token).toBeNull();
  });
});
