// Random and malformed bodies, query strings and headers against every route: never a 5xx, always the
// protocol's error shape for a 4xx, and the server keeps answering.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorBodySchema } from '../core/protocol/schemas.js';
import { call, groupOutgoing, outgoing, register, registration, startTestServer, type TestUser } from './testing/harness.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
let url: string;
let alice: TestUser;
let messageId: string;
const groupId = '3b8f0e2a-5c71-4d9e-a6b4-1f2e3d4c5b6a';

beforeAll(async () => {
  server = await startTestServer({ bodyLimitBytes: 16 * 1024 });
  url = server.url;
  alice = await register(url, 'alice');
  await register(url, 'bob');
  messageId = (await call(url, 'POST', '/messages', { token: alice.token, body: outgoing('bob') })).body.id;
  await call(url, 'POST', '/groups', { token: alice.token, body: { id: groupId, members: ['bob'] } });
});
afterAll(() => server.close());

const routes: [string, string][] = [
  ['POST', '/users'],
  ['GET', '/users'],
  ['GET', '/users/alice'],
  ['POST', '/login'],
  ['POST', '/logout'],
  ['POST', '/users/alice/password'],
  ['GET', '/messages'],
  ['POST', '/messages'],
  ['GET', '/messages/:id'],
  ['DELETE', '/messages/:id'],
  ['POST', '/groups'],
  ['GET', '/groups'],
  ['GET', '/groups/:group'],
  ['POST', '/groups/:group/members'],
  ['GET', '/events'],
  ['GET', '/health'],
  ['GET', '/keylog/key'],
  ['GET', '/keylog/head'],
  ['GET', '/keylog/entries'],
  ['GET', '/keylog/proof'],
  ['GET', '/keylog/consistency'],
  ['GET', '/account/state'],
  ['PUT', '/account/state'],
];

const nasty = fc.oneof(
  fc.string(),
  fc.constantFrom('', '%', '%00', '%E0%A4%A', '%ZZ', '..', '../..', '%2e%2e', 'alice', 'ALICE', '0', '-1', '1e3', '9'.repeat(40), 'null', '[]', '{}', '\u0000', 'é', '😀', '__proto__', 'constructor'),
);

const queryString = fc.option(
  fc.array(fc.tuple(fc.oneof(fc.constantFrom('since', 'until', 'sender', 'recipient', 'peer', 'after', 'limit', 'order', 'full', 'q', 'group', 'start', 'index', 'size', 'from', 'to', '__proto__', 'limit[]'), fc.string()), nasty), {
    maxLength: 4,
  }).map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')),
);

function mutate(base: Record<string, unknown>) {
  return fc
    .array(fc.tuple(fc.constantFrom(...Object.keys(base), 'extra', '__proto__'), fc.oneof(fc.jsonValue(), nasty, fc.constant(undefined))), { maxLength: 3 })
    .map((changes) => {
      const copy: Record<string, unknown> = { ...base };
      for (const [key, value] of changes) copy[key] = value;
      return JSON.stringify(copy);
    });
}

const body = fc.oneof(
  fc.constant(undefined),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string(),
  fc.constantFrom('{', '[', '{"username":"alice","authHash":', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{}}}', 'null', '1', '"x"'),
  mutate(registration('fuzz_user')),
  mutate(outgoing('bob')),
  mutate(groupOutgoing(groupId, ['bob'])),
  mutate({ id: groupId, members: ['bob'] }),
  mutate({ add: ['bob'], remove: ['alice'], owner: 'bob' }),
  mutate({ username: 'alice', authHash: 'A'.repeat(88) }),
  mutate({ state: 'A'.repeat(40), version: 0 }),
  fc.nat({ max: 40_000 }).map((n) => JSON.stringify({ username: 'x'.repeat(n) })),
);

const headers = fc.record(
  {
    'content-type': fc.oneof(fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/json; charset=latin1', 'text/plain', 'multipart/form-data', '', 'application/*'), fc.string()),
    authorization: fc.oneof(fc.constantFrom('Bearer ', 'Bearer x', 'Basic abc', 'Bearer v1.alice.1700000000000.0.' + 'A'.repeat(86)), fc.string()),
    'last-event-id': nasty,
    accept: fc.constantFrom('text/html', 'application/json', '*/*', 'text/event-stream'),
    'x-forwarded-for': fc.constantFrom('1.2.3.4', 'garbage', ''),
  },
  { requiredKeys: [] },
);

function isHeaderSafe(value: string): boolean {
  return /^[\t\x20-\x7e]*$/.test(value);
}

async function send(method: string, path: string, rawBody: string | undefined, extra: Record<string, string>) {
  const controller = new AbortController();
  const response = await fetch(url + path, { method, headers: extra, body: method === 'GET' ? undefined : rawBody, signal: controller.signal });
  if (response.headers.get('content-type')?.startsWith('text/event-stream')) {
    controller.abort();
    return { status: response.status, text: '' };
  }
  return { status: response.status, text: await response.text() };
}

describe('fuzz', () => {
  it('never answers 5xx, and every error has the protocol shape', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.option(nasty),
        queryString,
        body,
        headers,
        fc.boolean(),
        async ([method, template], segment, query, rawBody, randomHeaders, withToken) => {
          let path = template.replace(':id', messageId).replace(':group', groupId);
          if (segment !== null) path = path.replace(/alice|[0-9a-f-]{36}/, encodeURIComponent(segment));
          if (query) path += `?${query}`;
          const extra: Record<string, string> = {};
          for (const [name, value] of Object.entries(randomHeaders)) if (value !== undefined && isHeaderSafe(value)) extra[name] = value;
          if (withToken) extra.authorization = `Bearer ${alice.token}`;
          // Do not log alice out or change her password for the rest of the run.
          if (withToken && (template === '/logout' || template.endsWith('/password'))) delete extra.authorization;
          const reply = await send(method, path, rawBody, extra);
          expect(reply.status, `${method} ${path}`).toBeLessThan(500);
          if (reply.status >= 400) expect(() => errorBodySchema.parse(JSON.parse(reply.text)), `${method} ${path}: ${reply.text}`).not.toThrow();
        },
      ),
      { numRuns: 600 },
    );
    expect((await call(url, 'GET', '/health')).status).toBe(200);
  });

  it('survives random paths and methods', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'),
        fc.constantFrom('', '/users', '/messages', '/users/alice', '/events', '/groups'),
        fc.array(nasty, { minLength: 1, maxLength: 4 }),
        async (method, prefix, segments) => {
          // Raw segments too: bad %-encoding must be a 400, not a crash.
          const path = prefix + '/' + segments.map((s, i) => (i % 2 ? s.replace(/[^\x21-\x7e]/g, '') : encodeURIComponent(s))).join('/');
          const reply = await send(method, path, undefined, {});
          expect(reply.status, `${method} ${path}`).toBeLessThan(500);
        },
      ),
      { numRuns: 300 },
    );
    expect((await call(url, 'GET', '/health')).status).toBe(200);
  });
});
