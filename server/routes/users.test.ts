import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userProfileSchema, usersResponseSchema } from '../../core/protocol/schemas.js';
import { fingerprint } from '../auth/public-key.js';
import { b64, call, KEYS, register, registration, startTestServer } from '../testing/harness.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
let url: string;

beforeAll(async () => {
  server = await startTestServer();
  url = server.url;
});
afterAll(() => server.close());

describe('POST /users', () => {
  it('registers and answers 201 with a token that works', async () => {
    const reply = await call(url, 'POST', '/users', { body: registration('reg_ok') });
    expect(reply.status).toBe(201);
    expect(reply.body).toEqual({ username: 'reg_ok', token: expect.any(String) });
    const me = await call(url, 'GET', '/users/reg_ok', { token: reply.body.token });
    expect(me.status).toBe(200);
    expect(me.body.encryptedPrivateKey).toBeDefined();
  });

  it('answers 409 for a taken username, also when two register it at once', async () => {
    await register(url, 'reg_taken');
    const again = await call(url, 'POST', '/users', { body: registration('reg_taken') });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('conflict');
    const racing = await Promise.all([1, 2, 3, 4].map(() => call(url, 'POST', '/users', { body: registration('reg_race') })));
    expect(racing.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
  });

  const bad: [string, (body: Record<string, unknown>) => void, RegExp][] = [
    ['username with capitals', (b) => (b.username = 'Alice'), /username/],
    ['username too short', (b) => (b.username = 'ab'), /username/],
    ['username too long', (b) => (b.username = 'a'.repeat(33)), /username/],
    ['username with a dash', (b) => (b.username = 'al-ice'), /username/],
    ['authHash of 63 bytes', (b) => (b.authHash = b64(63)), /authHash: must decode to exactly 64 bytes/],
    ['authHash url-safe base64', (b) => (b.authHash = 'A-_'.repeat(28) + 'AAAA'), /authHash: must be standard base64/],
    ['authHash unpadded', (b) => (b.authHash = b64(64).replace(/=+$/, '')), /authHash/],
    ['kdfIterations below 210000', (b) => (b.kdfIterations = 209_999), /kdfIterations: must be at least 210000/],
    ['kdfIterations not an integer', (b) => (b.kdfIterations = 210_000.5), /kdfIterations: must be an integer/],
    ['kdfIterations as a string', (b) => (b.kdfIterations = '210000'), /kdfIterations/],
    ['kdfSalt of 15 bytes', (b) => (b.kdfSalt = b64(15)), /kdfSalt/],
    ['encryptedPrivateKey too short to be sealed', (b) => (b.encryptedPrivateKey = b64(27)), /encryptedPrivateKey/],
    ['missing publicKey', (b) => delete b.publicKey, /publicKey: is required/],
    ['an unknown field', (b) => (b.admin = true), /unknown field: admin/],
    ['publicKey of random bytes', (b) => (b.publicKey = b64(550)), /publicKey: is not a public key/],
    ['publicKey RSA-2048', (b) => (b.publicKey = KEYS.invalid.rsa2048), /publicKey: must be 4096 bits, got 2048/],
    ['publicKey with e = 3', (b) => (b.publicKey = KEYS.invalid.rsa4096e3), /publicKey: must have public exponent 65537/],
    ['publicKey RSA-PSS', (b) => (b.publicKey = KEYS.invalid.rsaPss4096), /publicKey: must be an RSA key, got rsa-pss/],
    ['publicKey EC', (b) => (b.publicKey = KEYS.invalid.ecP256), /publicKey: must be an RSA key, got ec/],
    ['publicKey Ed25519', (b) => (b.publicKey = KEYS.invalid.ed25519), /publicKey: must be an RSA key/],
    [
      'publicKey with trailing bytes',
      (b) => (b.publicKey = Buffer.concat([Buffer.from(KEYS.valid.alice, 'base64'), Buffer.from([0, 0])]).toString('base64')),
      /publicKey/,
    ],
  ];
  it.each(bad)('refuses %s with 400 naming the field', async (_name, spoil, message) => {
    const body: Record<string, unknown> = registration('reg_bad');
    spoil(body);
    const reply = await call(url, 'POST', '/users', { body });
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe('invalid_request');
    expect(reply.body.error.message).toMatch(message);
  });

  it('refuses a JSON array or a missing body with 400', async () => {
    expect((await call(url, 'POST', '/users', { raw: '[]' })).status).toBe(400);
    const empty = await call(url, 'POST', '/users');
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toMatch(/request body: is required/);
  });

  it('answers 403 when registration is closed', async () => {
    const closed = await startTestServer({ registration: 'closed' });
    try {
      const reply = await call(closed.url, 'POST', '/users', { body: registration('reg_closed') });
      expect(reply.status).toBe(403);
      expect(reply.body.error.code).toBe('forbidden');
    } finally {
      await closed.close();
    }
  });
});

describe('GET /users', () => {
  // USER_DIRECTORY=signed-in (the default): listing needs a token; directory.test.ts covers both modes.
  let token = '';
  beforeAll(async () => {
    for (const name of ['list_b', 'list_a', 'list_c', 'list_a_2', 'other_1']) token = (await register(url, name)).token;
  });

  it('lists users ordered by username with q, after and limit', async () => {
    const all = await call(url, 'GET', '/users?q=list_', { token });
    expect(usersResponseSchema.parse(all.body).users.map((u) => u.username)).toEqual(['list_a', 'list_a_2', 'list_b', 'list_c']);
    const page = await call(url, 'GET', '/users?q=list_&after=list_a_2&limit=1', { token });
    expect(page.body.users.map((u: { username: string }) => u.username)).toEqual(['list_b']);
    const everyone = await call(url, 'GET', '/users', { token });
    const names = everyone.body.users.map((u: { username: string }) => u.username) as string[];
    expect(names).toEqual([...names].sort());
    expect(names).toContain('other_1');
  });

  it('treats _ in q literally, not as a wildcard', async () => {
    const reply = await call(url, 'GET', '/users?q=list_a_', { token });
    expect(reply.body.users.map((u: { username: string }) => u.username)).toEqual(['list_a_2']);
  });

  it.each([
    ['limit=0', /limit/],
    ['limit=1001', /limit/],
    ['limit=abc', /limit/],
    ['after=Bad', /after/],
    ['q=A', /q/],
    ['page=2', /unknown field: page/],
    ['limit=1&limit=2', /limit/],
  ])('refuses %s with 400', async (query, message) => {
    const reply = await call(url, 'GET', `/users?${query}`, { token });
    expect(reply.status).toBe(400);
    expect(reply.body.error.message).toMatch(message);
  });
});

describe('GET /users/:username', () => {
  it('gives the public profile to anyone and the private fields to the owner only', async () => {
    const alice = await register(url, 'prof_alice', KEYS.valid.alice);
    const bob = await register(url, 'prof_bob', KEYS.valid.bob);
    const anonymous = await call(url, 'GET', '/users/prof_alice');
    expect(anonymous.status).toBe(200);
    const profile = userProfileSchema.parse(anonymous.body);
    expect(profile.fingerprint).toBe(fingerprint(Buffer.from(KEYS.valid.alice, 'base64')));
    expect(anonymous.body).not.toHaveProperty('encryptedPrivateKey');
    expect(anonymous.headers.get('x-auth-token')).toBeNull();
    const byBob = await call(url, 'GET', '/users/prof_alice', { token: bob.token });
    expect(byBob.body).not.toHaveProperty('kdfSalt');
    expect(byBob.headers.get('x-auth-token')).toBeTruthy();
    const byAlice = await call(url, 'GET', '/users/prof_alice', { token: alice.token });
    expect(Object.keys(byAlice.body).sort()).toEqual(
      ['createdAt', 'encryptedPrivateKey', 'fingerprint', 'kdfIterations', 'kdfSalt', 'keyIndex', 'publicKey', 'recovery', 'username'].sort(),
    );
    // The key log's entry of each key (PROTOCOL.md "Key transparency"), for anyone.
    expect(typeof anonymous.body.keyIndex).toBe('number');
    expect((await call(url, 'GET', '/users/prof_bob')).body.keyIndex).toBe(anonymous.body.keyIndex + 1);
  });

  it('matches the fingerprint of the shared test vectors', async () => {
    const reply = await call(url, 'GET', '/users/prof_alice');
    expect(reply.body.fingerprint).toBe('70fb69c635b16a73c4056bf31c181622ba0741d7e62da73f2772413318e9ae0b');
  });

  it('answers 404 for an unknown user and 400 for a malformed name', async () => {
    expect((await call(url, 'GET', '/users/nobody_here')).status).toBe(404);
    const bad = await call(url, 'GET', '/users/No%20Body');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/username/);
  });

  it('answers 401 for a bad token even though none is needed', async () => {
    const reply = await call(url, 'GET', '/users/prof_alice', { token: 'v1.nope' });
    expect(reply.status).toBe(401);
    expect(reply.body.error.code).toBe('unauthorized');
  });
});

describe('POST /users/:username/password', () => {
  it('changes the password: new hash logs in, old does not, old tokens stop, new keys are served', async () => {
    const user = await register(url, 'pw_user');
    const change = { authHash: user.authHash, newAuthHash: b64(64), encryptedPrivateKey: b64(2400), kdfSalt: b64(16), kdfIterations: 300_000 };
    const reply = await call(url, 'POST', '/users/pw_user/password', { token: user.token, body: change });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ username: 'pw_user', token: expect.any(String) });
    expect((await call(url, 'GET', '/messages', { token: user.token })).status).toBe(401);
    const me = await call(url, 'GET', '/users/pw_user', { token: reply.body.token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ encryptedPrivateKey: change.encryptedPrivateKey, kdfSalt: change.kdfSalt, kdfIterations: 300_000 });
    expect((await call(url, 'POST', '/login', { body: { username: 'pw_user', authHash: user.authHash } })).status).toBe(401);
    expect((await call(url, 'POST', '/login', { body: { username: 'pw_user', authHash: change.newAuthHash } })).status).toBe(200);
  });

  it('refuses a wrong current password (401), another user (403), no token (401), bad body (400)', async () => {
    const user = await register(url, 'pw_other');
    const victim = await register(url, 'pw_victim');
    const change = { authHash: b64(64), newAuthHash: b64(64), encryptedPrivateKey: b64(100), kdfSalt: b64(16), kdfIterations: 210_000 };
    const wrong = await call(url, 'POST', '/users/pw_other/password', { token: user.token, body: change });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.message).toMatch(/current password/);
    const other = await call(url, 'POST', '/users/pw_victim/password', { token: user.token, body: { ...change, authHash: victim.authHash } });
    expect(other.status).toBe(403);
    expect((await call(url, 'POST', '/users/pw_other/password', { body: change })).status).toBe(401);
    const bad = await call(url, 'POST', '/users/pw_other/password', { token: user.token, body: { ...change, kdfIterations: 1 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/kdfIterations/);
    // The failed attempts changed nothing.
    expect((await call(url, 'POST', '/login', { body: { username: 'pw_other', authHash: user.authHash } })).status).toBe(200);
  });
});
