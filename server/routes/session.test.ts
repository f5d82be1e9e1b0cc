import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { b64, call, KEYS, register, registration, startTestServer, type TestUser } from '../testing/harness.js';

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
    expect(reply.body).toEqual({ username: 'alice', token: expect.stringMatching(/^v2\.alice\./) });
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

describe('device credentials (X-Device-Credential) against lockout', () => {
  const LIMIT = 10;
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let alice: TestUser;
  let registered: string;
  // Every address is a documentation address; TRUST_PROXY=loopback makes the server believe X-Forwarded-For.
  const login = (authHash: string, ip: string, credential?: string, username = 'alice') =>
    call(server.url, 'POST', '/login', {
      body: { username, authHash },
      headers: { 'x-forwarded-for': ip, ...(credential ? { 'x-device-credential': credential } : {}) },
    });
  const credentialOf = (reply: { headers: Headers }) => reply.headers.get('x-device-credential') ?? '';
  const noRateLimitHeaders = (reply: { headers: Headers }) =>
    expect([...reply.headers.keys()].filter((h) => h.startsWith('ratelimit') || h.startsWith('x-ratelimit'))).toEqual([]);

  beforeEach(async () => {
    server = await startTestServer({ trustProxy: 'loopback', loginFailuresPerUser: LIMIT, loginFailuresPerAddress: 1000 });
    const body = registration('alice');
    const reply = await call(server.url, 'POST', '/users', { body, headers: { 'x-forwarded-for': '198.51.100.1' } });
    expect(reply.status).toBe(201);
    registered = credentialOf(reply);
    alice = { username: 'alice', authHash: body.authHash, token: reply.body.token as string };
  });
  afterEach(() => server.close());

  it('hands out an opaque credential on registration and on every successful login, never on a failure', async () => {
    expect(registered).toMatch(/^[A-Za-z0-9._-]{100,200}$/);
    const ok = await login(alice.authHash, '198.51.100.1');
    expect(ok.status).toBe(200);
    expect(credentialOf(ok)).toMatch(/^[A-Za-z0-9._-]{100,200}$/);
    expect(credentialOf(ok)).not.toBe(registered);
    const wrong = await login(b64(64), '198.51.100.1');
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('x-device-credential')).toBeNull();
  });

  it('keeps the owner of a credential signing in while attackers from many addresses lock the account for everyone else', async () => {
    for (let i = 0; i < LIMIT + 2; i++) {
      const reply = await login(b64(64), `203.0.113.${i + 1}`);
      expect(reply.status).toBe(i < LIMIT ? 401 : 429);
      noRateLimitHeaders(reply);
    }
    // Without a credential even the right password is locked out, from a fresh address too.
    const locked = await login(alice.authHash, '198.51.100.7');
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('rate_limited');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    noRateLimitHeaders(locked);
    // With her credential and the right password alice gets in.
    const owner = await login(alice.authHash, '198.51.100.7', registered);
    expect(owner.status).toBe(200);
    expect(owner.body.username).toBe('alice');
    noRateLimitHeaders(owner);
    // A credential for another account, or a forged one, does not lift the lock.
    const bob = await call(server.url, 'POST', '/users', { body: registration('bob_user', KEYS.valid.bob), headers: { 'x-forwarded-for': '198.51.100.9' } });
    expect((await login(alice.authHash, '198.51.100.7', credentialOf(bob))).status).toBe(429);
    const forged = registered.slice(0, -4) + (registered.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect((await login(alice.authHash, '198.51.100.7', forged)).status).toBe(429);
    expect((await login(alice.authHash, '198.51.100.7', 'garbage')).status).toBe(429);
  });

  it('still limits one attacking address per account, with or without credentials', async () => {
    const first = credentialOf(await login(alice.authHash, '198.51.100.1'));
    const second = credentialOf(await login(alice.authHash, '198.51.100.1'));
    // Failures split over two credentials from one address: neither credential reaches its own limit…
    for (let i = 0; i < LIMIT; i++) expect((await login(b64(64), '203.0.113.50', i % 2 ? first : second)).status).toBe(401);
    // …but the (account, address) pair has.
    const limited = await login(alice.authHash, '203.0.113.50', registered);
    expect(limited.status).toBe(429);
    expect(limited.body.error.message).toMatch(/from this address/);
    // The same credentials from another address still work.
    expect((await login(alice.authHash, '198.51.100.2', first)).status).toBe(200);
    // Other accounts from the attacking address are not affected by this pair's count.
    expect((await login(b64(64), '203.0.113.50', undefined, 'someone_else')).status).toBe(401);
  });

  it('locks a credential that collects failures on its own, so a stolen one is no unlimited oracle', async () => {
    const spare = credentialOf(await login(alice.authHash, '198.51.100.1'));
    for (let i = 0; i < LIMIT; i++) expect((await login(b64(64), `203.0.113.${100 + i}`, registered)).status).toBe(401);
    const stolen = await login(alice.authHash, '203.0.113.200', registered);
    expect(stolen.status).toBe(429);
    expect(stolen.body.error.message).toMatch(/device credential/);
    expect(Number(stolen.headers.get('retry-after'))).toBeGreaterThan(0);
    // Failures with a credential do not count against the account: other devices and fresh clients sign in.
    expect((await login(alice.authHash, '198.51.100.3', spare)).status).toBe(200);
    expect((await login(alice.authHash, '198.51.100.4')).status).toBe(200);
  });

  it('does not let failed logins from elsewhere lock the password change', async () => {
    for (let i = 0; i < LIMIT + 1; i++) await login(b64(64), `203.0.113.${i + 1}`);
    expect((await login(alice.authHash, '198.51.100.7')).status).toBe(429);
    const change = (authHash: string, credential?: string) =>
      call(server.url, 'POST', '/users/alice/password', {
        token: alice.token,
        headers: { 'x-forwarded-for': '198.51.100.7', ...(credential ? { 'x-device-credential': credential } : {}) },
        body: { authHash, newAuthHash: b64(64), encryptedPrivateKey: b64(100), kdfSalt: b64(16), kdfIterations: 210_000 },
      });
    const wrong = await change(b64(64), registered);
    expect(wrong.status).toBe(401);
    noRateLimitHeaders(wrong);
    const changed = await change(alice.authHash);
    expect(changed.status).toBe(200);
    noRateLimitHeaders(changed);
  });

  it('sends no RateLimit headers on registration answers, and Retry-After on its 429', async () => {
    const limited = await startTestServer({ registrationsPerAddress: 1, trustProxy: 'loopback' });
    try {
      const from = (name: string) => call(limited.url, 'POST', '/users', { body: registration(name), headers: { 'x-forwarded-for': '203.0.113.9' } });
      const ok = await from('reg_one');
      expect(ok.status).toBe(201);
      noRateLimitHeaders(ok);
      const refused = await from('reg_two');
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      noRateLimitHeaders(refused);
    } finally {
      await limited.close();
    }
  });
});
