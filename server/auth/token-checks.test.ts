// Every way a token can be wrong answers 401, over real HTTP, on routes that need a token and on open ones.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/database.js';
import { b64, call, outgoing, register, startTestServer, type TestUser } from '../testing/harness.js';
import { loadTokenSecret, TokenSigner } from './tokens.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
let url: string;
let alice: TestUser;
let bob: TestUser;
let signer: TokenSigner;

beforeAll(async () => {
  server = await startTestServer();
  url = server.url;
  alice = await register(url, 'alice');
  bob = await register(url, 'bob');
  const db = await openDatabase(server.config.databaseUrl);
  signer = new TokenSigner(await loadTokenSecret(db.sequelize), server.config.tokenTtlSeconds * 1000);
  await db.close();
});
afterAll(() => server.close());

async function expect401(token: string, why: RegExp) {
  for (const [method, path] of [
    ['GET', '/messages'],
    ['GET', '/users/alice'],
    ['GET', '/health'],
  ] as const) {
    const reply = await call(url, method, path, { token });
    expect(reply.status, `${method} ${path}`).toBe(401);
    expect(reply.body.error.code).toBe('unauthorized');
    expect(reply.body.error.message).toMatch(why);
    expect(reply.headers.get('x-auth-token')).toBeNull();
  }
}

describe('tokens over HTTP', () => {
  it('a valid token works and each answer carries a fresh one that works too', async () => {
    const first = await call(url, 'GET', '/messages', { token: alice.token });
    expect(first.status).toBe(200);
    const fresh = first.headers.get('x-auth-token')!;
    expect(fresh).toMatch(/^v2\.alice\./);
    expect((await call(url, 'GET', '/messages', { token: fresh })).status).toBe(200);
  });

  it('refuses a forged token', async () => {
    const [v, , issued, session, generation, mac] = alice.token.split('.');
    await expect401([v, 'bob', issued, session, generation, mac].join('.'), /invalid or expired/);
    await expect401(new TokenSigner(Buffer.alloc(64, 1), 3_600_000).issue('alice', session!, 0), /invalid or expired/);
    await expect401('not-a-token', /invalid or expired/);
  });

  it("refuses another user's token with the username swapped in", async () => {
    const [v, , issued, session, generation, mac] = bob.token.split('.');
    await expect401([v, 'alice', issued, session, generation, mac].join('.'), /invalid or expired/);
  });

  it("refuses a validly signed token that names another user's session", async () => {
    await expect401(signer.issue('alice', bob.token.split('.')[3]!, 0), /revoked/);
  });

  it('refuses an expired token', async () => {
    const session = alice.token.split('.')[3]!;
    const expired = signer.issue('alice', session, 0, Date.now() - server.config.tokenTtlSeconds * 1000 - 1);
    await expect401(expired, /invalid or expired/);
    expect((await call(url, 'GET', '/messages', { token: signer.issue('alice', session, 0, Date.now() - 5000) })).status).toBe(200);
  });

  it('refuses a token for a user or a session that does not exist', async () => {
    await expect401(signer.issue('ghost', '0b8e5d7c-9a1f-4c3b-8d2e-1f0a9b8c7d6e', 0), /revoked/);
    await expect401(signer.issue('alice', '0b8e5d7c-9a1f-4c3b-8d2e-1f0a9b8c7d6e', 0), /revoked/);
  });

  it('refuses a malformed Authorization header', async () => {
    for (const header of ['Basic abc', 'Bearer', 'bearer ' + alice.token, 'Bearer  ' + alice.token]) {
      const reply = await call(url, 'GET', '/messages', { headers: { authorization: header } });
      expect(reply.status, header).toBe(401);
    }
  });

  it('logout ends only the current session (v2), hands out no new token, and everywhere ends them all', async () => {
    const user = await register(url, 'leaver');
    const second = (await call(url, 'POST', '/login', { body: { username: 'leaver', authHash: user.authHash } })).body.token as string;
    const third = (await call(url, 'POST', '/login', { body: { username: 'leaver', authHash: user.authHash } })).body.token as string;
    const out = await call(url, 'POST', '/logout', { token: user.token });
    expect(out.status).toBe(204);
    expect(out.text).toBe('');
    expect(out.headers.get('x-auth-token')).toBeNull();
    await expect401(user.token, /revoked/);
    expect((await call(url, 'GET', '/messages', { token: second })).status).toBe(200);
    expect((await call(url, 'POST', '/logout', { token: user.token })).status).toBe(401);
    const everywhere = await call(url, 'POST', '/logout', { token: second, body: { everywhere: true } });
    expect(everywhere.status).toBe(204);
    await expect401(second, /revoked/);
    await expect401(third, /revoked/);
    const again = await call(url, 'POST', '/login', { body: { username: 'leaver', authHash: user.authHash } });
    expect((await call(url, 'GET', '/messages', { token: again.body.token })).status).toBe(200);
  });

  it('refuses every earlier token after a password change', async () => {
    const user = await register(url, 'changer');
    const change = { authHash: user.authHash, newAuthHash: b64(64), encryptedPrivateKey: b64(100), kdfSalt: b64(16), kdfIterations: 210_000 };
    const reply = await call(url, 'POST', '/users/changer/password', { token: user.token, body: change });
    expect(reply.status).toBe(200);
    await expect401(user.token, /revoked/);
    expect((await call(url, 'POST', '/messages', { token: user.token, body: outgoing('alice') })).status).toBe(401);
    expect((await call(url, 'GET', '/messages', { token: reply.body.token })).status).toBe(200);
  });
});
