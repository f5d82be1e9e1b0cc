import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { b64, call, register, registration, startTestServer, type TestUser } from '../testing/harness.js';

describe('POST /login', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let url: string;
  let alice: TestUser;

  beforeAll(async () => {
    server = await startTestServer();
    url = server.url;
    alice = await register(url, 'alice');
  });
  afterAll(() => server.close());

  it('answers 200 with a token for the right authHash', async () => {
    const reply = await call(url, 'POST', '/login', { body: { username: 'alice', authHash: alice.authHash } });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ username: 'alice', token: expect.stringMatching(/^v1\.alice\./) });
  });

  it('answers a wrong password and an unknown user identically', async () => {
    const wrong = await call(url, 'POST', '/login', { body: { username: 'alice', authHash: b64(64) } });
    const unknown = await call(url, 'POST', '/login', { body: { username: 'nobody', authHash: b64(64) } });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(unknown.text).toBe(wrong.text);
    expect([...unknown.headers.keys()].sort()).toEqual([...wrong.headers.keys()].sort());
  });

  it.each([
    [{ username: 'alice' }, /authHash: is required/],
    [{ username: 'Alice', authHash: b64(64) }, /username/],
    [{ username: 'alice', authHash: b64(32) }, /authHash/],
    [{ username: 'alice', authHash: b64(64), remember: true }, /unknown field: remember/],
  ])('refuses %j with 400', async (body, message) => {
    const reply = await call(url, 'POST', '/login', { body });
    expect(reply.status).toBe(400);
    expect(reply.body.error.message).toMatch(message);
  });
});

describe('POST /logout', () => {
  it('needs a token and takes no fields', async () => {
    const server = await startTestServer();
    try {
      const user = await register(server.url, 'quitter');
      expect((await call(server.url, 'POST', '/logout')).status).toBe(401);
      const withField = await call(server.url, 'POST', '/logout', { token: user.token, body: { all: true } });
      expect(withField.status).toBe(400);
      expect((await call(server.url, 'POST', '/logout', { token: user.token, body: {} })).status).toBe(204);
    } finally {
      await server.close();
    }
  });
});

describe('rate limits', () => {
  it('limits failed logins per username, counting only failures, with Retry-After', async () => {
    const server = await startTestServer({ loginFailuresPerUser: 3 });
    try {
      const user = await register(server.url, 'target');
      const login = (authHash: string, username = 'target') => call(server.url, 'POST', '/login', { body: { username, authHash } });
      for (let i = 0; i < 5; i++) expect((await login(user.authHash)).status).toBe(200);
      for (let i = 0; i < 3; i++) expect((await login(b64(64))).status).toBe(401);
      const limited = await login(b64(64));
      expect(limited.status).toBe(429);
      expect(limited.body.error.code).toBe('rate_limited');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      // Even the right password waits now; other accounts do not.
      expect((await login(user.authHash)).status).toBe(429);
      expect((await login(b64(64), 'someone_else')).status).toBe(401);
    } finally {
      await server.close();
    }
  });

  it('limits failed logins per address', async () => {
    const server = await startTestServer({ loginFailuresPerAddress: 4 });
    try {
      for (let i = 0; i < 4; i++) {
        expect((await call(server.url, 'POST', '/login', { body: { username: `user_${i}`, authHash: b64(64) } })).status).toBe(401);
      }
      const limited = await call(server.url, 'POST', '/login', { body: { username: 'user_9', authHash: b64(64) } });
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBeTruthy();
    } finally {
      await server.close();
    }
  });

  it('limits registrations per address, and counts the client address from X-Forwarded-For only when TRUST_PROXY says so', async () => {
    const server = await startTestServer({ registrationsPerAddress: 2, trustProxy: 'loopback' });
    try {
      const from = (ip: string, name: string) =>
        call(server.url, 'POST', '/users', { body: registration(name), headers: { 'x-forwarded-for': ip } });
      expect((await from('203.0.113.1', 'reg_one')).status).toBe(201);
      expect((await from('203.0.113.1', 'reg_two')).status).toBe(201);
      const limited = await from('203.0.113.1', 'reg_three');
      expect(limited.status).toBe(429);
      expect(limited.body.error.message).toMatch(/registrations/);
      expect((await from('203.0.113.2', 'reg_four')).status).toBe(201);
    } finally {
      await server.close();
    }
    const direct = await startTestServer({ registrationsPerAddress: 1 });
    try {
      const from = (ip: string, name: string) =>
        call(direct.url, 'POST', '/users', { body: registration(name), headers: { 'x-forwarded-for': ip } });
      expect((await from('203.0.113.1', 'reg_one')).status).toBe(201);
      expect((await from('203.0.113.2', 'reg_two')).status).toBe(429);
    } finally {
      await direct.close();
    }
  });

  it('limits wrong current passwords on password change per account', async () => {
    const server = await startTestServer({ loginFailuresPerUser: 2 });
    try {
      const user = await register(server.url, 'pw_target');
      const attempt = () =>
        call(server.url, 'POST', '/users/pw_target/password', {
          token: user.token,
          body: { authHash: b64(64), newAuthHash: b64(64), encryptedPrivateKey: b64(100), kdfSalt: b64(16), kdfIterations: 210_000 },
        });
      expect((await attempt()).status).toBe(401);
      expect((await attempt()).status).toBe(401);
      expect((await attempt()).status).toBe(429);
    } finally {
      await server.close();
    }
  });
});
