// CLI side: the commands about other people — users (search), fingerprint, trust, disown, block and unblock.
import { ChatError, toChatError } from '../core/api/errors.js';
import type { ContactDetails } from '../core/api/view.js';
import type { CliContext, Command } from './context.js';
import { safeLine } from './output.js';

/** Says so when the contact deleted their account. */
function noteDeleted(ctx: CliContext, details: ContactDetails): void {
  const who = safeLine(details.username);
  if (details.deleted) ctx.out(`${who}: account deleted — the conversation stays readable, nothing can be sent to ${who} any more.`);
}

/** Without signing in where the server's directory is public; a server that lists users only to its members (the v2 default) asks for the password. */
export const users: Command = async (ctx) => {
  const prefix = ctx.args.positionals[0] ?? '';
  const client = await ctx.client();
  let names: string[] | null;
  try {
    names = await client.searchUsers(prefix).catch((error: unknown) => {
      if (toChatError(error).info.code === 'unauthorized') return null;
      throw error;
    });
  } finally {
    await client.close();
  }
  if (names === null) {
    return ctx.withSession(async (signedIn) => {
      for (const name of await signedIn.searchUsers(prefix)) ctx.out(safeLine(name));
      return 0;
    });
  }
  for (const name of names) ctx.out(safeLine(name));
  return 0;
};

export const fingerprintCommand: Command = (ctx) =>
  ctx.withSession(async (client) => {
    const name = ctx.args.positionals[0];
    const account = (await client.currentAccount())!;
    if (name === undefined || name === account.username) {
      ctx.out(`${account.username}: ${account.fingerprint}`);
      return 0;
    }
    const details = await client.contactDetails(name);
    const who = safeLine(details.username);
    ctx.out(`${who}: ${safeLine(details.pinnedFingerprint ?? '?')} (pinned on this device)`);
    for (const key of details.earlierKeys ?? []) {
      ctx.out(`${who}: ${safeLine(key.fingerprint)} (an earlier key${key.disowned ? ', disowned: never theirs' : ''})`);
    }
    if (details.blocked) ctx.out(`${who} is blocked (run "encrypted-chat unblock ${who}" to undo).`);
    noteDeleted(ctx, details);
    if (details.keyStatus === 'changed') {
      ctx.out(`${who}: ${safeLine(details.serverFingerprint ?? '?')} (the server shows this DIFFERENT key now; see "encrypted-chat trust --help")`);
    }
    const log = keyLogLine(details);
    if (log !== null) ctx.out(`${who}: ${log}`);
    // A key the log refuses must not be used (as send refuses it): key trouble, exit 5.
    if (details.keyLog === 'refused') return 5;
    return details.keyStatus === 'changed' ? 1 : 0;
  });

/** What the server's key log says of the key the server shows for the contact; null when there is nothing to say. */
function keyLogLine(details: ContactDetails): string | null {
  switch (details.keyLog) {
    case 'confirmed':
      return details.keyStatus === 'changed'
        ? "The key the server shows now is confirmed by the server's public key log."
        : "Key confirmed by the server's public key log.";
    case 'refused':
      return `KEY REFUSED by the server's public key log: ${safeLine(details.keyLogDetail ?? 'the log does not prove this key.')} Send ${safeLine(details.username)} nothing until you have compared key fingerprints in person.`;
    case 'unavailable':
      return 'this server keeps no public key log (keys are only pinned on first use).';
    default:
      return details.deleted ? null : "the server's key log could not be asked about this key (the server showed none).";
  }
}

export const trust: Command = async (ctx) => {
  const name = ctx.args.positionals[0]!;
  return ctx.withSession(async (client) => {
    const before = await client.contactDetails(name);
    if (before.deleted) {
      throw new ChatError('gone', `${name}'s account was deleted: there is no new key to trust (the pinned one stays, ${safeLine(before.pinnedFingerprint ?? '?')}).`);
    }
    const after = await client.trustContactKey(name);
    if (before.keyStatus === 'changed') {
      ctx.out(`Now trusting ${name}'s new key: ${safeLine(after.pinnedFingerprint ?? '?')}`);
      ctx.out(`(was ${safeLine(before.pinnedFingerprint ?? '?')})`);
      ctx.out(`If that earlier key was never ${name}'s, run "encrypted-chat disown ${name}": messages signed with it then show as failed.`);
    } else {
      ctx.out(`${name}'s key is unchanged: ${safeLine(after.pinnedFingerprint ?? '?')}`);
    }
    return 0;
  });
};

export const block: Command = async (ctx) => {
  const name = ctx.args.positionals[0]!;
  return ctx.withSession(async (client) => {
    const details = await client.blockContact(name);
    ctx.out(`Blocked ${safeLine(details.username)}: the server now refuses their messages to you. Undo with "encrypted-chat unblock ${name}".`);
    noteDeleted(ctx, details);
    return 0;
  });
};

export const unblock: Command = async (ctx) => {
  const name = ctx.args.positionals[0]!;
  return ctx.withSession(async (client) => {
    const details = await client.unblockContact(name);
    ctx.out(`Unblocked ${safeLine(details.username)}: their messages reach you again.`);
    noteDeleted(ctx, details);
    return 0;
  });
};

export const disown: Command = async (ctx) => {
  const name = ctx.args.positionals[0]!;
  return ctx.withSession(async (client) => {
    const details = await client.disownEarlierKeys(name);
    const who = safeLine(details.username);
    const disowned = (details.earlierKeys ?? []).filter((key) => key.disowned);
    if (disowned.length === 0) {
      ctx.out(`${who} has no earlier keys on this device: nothing to disown.`);
    } else {
      ctx.out(`Disowned ${disowned.length} earlier key(s) of ${who}: messages signed with them now show as failed (disowned_key).`);
      for (const key of disowned) ctx.out(`  ${safeLine(key.fingerprint)}`);
    }
    noteDeleted(ctx, details);
    return 0;
  });
};
