// CLI side: the recovery code (recovery status|set|remove), "forgot password" (recover) and delete-account.
// The recovery code is a secret like the password: it is read like one (environment, file or hidden prompt),
// printed only by "recovery set" (once), and never repeated in an error.
import { lstat, open, readFile, rm } from 'node:fs/promises';
import { ChatError } from '../core/api/errors.js';
import { recoveryCodeFile } from '../core/api/recovery-code-file.js';
import { typedRecoveryCodeSchema } from '../core/api/schemas.js';
import type { RecoveryCodeView, RecoveryStatus } from '../core/api/view.js';
import type { ChatClient } from '../core/client/chat-client.js';
import type { CliContext, Command } from './context.js';
import { safeJson, safeLine, when } from './output.js';
import { promptHidden, promptLine } from './terminal.js';
import { UsageError } from './usage.js';

const NOT_A_CODE = 'That is not a recovery code: it has 8 groups of 4 letters and digits (ABCD-EFGH-…).';
const NO_CODE = 'No recovery code given: set ENCRYPTED_CHAT_RECOVERY_CODE, use --code-file FILE, or run in a terminal to be asked.';

const WHAT_IT_IS_FOR =
  'With it you can set a new password if you forget yours ("encrypted-chat recover") and read your messages again; anyone who has it and knows your username can too, so keep it offline.';

function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

function statusLine(status: RecoveryStatus, username: string): string {
  if (!status.set) return `No recovery code is set for ${username}. Make one with: encrypted-chat recovery set`;
  return `A recovery code is set for ${username}: made ${when(isoOrNull(status.setAt))} on ${safeLine(status.device ?? 'an unnamed device')}.`;
}

// ---- recovery status | set | remove ----

async function status(ctx: CliContext, client: ChatClient, username: string): Promise<number> {
  const now = await client.recoveryStatus();
  if (ctx.args.json) ctx.out(safeJson({ set: now.set, setAt: isoOrNull(now.setAt), device: now.device }));
  else ctx.out(statusLine(now, username));
  return 0;
}

const exists = (file: string) => new ChatError('invalid_input', `${file} already exists: recovery set never overwrites a file. Name a new file, or delete that one first.`);

/** Refuses, before anything changes, a file that exists (it is never overwritten). */
async function refuseExisting(file: string): Promise<void> {
  const found = await lstat(file).then(
    () => true,
    (error: NodeJS.ErrnoException) => error.code !== 'ENOENT',
  );
  if (found) throw exists(file);
}

/** A new file only its owner reads and writes; refused when it exists (also when it appeared meanwhile). */
async function createPrivateFile(file: string) {
  try {
    const handle = await open(file, 'wx', 0o600);
    // The umask may only take bits away; make it exactly owner read and write.
    await handle.chmod(0o600);
    return handle;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw exists(file);
    throw new ChatError('invalid_input', `Cannot create ${file}: ${code ?? 'error'}. Nothing was changed.`);
  }
}

async function set(ctx: CliContext, client: ChatClient, username: string, pw: string): Promise<number> {
  const out = ctx.args.out;
  if (out === undefined) {
    const made = await client.createRecoveryCode(pw);
    ctx.out(`Your new recovery code for ${username} — shown only this once: write it down or print it now.`);
    ctx.out('');
    ctx.out(`    ${made.code}`);
    ctx.out('');
    ctx.out(WHAT_IT_IS_FOR);
    ctx.out(`It replaces any earlier recovery code, and every other device of ${username} was signed out.`);
    return 0;
  }
  const file = await createPrivateFile(out);
  const discard = async () => {
    await file.close().catch(() => undefined);
    await rm(out, { force: true }).catch(() => undefined);
  };
  let made: RecoveryCodeView;
  try {
    made = await client.createRecoveryCode(pw);
  } catch (error) {
    await discard();
    throw error;
  }
  try {
    await file.writeFile(recoveryCodeFile(username, client.serverUrl, made.code, new Date(made.setAt)).text, 'utf8');
    await file.sync();
    await file.close();
  } catch (error) {
    // A code nobody has is worse than none: take it back (the earlier one was replaced all the same).
    await discard();
    const removed = await client.removeRecoveryCode(pw).then(() => true, () => false);
    const now = removed ? 'The new recovery code was removed again, so none is set now' : 'A new recovery code is set that nobody has: run "encrypted-chat recovery remove"';
    throw new ChatError('invalid_input', `Cannot write ${out}: ${(error as NodeJS.ErrnoException).code ?? 'error'}. ${now} (any earlier code was replaced). Run "encrypted-chat recovery set" again.`);
  }
  ctx.out(`Your new recovery code for ${username} was written to ${out} (readable only by you); it is not shown here.`);
  ctx.out(WHAT_IT_IS_FOR);
  ctx.out(`It replaces any earlier recovery code, and every other device of ${username} was signed out.`);
  return 0;
}

async function remove(ctx: CliContext, client: ChatClient, username: string, pw: string): Promise<number> {
  if (!(await client.recoveryStatus()).set) {
    ctx.out(`No recovery code was set for ${username}: nothing to remove.`);
    return 0;
  }
  await client.removeRecoveryCode(pw);
  ctx.out(`Recovery code of ${username} removed: it no longer works, and a forgotten password cannot be recovered. Make a new one with: encrypted-chat recovery set`);
  return 0;
}

export const recovery: Command = async (ctx) => {
  const action = ctx.args.positionals[0];
  if (action === 'set' && ctx.args.out !== undefined) await refuseExisting(ctx.args.out);
  const pw = await ctx.password();
  return ctx.withSession(async (client) => {
    const username = (await client.currentAccount())!.username;
    if (action === 'status') return status(ctx, client, username);
    if (action === 'set') return set(ctx, client, username, pw);
    return remove(ctx, client, username, pw);
  }, pw);
};

// ---- recover ----

/** The code in a file: its first line that is one (a bare code, or the file "recovery set --out" wrote). */
async function codeFromFile(file: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ChatError('invalid_input', `Cannot read the recovery code file ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}.`);
  }
  const line = text.split(/\r?\n/).find((l) => typedRecoveryCodeSchema.safeParse(l.trim()).success);
  if (line === undefined) throw new ChatError('invalid_input', `The file ${file} holds no recovery code (8 groups of 4 letters and digits).`);
  return line.trim();
}

/** The recovery code: ENCRYPTED_CHAT_RECOVERY_CODE, else --code-file, else a hidden prompt (like a password). */
async function recoveryCode(ctx: CliContext): Promise<string> {
  const fromEnv = ctx.io.env.ENCRYPTED_CHAT_RECOVERY_CODE;
  let code: string;
  if (fromEnv !== undefined && fromEnv !== '') code = fromEnv;
  else if (ctx.args.codeFile !== undefined) code = await codeFromFile(ctx.args.codeFile);
  else code = await promptHidden(ctx.io, 'Recovery code: ', NO_CODE);
  if (!typedRecoveryCodeSchema.safeParse(code).success) throw new ChatError('invalid_input', NOT_A_CODE);
  return code;
}

export const recover: Command = async (ctx) => {
  const username = await ctx.username();
  const code = await recoveryCode(ctx);
  const newPassword = await ctx.newPassword(username);
  const client = await ctx.client();
  return ctx.runSession(client, async () => {
    const account = await client.recoverAccount({ username, code, newPassword });
    await ctx.remember(client.serverUrl, account.username);
    ctx.out(`New password set for ${account.username} on ${account.serverUrl}: sign in with it from now on. Every other session of the account has ended.`);
    ctx.out('Your recovery code is used up: it does not work again. Make a new one now with: encrypted-chat recovery set');
    return 0;
  });
};

// ---- delete-account ----

export const deleteAccount: Command = async (ctx) => {
  const username = await ctx.username();
  const confirmed = ctx.args.confirmDelete;
  if (confirmed !== undefined && confirmed !== username) {
    throw new UsageError(`--yes-delete-my-account names ${confirmed}, but the account is ${username}: nothing was deleted`);
  }
  if (confirmed === undefined && !ctx.io.stdin.isTTY) {
    throw new UsageError(`deleting an account needs a confirmation: not in a terminal, add --yes-delete-my-account ${username}`);
  }
  const pw = await ctx.password();
  return ctx.withSession(async (client) => {
    const me = (await client.currentAccount())!.username;
    if (confirmed === undefined) {
      const typed = await promptLine(ctx.io, `Type your username (${me}) to delete the account for good: `);
      if (typed.trim().toLowerCase() !== me) throw new ChatError('invalid_input', `That is not ${me}: nothing was deleted.`);
    }
    await client.deleteAccount(pw);
    // The account is gone, and with it whatever its key log alarms were about.
    ctx.keyLog.ignore();
    await ctx.forget(client.serverUrl, me);
    ctx.out(
      `Account ${me} deleted: its key, sessions and recovery code are erased from the server, and it left every group. The name stays taken for good: nobody can register ${me} again. Messages already delivered stay with the people you wrote to.`,
    );
    return 0;
  }, pw);
};
