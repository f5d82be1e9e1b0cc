// `users list | disable | enable | delete` against a real server and its database (SQLite, or PostgreSQL under
// scripts/ci/with-postgres.sh): what a disabled account meets on every sign-in path, that its tokens die with
// it, that the operator's deletion is the protocol's, and that no listing shows a hash.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newRecoveryCode, recoveryAuthHash, sealRecoveryKey } from '../../core/crypto/recovery-code.js';
import { startSession } from '../auth/sessions.js';
import { loadTokenSecret, TokenSigner } from '../auth/tokens.js';
import { openDatabase, type Database } from '../db/database.js';
import { call, register, registration, startTestServer, type TestUser } from '../testing/harness.js';
import { admin, adminOk } from './admin-run.fixture.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
let url: string;
let databaseUrl: string;
let db: Database;

beforeAll(async () => {
  server = await startTestServer();
  url = server.url;
  databaseUrl = server.config.databaseUrl;
  db = await openDatabase(databaseUrl);
});
afterAll(async () => {
  await db.close();
  await server.close();
});

const toB64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const works = async (token: string) => (await call(url, 'GET', '/messages', { token })).status === 200;
const login = (user: TestUser, headers: Record<string, string> = {}) =>
  call(url, 'POST', '/login', { body: { username: user.username, authHash: user.authHash }, headers });

/** Sets a recovery code for `user` the way a client does; returns the proof that recovers with it. */
async function setRecovery(user: TestUser): Promise<{ proof: string; token: string }> {
  const code = newRecoveryCode();
  const sealed = await sealRecoveryKey(code, user.username, randomBytes(1200));
  const proof = toB64(await recoveryAuthHash(code, user.username));
  const put = await call(url, 'PUT', `/users/${user.username}/recovery`, {
    token: user.token,
    body: { authHash: user.authHash, recoveryAuthHash: proof, recoveryPrivateKey: toB64(sealed.recoveryPrivateKey), recoveryKdfSalt: toB64(sealed.recoveryKdfSalt) },
  });
  expect(put.status).toBe(204);
  return { proof, token: put.headers.get('x-auth-token')! };
}

const DISABLED = { error: { code: 'forbidden', message: "this account is disabled by the server's operator" } };

describe('users disable and enable', () => {
  it('disabling ends every session and refuses login, device-credential login and recovery with 403; enabling undoes it', async () => {
    const alice = await register(url, 'dis_alice');
    const { proof, token } = await setRecovery(alice);
    const second = await login(alice);
    expect(second.status).toBe(200);
    const credential = second.headers.get('x-device-credential')!;
    expect(credential).toMatch(/^dc1\./);
    expect(await works(token)).toBe(true);

    expect(await adminOk(databaseUrl, ['users', 'disable', 'dis_alice'])).toEqual(['disabled dis_alice; ended 2 sessions']);
    for (const old of [token, second.body.token as string]) {
      const refused = await call(url, 'GET', '/messages', { token: old });
      expect(refused.status).toBe(401);
    }
    for (const attempt of [
      await login(alice),
      await login(alice, { 'x-device-credential': credential }),
      await call(url, 'POST', '/users/dis_alice/recover', { body: { recoveryAuthHash: proof } }),
    ]) {
      expect(attempt.status).toBe(403);
      expect(attempt.body).toEqual(DISABLED);
      expect(attempt.headers.get('x-device-credential')).toBeNull();
    }
    // Without the password (or code) nobody learns that the account is disabled.
    expect((await call(url, 'POST', '/login', { body: { username: 'dis_alice', authHash: toB64(randomBytes(64)) } })).status).toBe(401);
    expect((await call(url, 'POST', '/users/dis_alice/recover', { body: { recoveryAuthHash: toB64(randomBytes(64)) } })).status).toBe(401);
    expect((await db.models.Session.count({ where: { username: 'dis_alice' } }))).toBe(0);

    const again = await adminOk(databaseUrl, ['users', 'disable', 'dis_alice']);
    expect(again).toEqual([expect.stringMatching(/^dis_alice was disabled already \(since \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\); ended 0 sessions$/)]);

    expect(await adminOk(databaseUrl, ['users', 'enable', 'dis_alice'])).toEqual(['enabled dis_alice']);
    const back = await login(alice);
    expect(back.status).toBe(200);
    expect(await works(back.body.token)).toBe(true);
    expect((await call(url, 'POST', '/users/dis_alice/recover', { body: { recoveryAuthHash: proof } })).status).toBe(200);
    expect(await adminOk(databaseUrl, ['users', 'enable', 'dis_alice'])).toEqual(['dis_alice was not disabled; nothing changed']);
  });

  it("refuses the token of a session a sign-in started as the account was being disabled", async () => {
    const bob = await register(url, 'dis_race');
    await adminOk(databaseUrl, ['users', 'disable', 'dis_race']);
    // What a login that passed its check just before the disabling commits would leave behind.
    const late = await startSession(db, 'dis_race', 'Late');
    const signer = new TokenSigner(await loadTokenSecret(db.sequelize), 3_600_000);
    const token = signer.issue('dis_race', late.id, late.generation);
    expect((await call(url, 'GET', '/messages', { token })).status).toBe(401);
    await adminOk(databaseUrl, ['users', 'enable', 'dis_race']);
    expect((await call(url, 'GET', '/messages', { token })).status).toBe(200);
    // The registration's session was ended by the disabling, and enabling does not bring it back.
    expect(await works(bob.token)).toBe(false);
  });

  it('answers unknown, deleted and malformed usernames with exit 1 and a missing one with exit 2', async () => {
    const unknown = await admin(databaseUrl, ['users', 'disable', 'nobody_here']);
    expect(unknown).toMatchObject({ code: 1, stdout: '', stderr: 'encrypted-chat-admin: there is no user nobody_here\n' });
    expect((await admin(databaseUrl, ['users', 'enable', 'nobody_here'])).code).toBe(1);
    const bad = await admin(databaseUrl, ['users', 'disable', 'Not A Name']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^encrypted-chat-admin: "Not A Name" is not a username/);
    const missing = await admin(databaseUrl, ['users', 'disable']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('encrypted-chat-admin: users disable takes <username>, got none\nusage: encrypted-chat-admin users disable <username> [--database URL]\n');
    expect((await admin(databaseUrl, ['users', 'disable', 'a_b', 'c_d'])).code).toBe(2);
    await register(url, 'dis_gone');
    await adminOk(databaseUrl, ['users', 'delete', 'dis_gone']);
    const gone = await admin(databaseUrl, ['users', 'disable', 'dis_gone']);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/the account dis_gone was deleted/);
  });
});

describe('users delete', () => {
  it('deletes as DELETE /users/{u} does, without the password: 410, name taken, sessions gone, groups left', async () => {
    const carol = await register(url, 'del_carol');
    const dave = await register(url, 'del_dave');
    const group = await call(url, 'POST', '/groups', { token: dave.token, body: { id: '4c1f7d2e-8a3b-4e5f-9a6b-7c8d9e0f1a2b', members: ['del_carol'] } });
    expect(group.status).toBe(201);

    expect(await adminOk(databaseUrl, ['users', 'delete', 'del_carol'])).toEqual(['deleted del_carol; the name stays taken']);
    const profile = await call(url, 'GET', '/users/del_carol');
    expect(profile.status).toBe(410);
    expect(profile.body.error.code).toBe('gone');
    expect(await works(carol.token)).toBe(false);
    expect((await login(carol)).status).toBe(401);
    expect((await call(url, 'POST', '/users', { body: registration('del_carol') })).status).toBe(409);
    expect((await call(url, 'GET', `/groups/${group.body.id}`, { token: dave.token })).body.members).toEqual(['del_dave']);
    const row = await db.models.User.findByPk('del_carol');
    expect({ publicKey: row!.publicKey, hash: row!.passwordHash.length, deleted: typeof row!.deletedAt }).toEqual({ publicKey: '', hash: 0, deleted: 'number' });

    expect(await adminOk(databaseUrl, ['users', 'delete', 'del_carol'])).toEqual(['del_carol was deleted already; nothing changed']);
    const unknown = await admin(databaseUrl, ['users', 'delete', 'nobody_here']);
    expect(unknown).toMatchObject({ code: 1, stderr: 'encrypted-chat-admin: there is no user nobody_here\n' });
  });
});

describe('users list', () => {
  it('shows every account with sessions, last seen, disabled, deleted and recovery code, and never a hash', async () => {
    const listed = await startTestServer();
    const listedDb = await openDatabase(listed.config.databaseUrl);
    try {
      const at = listed.config.databaseUrl;
      expect(await adminOk(at, ['users', 'list'])).toEqual(['no users']);
      const eve = await register(listed.url, 'lst_eve');
      await call(listed.url, 'POST', '/login', { body: { username: 'lst_eve', authHash: eve.authHash } });
      const fay = await register(listed.url, 'lst_fay');
      const code = newRecoveryCode();
      const sealed = await sealRecoveryKey(code, 'lst_fay', randomBytes(1200));
      const put = await call(listed.url, 'PUT', '/users/lst_fay/recovery', {
        token: fay.token,
        body: {
          authHash: fay.authHash,
          recoveryAuthHash: toB64(await recoveryAuthHash(code, 'lst_fay')),
          recoveryPrivateKey: toB64(sealed.recoveryPrivateKey),
          recoveryKdfSalt: toB64(sealed.recoveryKdfSalt),
        },
      });
      expect(put.status).toBe(204);
      await register(listed.url, 'lst_gus');
      await register(listed.url, 'lst_hal');
      await adminOk(at, ['users', 'disable', 'lst_gus']);
      await adminOk(at, ['users', 'delete', 'lst_hal']);

      const json = JSON.parse((await adminOk(at, ['users', 'list', '--json'])).join('\n')) as { users: Record<string, unknown>[] };
      const time = expect.any(Number);
      expect(json.users).toEqual([
        { username: 'lst_eve', createdAt: time, lastSeenAt: time, sessions: 2, disabledAt: null, deletedAt: null, recoveryCode: false },
        { username: 'lst_fay', createdAt: time, lastSeenAt: time, sessions: 1, disabledAt: null, deletedAt: null, recoveryCode: true },
        { username: 'lst_gus', createdAt: time, lastSeenAt: null, sessions: 0, disabledAt: time, deletedAt: null, recoveryCode: false },
        { username: 'lst_hal', createdAt: time, lastSeenAt: null, sessions: 0, disabledAt: null, deletedAt: time, recoveryCode: false },
      ]);
      const sessions = await listedDb.models.Session.findAll({ where: { username: 'lst_eve' } });
      expect(json.users[0]!.lastSeenAt).toBe(Math.max(...sessions.map((s) => s.lastSeenAt)));

      const table = await adminOk(at, ['users', 'list']);
      const t = String.raw`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ`;
      expect(table[0]).toMatch(/^username +created +last seen +sessions +disabled +deleted +recovery code$/);
      expect(table.slice(1).map((line) => line.split(/ {2,}/))).toEqual([
        ['lst_eve', expect.stringMatching(t), expect.stringMatching(t), '2', 'no', 'no', 'no'],
        ['lst_fay', expect.stringMatching(t), expect.stringMatching(t), '1', 'no', 'no', 'yes'],
        ['lst_gus', expect.stringMatching(t), '-', '0', expect.stringMatching(t), 'no', 'no'],
        ['lst_hal', expect.stringMatching(t), '-', '0', 'no', expect.stringMatching(t), 'no'],
      ]);
      // Columns line up: every row's cells start where the header's do.
      const starts = (line: string) => [...line.matchAll(/(?:^| {2,})(\S)/g)].map((m) => m.index + m[0].length - 1);
      for (const line of table.slice(1)) expect(starts(line)).toEqual(starts(table[0]!));

      const output = table.join('\n') + JSON.stringify(json);
      for (const user of await listedDb.models.User.findAll()) {
        if (user.passwordHash.length === 0) continue;
        for (const secret of [user.passwordHash, user.serverSalt]) {
          expect(output).not.toContain(secret.toString('hex'));
          expect(output).not.toContain(secret.toString('base64'));
        }
        expect(output).not.toContain(user.encryptedPrivateKey.slice(0, 40));
      }
      expect(output).not.toContain(eve.authHash);
    } finally {
      await listedDb.close();
      await listed.close();
    }
  });
});
