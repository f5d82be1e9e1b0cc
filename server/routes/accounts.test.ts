// PROTOCOL.md "Accounts (v2)" over real HTTP: sessions, per-session logout, recovery codes (with the client's
// own derivations from core/crypto/recovery-code.ts), account deletion, the directory and registration
// settings, invites. Runs on SQLite, and on PostgreSQL under scripts/ci/with-postgres.sh.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRecoveryKey, newRecoveryCode, recoveryAuthHash, sealRecoveryKey } from '../../core/crypto/recovery-code.js';
import { recoverResponseSchema, sessionsResponseSchema, userProfileV2Schema } from '../../core/protocol/schemas-accounts.js';
import { createInvite } from '../auth/invites.js';
import { openDatabase } from '../db/database.js';
import { b64, call, groupOutgoing, outgoing, register, registration, startTestServer, type TestUser } from '../testing/harness.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
let url: string;

beforeAll(async () => {
  server = await startTestServer();
  url = server.url;
});
afterAll(() => server.close());

const login = async (username: string, authHash: string, device?: string) => {
  const reply = await call(url, 'POST', '/login', { body: { username, authHash, ...(device === undefined ? {} : { device }) } });
  expect(reply.status).toBe(200);
  return reply.body.token as string;
};
const works = async (token: string) => (await call(url, 'GET', '/messages', { token })).status === 200;
const sessionOf = (token: string) => token.split('.')[3]!;
const toB64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const passwordChange = (proof: Record<string, string>) => ({ ...proof, newAuthHash: b64(64), encryptedPrivateKey: b64(2400), kdfSalt: b64(16), kdfIterations: 210_000 });

describe('sessions', () => {
  it('registration and login start sessions with their device; GET /sessions lists them with current marked', async () => {
    const body = { ...registration('ses_list'), device: 'Desktop, Linux' };
    const made = await call(url, 'POST', '/users', { body });
    expect(made.status).toBe(201);
    const phone = await login('ses_list', body.authHash, 'Phone 📱');
    const bare = await login('ses_list', body.authHash);
    const list = await call(url, 'GET', '/sessions', { token: phone });
    expect(list.status).toBe(200);
    expect(list.headers.get('x-auth-token')).toMatch(/^v2\.ses_list\./);
    const { sessions } = sessionsResponseSchema.parse(list.body);
    expect(sessions.map((s) => [s.id, s.device, s.current])).toEqual([
      [sessionOf(made.body.token), 'Desktop, Linux', false],
      [sessionOf(phone), 'Phone 📱', true],
      [sessionOf(bare), null, false],
    ]);
    expect(Object.keys(list.body.sessions[0]).sort()).toEqual(['createdAt', 'current', 'device', 'id', 'lastSeenAt']);
  });

  it('refuses a bad device with 400', async () => {
    for (const device of ['', 'x'.repeat(65), 7, 'a\nb', null]) {
      const reply = await call(url, 'POST', '/users', { body: { ...registration('ses_bad'), device } });
      expect(reply.status, JSON.stringify(device)).toBe(400);
      expect(reply.body.error.message).toMatch(/device/);
    }
    expect((await call(url, 'POST', '/users', { body: { ...registration('ses_ok64'), device: '🙂'.repeat(64) } })).status).toBe(201);
    const user = await register(url, 'ses_badlogin');
    expect((await call(url, 'POST', '/login', { body: { username: 'ses_badlogin', authHash: user.authHash, device: '' } })).status).toBe(400);
    expect((await call(url, 'POST', '/login', { body: { username: 'ses_badlogin', authHash: user.authHash, extra: 1 } })).status).toBe(400);
  });

  it('DELETE /sessions/{id} ends that session at once while another keeps working; own sessions only', async () => {
    const user = await register(url, 'ses_del');
    const other = await login('ses_del', user.authHash, 'Laptop');
    const stranger = await register(url, 'ses_stranger');
    const refused = await call(url, 'DELETE', `/sessions/${sessionOf(other)}`, { token: stranger.token });
    expect(refused.status).toBe(404);
    expect(await works(other)).toBe(true);
    const gone = await call(url, 'DELETE', `/sessions/${sessionOf(other)}`, { token: user.token });
    expect(gone.status).toBe(204);
    expect(gone.headers.get('x-auth-token')).toBeTruthy();
    expect(await works(other)).toBe(false);
    expect(await works(user.token)).toBe(true);
    expect((await call(url, 'DELETE', `/sessions/${sessionOf(other)}`, { token: user.token })).status).toBe(404);
    expect((await call(url, 'DELETE', '/sessions/not-a-session', { token: user.token })).status).toBe(400);
    expect((await call(url, 'DELETE', `/sessions/${sessionOf(other)}`)).status).toBe(401);
    // Ending one's own current session is a logout: no new token.
    const self = await call(url, 'DELETE', `/sessions/${sessionOf(user.token)}`, { token: user.token });
    expect(self.status).toBe(204);
    expect(self.headers.get('x-auth-token')).toBeNull();
    expect(await works(user.token)).toBe(false);
  });

  it('revocation is seen at once by a second instance over the same database', async () => {
    const second = await startTestServer({ databaseUrl: server.config.databaseUrl });
    try {
      const user = await register(url, 'ses_two');
      const other = await login('ses_two', user.authHash);
      expect((await call(second.url, 'GET', '/messages', { token: other })).status).toBe(200);
      expect((await call(url, 'DELETE', `/sessions/${sessionOf(other)}`, { token: user.token })).status).toBe(204);
      expect((await call(second.url, 'GET', '/messages', { token: other })).status).toBe(401);
      expect((await call(second.url, 'POST', '/logout', { token: user.token })).status).toBe(204);
      expect(await works(user.token)).toBe(false);
    } finally {
      await second.close();
    }
  });

  it('POST /logout: plain and false end the current session only, true ends all, anything else is 400', async () => {
    const user = await register(url, 'ses_out');
    const a = await login('ses_out', user.authHash);
    const b = await login('ses_out', user.authHash);
    for (const body of [{ everywhere: 'yes' }, { everywhere: 1 }, { all: true }, [], 'true', null]) {
      const reply = await call(url, 'POST', '/logout', { token: a, body });
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(reply.body.error.code).toBe('invalid_request');
    }
    expect((await call(url, 'POST', '/logout', { token: a, body: { everywhere: false } })).status).toBe(204);
    expect(await works(a)).toBe(false);
    expect(await works(b)).toBe(true);
    expect((await call(url, 'POST', '/logout', { token: b, body: {} })).status).toBe(204);
    expect(await works(b)).toBe(false);
    expect(await works(user.token)).toBe(true);
    const c = await login('ses_out', user.authHash);
    expect((await call(url, 'POST', '/logout', { token: c, body: { everywhere: true } })).status).toBe(204);
    expect(await works(user.token)).toBe(false);
  });

  it('a password change ends every other session; the current goes on with a new token, its earlier tokens stop', async () => {
    const user = await register(url, 'ses_pw');
    const other = await login('ses_pw', user.authHash);
    const fresh = (await call(url, 'GET', '/messages', { token: user.token })).headers.get('x-auth-token')!;
    const reply = await call(url, 'POST', '/users/ses_pw/password', { token: user.token, body: passwordChange({ authHash: user.authHash }) });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('x-auth-token')).toBe(reply.body.token);
    expect(sessionOf(reply.body.token)).toBe(sessionOf(user.token));
    for (const old of [user.token, fresh, other]) expect(await works(old)).toBe(false);
    expect(await works(reply.body.token)).toBe(true);
    const list = await call(url, 'GET', '/sessions', { token: reply.body.token });
    expect(list.body.sessions.map((s: { id: string }) => s.id)).toEqual([sessionOf(user.token)]);
  });

  it('password change takes exactly one of authHash and recoveryAuthHash', async () => {
    const user = await register(url, 'ses_pw_one');
    for (const proof of [{}, { authHash: user.authHash, recoveryAuthHash: b64(64) }] as Record<string, string>[]) {
      const reply = await call(url, 'POST', '/users/ses_pw_one/password', { token: user.token, body: passwordChange(proof) });
      expect(reply.status).toBe(400);
      expect(reply.body.error.message).toMatch(/exactly one of authHash/);
    }
  });
});

describe('recovery code', () => {
  it('end to end: set, recover on a new session, change the password with the code, old password refused, code used up', async () => {
    const user = await register(url, 'rec_alice');
    const other = await login('rec_alice', user.authHash, 'Tablet');
    const code = newRecoveryCode();
    const pkcs8 = randomBytes(1200);
    const sealed = await sealRecoveryKey(code, 'rec_alice', pkcs8);
    const proof = toB64(await recoveryAuthHash(code, 'rec_alice'));
    const set = {
      authHash: user.authHash,
      recoveryAuthHash: proof,
      recoveryPrivateKey: toB64(sealed.recoveryPrivateKey),
      recoveryKdfSalt: toB64(sealed.recoveryKdfSalt),
    };
    const wrongPassword = await call(url, 'PUT', '/users/rec_alice/recovery', { token: user.token, body: { ...set, authHash: b64(64) } });
    expect(wrongPassword.status).toBe(401);
    expect(await works(other)).toBe(true);
    const none = await call(url, 'GET', '/users/rec_alice', { token: user.token });
    expect(none.body.recovery).toBeNull();

    const put = await call(url, 'PUT', '/users/rec_alice/recovery', { token: user.token, body: set });
    expect(put.status).toBe(204);
    const current = put.headers.get('x-auth-token')!;
    // Setting a code ends every other session; the current goes on with the token just handed out.
    expect(await works(other)).toBe(false);
    expect(await works(user.token)).toBe(false);
    expect(await works(current)).toBe(true);
    const me = await call(url, 'GET', '/users/rec_alice', { token: current });
    const profile = userProfileV2Schema.parse(me.body);
    expect(profile.recovery).toEqual({ setAt: expect.any(String), device: null });
    expect((await call(url, 'GET', '/users/rec_alice')).body).not.toHaveProperty('recovery');

    // Recover with the code: a new session, and the sealed key the code opens.
    for (const bad of [b64(64)]) expect((await call(url, 'POST', '/users/rec_alice/recover', { body: { recoveryAuthHash: bad } })).status).toBe(401);
    const recovered = await call(url, 'POST', '/users/rec_alice/recover', { body: { recoveryAuthHash: proof } });
    expect(recovered.status).toBe(200);
    const answer = recoverResponseSchema.parse(recovered.body);
    expect(Object.keys(recovered.body).sort()).toEqual(['recoveryKdfSalt', 'recoveryPrivateKey', 'token', 'username']);
    expect(answer.username).toBe('rec_alice');
    expect(sessionOf(answer.token)).not.toBe(sessionOf(current));
    const opened = await openRecoveryKey(code, 'rec_alice', Buffer.from(answer.recoveryPrivateKey, 'base64'), Buffer.from(answer.recoveryKdfSalt, 'base64'));
    expect(Buffer.from(opened).equals(pkcs8)).toBe(true);
    // The code stays until the password change.
    expect((await call(url, 'POST', '/users/rec_alice/recover', { body: { recoveryAuthHash: proof } })).status).toBe(200);

    const change = passwordChange({ recoveryAuthHash: proof });
    const wrongCode = await call(url, 'POST', '/users/rec_alice/password', { token: answer.token, body: { ...change, recoveryAuthHash: b64(64) } });
    expect(wrongCode.status).toBe(401);
    const changed = await call(url, 'POST', '/users/rec_alice/password', { token: answer.token, body: change });
    expect(changed.status).toBe(200);
    expect(await works(changed.body.token)).toBe(true);
    expect(await works(current)).toBe(false);
    expect((await call(url, 'POST', '/login', { body: { username: 'rec_alice', authHash: user.authHash } })).status).toBe(401);
    expect((await call(url, 'POST', '/login', { body: { username: 'rec_alice', authHash: change.newAuthHash } })).status).toBe(200);
    // Used up: neither recovery nor a second change with it works.
    expect((await call(url, 'POST', '/users/rec_alice/recover', { body: { recoveryAuthHash: proof } })).status).toBe(401);
    expect((await call(url, 'POST', '/users/rec_alice/password', { token: changed.body.token, body: passwordChange({ recoveryAuthHash: proof }) })).status).toBe(401);
    expect((await call(url, 'GET', '/users/rec_alice', { token: changed.body.token })).body.recovery).toBeNull();
  });

  it('recover answers the same 401 for an unknown user, one without a code, and a wrong code', async () => {
    await register(url, 'rec_nocode');
    const user = await register(url, 'rec_withcode', undefined);
    const proof = b64(64);
    const put = await call(url, 'PUT', '/users/rec_withcode/recovery', {
      token: user.token,
      body: { authHash: user.authHash, recoveryAuthHash: proof, recoveryPrivateKey: b64(1300), recoveryKdfSalt: b64(16) },
    });
    expect(put.status).toBe(204);
    const answers = [];
    for (const name of ['rec_nobody', 'rec_nocode', 'rec_withcode']) {
      const reply = await call(url, 'POST', `/users/${name}/recover`, { body: { recoveryAuthHash: b64(64) } });
      expect(reply.status).toBe(401);
      expect(reply.headers.get('x-auth-token')).toBeNull();
      answers.push(reply.text);
    }
    expect(new Set(answers).size).toBe(1);
    for (const body of [{}, { recoveryAuthHash: b64(63) }, { recoveryAuthHash: proof, device: 'x' }, { authHash: proof }]) {
      expect((await call(url, 'POST', '/users/rec_withcode/recover', { body })).status).toBe(400);
    }
  });

  it('recover is rate-limited like login', async () => {
    const limited = await startTestServer({ loginFailuresPerUser: 3 });
    try {
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await call(limited.url, 'POST', '/users/rec_rl/recover', { body: { recoveryAuthHash: b64(64) } })).status);
      expect(statuses).toEqual([401, 401, 401, 429]);
    } finally {
      await limited.close();
    }
  });

  it('PUT and DELETE /users/{u}/recovery: own token, current password, strict bodies', async () => {
    const user = await register(url, 'rec_owner');
    const stranger = await register(url, 'rec_stranger');
    const body = { authHash: user.authHash, recoveryAuthHash: b64(64), recoveryPrivateKey: b64(1300), recoveryKdfSalt: b64(16) };
    expect((await call(url, 'PUT', '/users/rec_owner/recovery', { body })).status).toBe(401);
    expect((await call(url, 'PUT', '/users/rec_owner/recovery', { token: stranger.token, body })).status).toBe(403);
    for (const bad of [{ ...body, extra: 1 }, { ...body, recoveryKdfSalt: b64(15) }, { ...body, recoveryPrivateKey: 'not base64!' }, { authHash: user.authHash }]) {
      expect((await call(url, 'PUT', '/users/rec_owner/recovery', { token: user.token, body: bad })).status).toBe(400);
    }
    const put = await call(url, 'PUT', '/users/rec_owner/recovery', { token: user.token, body });
    expect(put.status).toBe(204);
    const token = put.headers.get('x-auth-token')!;
    expect((await call(url, 'DELETE', '/users/rec_owner/recovery', { token, body: { authHash: b64(64) } })).status).toBe(401);
    expect((await call(url, 'DELETE', '/users/rec_owner/recovery', { token, body: {} })).status).toBe(400);
    const del = await call(url, 'DELETE', '/users/rec_owner/recovery', { token, body: { authHash: user.authHash } });
    expect(del.status).toBe(204);
    expect(del.headers.get('x-auth-token')).toBeTruthy();
    expect((await call(url, 'POST', '/users/rec_owner/recover', { body: { recoveryAuthHash: body.recoveryAuthHash } })).status).toBe(401);
    expect((await call(url, 'GET', '/users/rec_owner', { token })).body.recovery).toBeNull();
  });

  it('never stores recoveryAuthHash itself', async () => {
    const user = await register(url, 'rec_store');
    const proof = randomBytes(64);
    await call(url, 'PUT', '/users/rec_store/recovery', {
      token: user.token,
      body: { authHash: user.authHash, recoveryAuthHash: proof.toString('base64'), recoveryPrivateKey: b64(1300), recoveryKdfSalt: b64(16) },
    });
    const db = await openDatabase(server.config.databaseUrl);
    try {
      const row = await db.models.RecoveryCode.findByPk('rec_store');
      expect(row!.serverSalt.length).toBe(16);
      expect(row!.codeHash.length).toBe(64);
      expect(row!.codeHash.equals(proof)).toBe(false);
    } finally {
      await db.close();
    }
  });
});

describe('deleting an account', () => {
  let owner: TestUser;
  let carol: TestUser;
  let dave: TestUser;
  const groupId = randomUUID();
  const soloGroup = randomUUID();

  beforeAll(async () => {
    owner = await register(url, 'del_owner');
    carol = await register(url, 'del_carol');
    dave = await register(url, 'del_dave');
    expect((await call(url, 'POST', '/groups', { token: owner.token, body: { id: groupId, members: ['del_carol', 'del_dave'] } })).status).toBe(201);
    expect((await call(url, 'POST', '/groups', { token: owner.token, body: { id: soloGroup, members: ['del_carol'] } })).status).toBe(201);
    expect((await call(url, 'POST', `/groups/${soloGroup}/members`, { token: carol.token, body: { remove: ['del_carol'] } })).status).toBe(200);
    expect((await call(url, 'POST', '/messages', { token: owner.token, body: outgoing('del_carol') })).status).toBe(201);
    expect((await call(url, 'PUT', '/blocks/del_dave', { token: owner.token })).status).toBe(204);
  });

  it('needs the own token and the current password, with a strict body', async () => {
    expect((await call(url, 'DELETE', '/users/del_owner', { body: { authHash: owner.authHash } })).status).toBe(401);
    expect((await call(url, 'DELETE', '/users/del_owner', { token: carol.token, body: { authHash: owner.authHash } })).status).toBe(403);
    expect((await call(url, 'DELETE', '/users/del_owner', { token: owner.token, body: { authHash: b64(64) } })).status).toBe(401);
    expect((await call(url, 'DELETE', '/users/del_owner', { token: owner.token, body: { authHash: owner.authHash, now: true } })).status).toBe(400);
    expect((await call(url, 'DELETE', '/users/del_owner', { token: owner.token })).status).toBe(400);
    expect(await works(owner.token)).toBe(true);
  });

  it('erases the account: 204, sessions end, the name stays taken, 410 gone, groups left with the owner handed over', async () => {
    const other = await login('del_owner', owner.authHash);
    const reply = await call(url, 'DELETE', '/users/del_owner', { token: owner.token, body: { authHash: owner.authHash } });
    expect(reply.status).toBe(204);
    expect(reply.headers.get('x-auth-token')).toBeNull();
    expect(await works(owner.token)).toBe(false);
    expect(await works(other)).toBe(false);
    expect((await call(url, 'POST', '/login', { body: { username: 'del_owner', authHash: owner.authHash } })).status).toBe(401);
    const again = await call(url, 'POST', '/users', { body: registration('del_owner') });
    expect(again.status).toBe(409);
    const profile = await call(url, 'GET', '/users/del_owner');
    expect(profile.status).toBe(410);
    expect(profile.body.error.code).toBe('gone');
    const direct = await call(url, 'POST', '/messages', { token: carol.token, body: outgoing('del_owner') });
    expect(direct.status).toBe(410);
    expect(direct.body.error).toEqual({ code: 'gone', message: expect.stringMatching(/del_owner was deleted/) });
    const listed = await call(url, 'GET', '/users?q=del_', { token: carol.token });
    expect(listed.body.users.map((u: { username: string }) => u.username)).toEqual(['del_carol', 'del_dave']);

    // The group goes on without them; the member in it longest (a tie: the lowest name) owns it.
    const group = await call(url, 'GET', `/groups/${groupId}`, { token: dave.token });
    expect(group.body).toMatchObject({ members: ['del_carol', 'del_dave'], owner: 'del_carol', version: 2 });
    // A keys map still naming them: they are simply not a member any more.
    const stale = await call(url, 'POST', '/messages', { token: carol.token, body: groupOutgoing(groupId, ['del_dave', 'del_owner']) });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('members_changed');
    expect((await call(url, 'POST', '/messages', { token: carol.token, body: groupOutgoing(groupId, ['del_dave']) })).status).toBe(201);
    // A group they were last in is deleted (its id stays taken).
    expect((await call(url, 'POST', '/groups', { token: carol.token, body: { id: soloGroup, members: ['del_dave'] } })).status).toBe(409);
    // Groups cannot be made with them, nor can they be added.
    const create = await call(url, 'POST', '/groups', { token: carol.token, body: { id: randomUUID(), members: ['del_owner'] } });
    expect(create.status).toBe(410);
    const add = await call(url, 'POST', `/groups/${groupId}/members`, { token: carol.token, body: { add: ['del_owner'] } });
    expect(add.status).toBe(410);
    expect(add.body.error.code).toBe('gone');
    // Their block is gone too; messages already delivered stay with the other participant.
    expect((await call(url, 'POST', '/messages', { token: dave.token, body: outgoing('del_carol') })).status).toBe(201);
    const carolsMessages = await call(url, 'GET', '/messages?peer=del_owner', { token: carol.token });
    expect(carolsMessages.body.messages).toHaveLength(1);
  });

  it('erases keys, the sealed private key, the recovery code and sessions from the database', async () => {
    const user = await register(url, 'del_rows');
    await call(url, 'PUT', '/users/del_rows/recovery', {
      token: user.token,
      body: { authHash: user.authHash, recoveryAuthHash: b64(64), recoveryPrivateKey: b64(1300), recoveryKdfSalt: b64(16) },
    });
    const token = (await call(url, 'GET', '/sessions', { token: (await login('del_rows', user.authHash)) })).headers.get('x-auth-token')!;
    expect((await call(url, 'DELETE', '/users/del_rows', { token, body: { authHash: user.authHash } })).status).toBe(204);
    const db = await openDatabase(server.config.databaseUrl);
    try {
      const row = await db.models.User.findByPk('del_rows');
      expect(row).toMatchObject({ publicKey: '', encryptedPrivateKey: '', kdfSalt: '', deletedAt: expect.any(Number) });
      expect(row!.passwordHash.length).toBe(0);
      expect(await db.models.Session.count({ where: { username: 'del_rows' } })).toBe(0);
      expect(await db.models.RecoveryCode.count({ where: { username: 'del_rows' } })).toBe(0);
    } finally {
      await db.close();
    }
  });
});

describe('directory and registration settings', () => {
  it('USER_DIRECTORY=signed-in (default): GET /users needs a token; GET /users/{u} stays open', async () => {
    const user = await register(url, 'dir_user');
    const anonymous = await call(url, 'GET', '/users');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.message).toMatch(/signed-in/);
    expect((await call(url, 'GET', '/users', { token: user.token })).status).toBe(200);
    expect((await call(url, 'GET', '/users/dir_user')).status).toBe(200);
  });

  it('USER_DIRECTORY=public: anyone may list', async () => {
    const open = await startTestServer({ userDirectory: 'public' });
    try {
      await register(open.url, 'dir_public');
      const reply = await call(open.url, 'GET', '/users');
      expect(reply.status).toBe(200);
      expect(reply.body.users.map((u: { username: string }) => u.username)).toEqual(['dir_public']);
    } finally {
      await open.close();
    }
  });

  it('REGISTRATION is in /health; closed answers 403', async () => {
    expect((await call(url, 'GET', '/health')).body.registration).toBe('open');
    const closed = await startTestServer({ registration: 'closed' });
    try {
      expect((await call(closed.url, 'GET', '/health')).body.registration).toBe('closed');
      const reply = await call(closed.url, 'POST', '/users', { body: registration('reg_closed') });
      expect(reply.status).toBe(403);
      expect(reply.body.error.code).toBe('forbidden');
    } finally {
      await closed.close();
    }
  });

  it('REGISTRATION=invite: an invite is needed, works once, not after it expires', async () => {
    const invite = await startTestServer({ registration: 'invite' });
    const db = await openDatabase(invite.config.databaseUrl);
    try {
      expect((await call(invite.url, 'GET', '/health')).body.registration).toBe('invite');
      const without = await call(invite.url, 'POST', '/users', { body: registration('inv_none') });
      expect(without.status).toBe(403);
      expect(without.body.error.message).toMatch(/invitation only.*invite code/);
      const unknown = await call(invite.url, 'POST', '/users', { body: { ...registration('inv_unknown'), invite: 'made-up-code' } });
      expect(unknown.status).toBe(403);
      expect(unknown.body.error.message).toMatch(/unknown, was used already, or has expired/);
      expect((await call(invite.url, 'POST', '/users', { body: { ...registration('inv_bad'), invite: 'has space' } })).status).toBe(400);

      const { code } = await createInvite(db);
      // A registration that fails (name taken) does not use the invite up.
      const first = await call(invite.url, 'POST', '/users', { body: { ...registration('inv_first'), invite: code, device: 'Web' } });
      expect(first.status).toBe(201);
      const twice = await call(invite.url, 'POST', '/users', { body: { ...registration('inv_twice'), invite: code } });
      expect(twice.status).toBe(403);
      const spare = await createInvite(db);
      expect((await call(invite.url, 'POST', '/users', { body: { ...registration('inv_first'), invite: spare.code } })).status).toBe(409);
      expect((await call(invite.url, 'POST', '/users', { body: { ...registration('inv_spare'), invite: spare.code } })).status).toBe(201);

      const expired = await createInvite(db, 60_000, Date.now() - 120_000);
      expect((await call(invite.url, 'POST', '/users', { body: { ...registration('inv_late'), invite: expired.code } })).status).toBe(403);
      const stored = await db.models.Invite.findAll();
      expect(stored.every((row) => /^[0-9a-f]{128}$/.test(row.codeHash) && row.codeHash !== code)).toBe(true);
    } finally {
      await db.close();
      await invite.close();
    }
  });
});
