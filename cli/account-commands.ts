// CLI side: the account commands — register, login, passwd, sessions and logout (recovery and deletion:
// recovery-commands.ts).
import { ChatError, toChatError } from '../core/api/errors.js';
import { inviteCodeSchema } from './cli-args.js';
import type { CliContext, Command } from './context.js';
import { check } from './usage.js';
import { safeJson, safeLine, when } from './output.js';

const INVITE_HINT = 'pass it with --invite CODE (or ENCRYPTED_CHAT_INVITE)';

/** The invite code: --invite, else ENCRYPTED_CHAT_INVITE (checked by the same rule); undefined when neither. */
function inviteCode(ctx: CliContext): string | undefined {
  if (ctx.args.invite !== undefined) return ctx.args.invite;
  const fromEnv = ctx.io.env.ENCRYPTED_CHAT_INVITE;
  return fromEnv === undefined || fromEnv.trim() === '' ? undefined : check(inviteCodeSchema, fromEnv, 'ENCRYPTED_CHAT_INVITE');
}

export const register: Command = async (ctx) => {
  const username = await ctx.username();
  const invite = inviteCode(ctx);
  const client = await ctx.client();
  return ctx.runSession(client, async () => {
    // Said before the password is asked and the key made (which takes a while), when the server says so.
    const { registration } = await client.serverInfo();
    if (registration === 'closed') {
      throw new ChatError('forbidden', `The server at ${client.serverUrl} does not accept new accounts: its operator closed registration.`);
    }
    if (registration === 'invite' && invite === undefined) {
      throw new ChatError('forbidden', `The server at ${client.serverUrl} takes new accounts by invitation only: ask its operator for an invite code, then ${INVITE_HINT}.`);
    }
    // The strength rule is the window's (core/password/strength.ts): a weak password is refused, with why, before it is asked again.
    const pw = await ctx.firstPassword(username);
    const account = await client.register({ username, password: pw, ...(invite === undefined ? {} : { invite }) }).catch((error: unknown) => {
      const e = toChatError(error);
      // A server that did not say beforehand (or changed its mind) answers that it wants an invite.
      if (e.info.code === 'forbidden' && invite === undefined && /invit/i.test(e.info.message)) {
        throw new ChatError('forbidden', `${e.info.message.replace(/\.$/, '')}, then ${INVITE_HINT}.`);
      }
      throw e;
    });
    await ctx.remember(client.serverUrl, account.username);
    ctx.out(`Registered ${account.username} on ${account.serverUrl}.`);
    ctx.out(`Your key fingerprint: ${account.fingerprint}`);
    return 0;
  });
};

export const login: Command = (ctx) =>
  ctx.withSession(async (client) => {
    const account = (await client.currentAccount())!;
    await ctx.remember(client.serverUrl, account.username);
    ctx.out(`Signed in as ${account.username} on ${account.serverUrl}.`);
    ctx.out(`Your key fingerprint: ${account.fingerprint}`);
    return 0;
  });

export const passwd: Command = async (ctx) => {
  const username = await ctx.username();
  const current = await ctx.password('Current password: ');
  return ctx.withSession(async (client) => {
    const next = await ctx.newPassword(username);
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
  return ctx.withSession(async (client) => {
    const username = (await client.currentAccount())!.username;
    // The key log is checked while still signed in; its alarms are reported once the sessions have ended.
    await ctx.keyLog.settle(client);
    await client.logoutEverywhere();
    ctx.out(`Signed out everywhere: every session of ${username} on the server has ended.`);
    return 0;
  });
};
