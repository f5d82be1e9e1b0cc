// The protocol's error shape for everything that is not a well-formed request, and the headers every
// answer carries.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorBodySchema } from '../../core/protocol/schemas.js';
import { call, outgoing, register, registration, startTestServer, type TestUser } from '../testing/harness.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
let url: string;
let alice: TestUser;

beforeAll(async () => {
  server = await startTestServer({ bodyLimitBytes: 8192 });
  url = server.url;
  alice = await register(url, 'alice');
  await register(url, 'bob');
});
afterAll(() => server.close());

function expectError(reply: { status: number; body: unknown; text: string }, status: number, code: string) {
  expect(reply.status).toBe(status);
  expect(errorBodySchema.parse(reply.body).error.code).toBe(code);
  expect(reply.text).not.toMatch(/\bat .*\.(ts|js):\d+/);
  expect(reply.text).not.toMatch(/sequelize|sqlite|node_modules/i);
}

describe('malformed requests', () => {
  it('malformed JSON is 400', async () => {
    for (const raw of ['{', '{"username":', 'null', '"text"', '{"a":1}}', '\u0000']) {
      expectError(await call(url, 'POST', '/login', { raw }), 400, 'invalid_request');
    }
    expectError(await call(url, 'POST', '/messages', { token: alice.token, raw: '{bad json' }), 400, 'invalid_request');
  });

  it('a body that is not JSON is 415', async () => {
    const reply = await call(url, 'POST', '/login', { raw: 'username=alice', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expectError(reply, 415, 'unsupported_media_type');
    expectError(await call(url, 'POST', '/users', { raw: '{}', headers: { 'content-type': 'text/plain' } }), 415, 'unsupported_media_type');
    const latin1 = await call(url, 'POST', '/login', { raw: '{}', headers: { 'content-type': 'application/json; charset=latin1' } });
    expectError(latin1, 415, 'unsupported_media_type');
  });

  it('a body over the limit is 413 and stores nothing', async () => {
    const big = { ...outgoing('bob'), body: 'A'.repeat(20000) };
    expectError(await call(url, 'POST', '/messages', { token: alice.token, body: big }), 413, 'too_large');
    expectError(await call(url, 'POST', '/users', { body: { ...registration('big_one'), encryptedPrivateKey: 'A'.repeat(20000) } }), 413, 'too_large');
    expect((await call(url, 'GET', '/users/big_one')).status).toBe(404);
    expect((await call(url, 'GET', '/messages', { token: alice.token })).body.messages).toEqual([]);
  });

  it('an unknown route or method is 404', async () => {
    for (const [method, path] of [
      ['GET', '/nothing'],
      ['DELETE', '/messages'],
      ['PUT', '/users/alice'],
      ['GET', '/login'],
      ['POST', '/health'],
      ['GET', '/users/alice/password'],
      ['GET', '/messages/a/b'],
    ]) {
      expectError(await call(url, method!, path!, { token: alice.token }), 404, 'not_found');
    }
  });

  it('bad %-encoding in the path is 400', async () => {
    expectError(await call(url, 'GET', '/users/%E0%A4%A'), 400, 'invalid_request');
    expectError(await call(url, 'GET', '/messages/%ZZ', { token: alice.token }), 400, 'invalid_request');
  });

  it('a bad token on an unknown route is still 401', async () => {
    expectError(await call(url, 'GET', '/nothing', { token: 'junk' }), 401, 'unauthorized');
  });
});

describe('headers', () => {
  it('sets helmet headers and the strict CSP, and no X-Powered-By', async () => {
    const reply = await call(url, 'GET', '/health');
    expect(reply.headers.get('x-content-type-options')).toBe('nosniff');
    expect(reply.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(reply.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(reply.headers.get('x-powered-by')).toBeNull();
    expect(reply.headers.get('strict-transport-security')).toBeNull();
  });
});

describe('GET /health', () => {
  it('answers ok with the version', async () => {
    const reply = await call(url, 'GET', '/health');
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ status: 'ok', version: expect.any(String), protocol: 2, registration: 'open', retention: null });
  });

  it('refuses query parameters, like every route that takes none', async () => {
    for (const [method, path] of [
      ['GET', '/health?x=1'],
      ['GET', '/users/alice?full=1'],
      ['POST', '/login?x'],
      ['POST', '/logout?all=1'],
      ['POST', '/messages?dry=1'],
      ['GET', '/events?token=abc'],
    ] as const) {
      const reply = await call(url, method, path, { token: alice.token });
      expectError(reply, 400, 'invalid_request');
      expect(reply.body.error.message).toMatch(/query: unknown field/);
    }
  });
});

describe('web client', () => {
  it('without a build, / says how to make one', async () => {
    const reply = await call(url, 'GET', '/');
    expect(reply.status).toBe(200);
    expect(reply.text).toMatch(/npm run build:web/);
  });

  it('with a build, serves it with the CSP and falls back to index.html for pages, not for the API', async () => {
    const web = await startTestServer({ webRoot: 'server/test-fixtures/web' });
    try {
      const index = await call(web.url, 'GET', '/', { headers: { accept: 'text/html' } });
      expect(index.status).toBe(200);
      expect(index.text).toContain('web client fixture');
      expect(index.headers.get('content-security-policy')).toBe(
        "default-src 'self';script-src 'self';style-src 'self';img-src 'self' data: blob:;connect-src 'self';font-src 'self';object-src 'none';base-uri 'none';frame-ancestors 'none';form-action 'none'",
      );
      const asset = await call(web.url, 'GET', '/app.js');
      expect(asset.headers.get('content-type')).toMatch(/javascript/);
      const page = await call(web.url, 'GET', '/chat/bob', { headers: { accept: 'text/html,*/*' } });
      expect(page.text).toContain('web client fixture');
      expectError(await call(web.url, 'GET', '/chat/bob', { headers: { accept: 'application/json' } }), 404, 'not_found');
      expectError(await call(web.url, 'GET', '/messages/x/y', { headers: { accept: 'text/html' } }), 404, 'not_found');
      expect((await call(web.url, 'GET', '/health', { headers: { accept: 'text/html' } })).body.status).toBe('ok');
    } finally {
      await web.close();
    }
  });
});
