// `sessions revoke <username> | --all` against a real server: the tokens stop at once, the accounts may sign
// in again, and the command's operands are either-or.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, register, startTestServer } from '../testing/harness.js';
import { admin, adminOk } from './admin-run.fixture.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
let url: string;
let databaseUrl: string;

beforeAll(async () => {
  server = await startTestServer();
  url = server.url;
  databaseUrl = server.config.databaseUrl;
});
afterAll(() => server.close());

const works = async (token: string) => (await call(url, 'GET', '/messages', { token })).status === 200;
const login = async (username: string, authHash: string) => {
  const reply = await call(url, 'POST', '/login', { body: { username, authHash } });
  expect(reply.status).toBe(200);
  return reply.body.token as string;
};

describe('sessions revoke', () => {
  it("ends one user's sessions and nobody else's; the user may sign in again", async () => {
    const ann = await register(url, 'rev_ann');
    const annPhone = await login('rev_ann', ann.authHash);
    const ben = await register(url, 'rev_ben');
    expect(await adminOk(databaseUrl, ['sessions', 'revoke', 'rev_ann'])).toEqual(['ended 2 sessions of rev_ann']);
    expect(await works(ann.token)).toBe(false);
    expect(await works(annPhone)).toBe(false);
    expect(await works(ben.token)).toBe(true);
    expect(await works(await login('rev_ann', ann.authHash))).toBe(true);
    expect(await adminOk(databaseUrl, ['sessions', 'revoke', 'rev_ben'])).toEqual(['ended 1 session of rev_ben']);
    expect(await adminOk(databaseUrl, ['sessions', 'revoke', 'rev_ben'])).toEqual(['ended 0 sessions of rev_ben']);
  });

  it('--all ends every session on the server', async () => {
    const cid = await register(url, 'rev_cid');
    const dee = await register(url, 'rev_dee');
    const deeTablet = await login('rev_dee', dee.authHash);
    const [line] = await adminOk(databaseUrl, ['sessions', 'revoke', '--all']);
    // The earlier test left one session of rev_ann: 4 sessions of 3 users.
    expect(line).toBe('ended 4 sessions of 3 users');
    for (const token of [cid.token, dee.token, deeTablet]) expect(await works(token)).toBe(false);
    expect(await adminOk(databaseUrl, ['sessions', 'revoke', '--all'])).toEqual(['ended 0 sessions of 0 users']);
  });

  it('takes a username or --all, not both and not neither; an unknown user is exit 1', async () => {
    for (const argv of [['sessions', 'revoke'], ['sessions', 'revoke', 'rev_ann', '--all'], ['sessions', 'revoke', '--every']]) {
      const run = await admin(databaseUrl, argv);
      expect(run.code, argv.join(' ')).toBe(2);
      expect(run.stderr).toMatch(/\nusage: encrypted-chat-admin sessions revoke \[<username>\] \[--all\] \[--database URL\]\n$/);
    }
    expect(await admin(databaseUrl, ['sessions', 'revoke', 'nobody_here'])).toMatchObject({ code: 1, stderr: 'encrypted-chat-admin: there is no user nobody_here\n' });
    expect((await admin(databaseUrl, ['sessions', 'list'])).code).toBe(2);
  });
});
