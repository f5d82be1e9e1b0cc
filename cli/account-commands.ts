// CLI side: the account commands — register, login, passwd and logout.
import { endSession, type Command } from './context.js';
import { safeJson, safeLine, when } from './output.js';
import { password } from './terminal.js';

export const register: Command = async (ctx) => {
  const username = await ctx.username();
  const client = await ctx.client();
  const pw = await ctx.password(true);
  const account = await client.register({ username, password: pw });
  await ctx.remember(client.serverUrl, account.username);
  ctx.out(`Registered ${account.username} on ${account.serverUrl}.`);
  ctx.out(`Your key fingerprint: ${account.fingerprint}`);
  await endSession(client);
  return 0;
};

export const login: Command = async (ctx) => {
  const client = await ctx.signedIn();
  const account = (await client.currentAccount())!;
  await ctx.remember(client.serverUrl, account.username);
  ctx.out(`Signed in as ${account.username} on ${account.serverUrl}.`);
  ctx.out(`Your key fingerprint: ${account.fingerprint}`);
  await endSession(client);
  return 0;
};

export const passwd: Command = async (ctx) => {
  const current = await ctx.password();
  return ctx.withSession(async (client) => {
    const next = await password(ctx.io, {
      envName: 'ENCRYPTED_CHAT_NEW_PASSWORD',
      file: ctx.args.newPasswordFile,
      prompt: 'New password: ',
      confirm: true,
    });
    await client.changePassword({ currentPassword: current, newPassword: next });
    ctx.out('Password changed. Every other session of your account has ended.');
    return 0;
  }, current);
};

export const sessions: Command = (ctx) =>
  ctx.withSession(async (client) => {
    const [action, id] = ctx.args.positionals;
    if (action === 'revoke') {
      await client.signOutDevice(id!);
      ctx.out(`Ended session ${safeLine(id!)}: that device has to sign in again.`);
      return 0;
    }
    const list = (await client.devices()).map((d) => ({
      id: d.id,
      device: d.name,
      signedInAt: new Date(d.signedInAt).toISOString(),
      lastSeenAt: new Date(d.lastSeenAt).toISOString(),
      current: d.current,
    }));
    if (ctx.args.json) {
      ctx.out(safeJson(list));
      return 0;
    }
    for (const s of list) {
      const mark = s.current ? '  (this command)' : '';
      ctx.out(`${safeLine(s.id)}  ${safeLine(s.device ?? 'unnamed device')}  since ${when(s.signedInAt)}, last seen ${when(s.lastSeenAt)}${mark}`);
    }
    return 0;
  });

/** Each command signs in for itself and keeps no session: only `--everywhere` has anything to end. */
export const logout: Command = async (ctx) => {
  if (!ctx.args.everywhere) {
    ctx.out('Nothing to sign out of here: each command signs in for itself and keeps no session on this device. To end every session of your account (every device): encrypted-chat logout --everywhere');
    return 0;
  }
  const client = await ctx.signedIn();
  const username = (await client.currentAccount())!.username;
  await client.logoutEverywhere();
  ctx.out(`Signed out everywhere: every session of ${username} on the server has ended.`);
  return 0;
};
