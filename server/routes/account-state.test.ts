// GET and PUT /account/state (docs/api.md): the token it needs, 404 before the first write, versions that
// every write must name (409 otherwise, also for two writes racing), the 64 KiB limit (413), strict bodies,
// one state per account, and its erasure with the account, by the person and by the operator.
import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminOk } from '../admin/admin-run.fixture.js';
import { openDatabase } from '../db/database.js';
import { b64, call, register, startTestServer, type TestUser } from '../testing/harness.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
let url: string;

beforeAll(async () => {
  server = await startTestServer();
  url = server.url;
});
afterAll(() => server.close());

const get = (who: TestUser) => call(url, 'GET', '/account/state', { token: who.token });
const put = (who: TestUser, body: unknown) => call(url, 'PUT', '/account/state', { token: who.token, body });

async function storedRows(username: string): Promise<number> {
  const db = await openDatabase(server.config.databaseUrl);
  try {
    const [row] = await db.sequelize.query<{ n: number | string }>('SELECT COUNT(*) AS n FROM account_state WHERE username = ?', {
      replacements: [username],
      type: QueryTypes.SELECT,
    });
    return Number(row!.n);
  } finally {
    await db.close();
  }
}

describe('/account/state', () => {
  it('needs a token', async () => {
    for (const method of ['GET', 'PUT']) {
      const reply = await call(url, method, '/account/state', method === 'PUT' ? { body: { state: b64(40), version: 0 } } : {});
      expect(reply.status).toBe(401);
      expect(reply.body.error.code).toBe('unauthorized');
    }
    const forged = await call(url, 'GET', '/account/state', { token: 'v2.nobody.1.x.0.forged' });
    expect(forged.status).toBe(401);
  });

  it('is 404 until the first write, which names version 0; each write then names the version it replaces', async () => {
    const alice = await register(url, 'state_alice');
    const none = await get(alice);
    expect(none.status).toBe(404);
    expect(none.body.error.code).toBe('not_found');

    const first = b64(200);
    const created = await put(alice, { state: first, version: 0 });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({ version: 1 });
    expect(created.headers.get('x-auth-token')).toMatch(/^v2\.state_alice\./);
    expect((await get(alice)).body).toEqual({ state: first, version: 1 });

    // Version 0 again: there is one now. A version behind or ahead: another device wrote meanwhile.
    for (const version of [0, 2, 7]) {
      const refused = await put(alice, { state: b64(10), version });
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe('conflict');
    }
    expect((await get(alice)).body).toEqual({ state: first, version: 1 });

    const second = b64(300);
    expect((await put(alice, { state: second, version: 1 })).body).toEqual({ version: 2 });
    expect((await put(alice, { state: b64(5), version: 1 })).status).toBe(409);
    expect((await get(alice)).body).toEqual({ state: second, version: 2 });
  });

  it('lets exactly one of two writes naming the same version through', async () => {
    const carol = await register(url, 'state_carol');
    expect((await put(carol, { state: b64(50), version: 0 })).status).toBe(200);
    const states = Array.from({ length: 6 }, () => b64(100));
    const replies = await Promise.all(states.map((state) => put(carol, { state, version: 1 })));
    const won = replies.flatMap((reply, i) => (reply.status === 200 ? [i] : []));
    expect(won).toHaveLength(1);
    expect(replies.filter((reply) => reply.status === 409)).toHaveLength(5);
    expect((await get(carol)).body).toEqual({ state: states[won[0]!], version: 2 });
    // The same for the very first write.
    const dave = await register(url, 'state_dave');
    const firsts = await Promise.all(states.map((state) => put(dave, { state, version: 0 })));
    expect(firsts.filter((reply) => reply.status === 200)).toHaveLength(1);
    expect((await get(dave)).body.version).toBe(1);
  });

  it('keeps one state per account', async () => {
    const erin = await register(url, 'state_erin');
    const frank = await register(url, 'state_frank');
    const erins = b64(64);
    expect((await put(erin, { state: erins, version: 0 })).status).toBe(200);
    expect((await get(frank)).status).toBe(404);
    expect((await put(frank, { state: b64(64), version: 0 })).body).toEqual({ version: 1 });
    expect((await get(erin)).body).toEqual({ state: erins, version: 1 });
  });

  it('takes a state of up to 64 KiB and answers 413 too_large above', async () => {
    const gina = await register(url, 'state_gina');
    const largest = b64(65536);
    expect((await put(gina, { state: largest, version: 0 })).status).toBe(200);
    const over = await put(gina, { state: b64(65537), version: 1 });
    expect(over.status).toBe(413);
    expect(over.body.error).toEqual({ code: 'too_large', message: 'request body: state: must decode to at most 65536 bytes' });
    expect((await get(gina)).body).toEqual({ state: largest, version: 1 });
  });

  it('refuses a malformed body or any query parameter with 400 naming the field', async () => {
    const hank = await register(url, 'state_hank');
    const cases: Array<[unknown, RegExp]> = [
      [{ state: 'not base64!', version: 0 }, /^request body: state: must be standard base64/],
      [{ state: '', version: 0 }, /^request body: state: must decode to at least 1 bytes/],
      [{ state: b64(10) }, /^request body: version:/],
      [{ version: 0 }, /^request body: state:/],
      [{ state: b64(10), version: -1 }, /^request body: version: must be 0 or more/],
      [{ state: b64(10), version: 1.5 }, /^request body: version: must be an integer/],
      [{ state: b64(10), version: '0' }, /^request body: version: must be a number/],
      [{ state: b64(10), version: 0, extra: true }, /^request body: unknown field: extra/],
    ];
    for (const [body, message] of cases) {
      const reply = await put(hank, body);
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(reply.body.error.message).toMatch(message);
    }
    expect((await call(url, 'PUT', '/account/state', { token: hank.token })).status).toBe(400);
    expect((await call(url, 'GET', '/account/state?version=1', { token: hank.token })).status).toBe(400);
    expect((await call(url, 'PUT', '/account/state?x=1', { token: hank.token, body: { state: b64(10), version: 0 } })).status).toBe(400);
    expect((await get(hank)).status).toBe(404);
  });

  it('is deleted with the account, when the person deletes it and when the operator does', async () => {
    const ivan = await register(url, 'state_ivan');
    const judy = await register(url, 'state_judy');
    expect((await put(ivan, { state: b64(80), version: 0 })).status).toBe(200);
    expect((await put(judy, { state: b64(80), version: 0 })).status).toBe(200);
    expect([await storedRows('state_ivan'), await storedRows('state_judy')]).toEqual([1, 1]);

    expect((await call(url, 'DELETE', '/users/state_ivan', { token: ivan.token, body: { authHash: ivan.authHash } })).status).toBe(204);
    expect(await storedRows('state_ivan')).toBe(0);
    expect((await get(ivan)).status).toBe(401);

    expect(await adminOk(server.config.databaseUrl, ['users', 'delete', 'state_judy'])).toEqual([expect.stringMatching(/^deleted state_judy/)]);
    expect(await storedRows('state_judy')).toBe(0);
  });
});
