// CLI side: the server's public key log (PROTOCOL.md "Key transparency") — audit (read it all and check it),
// key-log accept (a new log key) and key-log dismiss ID (an alarm dealt with). The alarms every command that
// signs in reports, and their exit codes: key-log-report.ts.
import { ChatError } from '../core/api/errors.js';
import type { KeyLogView } from '../core/api/view.js';
import type { CliContext, Command } from './context.js';
import { alarmHint, isWarning, KEY_LOG_EXIT_CODES, NO_KEY_LOG_EXIT_CODE } from './key-log-report.js';
import { safeJson, safeLine } from './output.js';

const entries = (n: number) => `${n} ${n === 1 ? 'entry' : 'entries'}`;

/** The first lines of audit: where the log stands. */
function summary(view: KeyLogView, serverUrl: string): string[] {
  return [
    `Key log of ${safeLine(serverUrl)}`,
    `  log key:  ${safeLine(view.logKeyFingerprint ?? '(none pinned)')}`,
    `  size:     ${view.size === null ? 'unknown (no signed head this device could verify)' : `${entries(view.size)} in the newest signed head`}`,
    `  checked:  ${entries(view.checkedSize)}, read and hashed on this device from the first entry on`,
  ];
}

/** --json of the key log: the view as the core gives it, with each alarm's time in ISO 8601 as every --json time. */
function keyLogJson(view: KeyLogView) {
  return { ...view, alarms: view.alarms.map((alarm) => ({ ...alarm, raisedAt: new Date(alarm.raisedAt).toISOString() })) };
}

export const audit: Command = (ctx) =>
  ctx.withSession(async (client) => {
    const view = await client.auditKeyLog({ fromStart: true });
    ctx.keyLog.settled(view);
    const loud = view.alarms.filter((alarm) => !isWarning(alarm));
    if (!view.available && loud.length === 0) {
      if (ctx.args.json) ctx.out(safeJson(keyLogJson(view)));
      else ctx.out(`The server at ${safeLine(client.serverUrl)} keeps no public key log: there is nothing to audit. Keys are only pinned on first use here.`);
      return NO_KEY_LOG_EXIT_CODE;
    }
    // Without an alarm the whole log was read up to a verified head; anything short of that is not a pass.
    const incomplete = loud.length === 0 && (view.size === null || view.checkedSize !== view.size);
    if (ctx.args.json) {
      // The alarms go to standard error as after any command; the code is theirs.
      ctx.out(safeJson(keyLogJson(view)));
      return incomplete ? KEY_LOG_EXIT_CODES.fork : 0;
    }
    for (const line of summary(view, client.serverUrl)) ctx.out(line);
    if (incomplete) {
      ctx.out(`The log could NOT be checked completely: ${entries(view.checkedSize)} of ${view.size === null ? 'an unknown number' : view.size} were read up to a verified head.`);
      return KEY_LOG_EXIT_CODES.fork;
    }
    if (loud.length === 0) {
      ctx.out(
        `The log checks out: ${entries(view.size ?? 0)} reproduce the signed root, and that head is signed by the pinned log key and ` +
          'consistent with the head this device kept. No key in your name but yours, and no second key for anyone you have pinned.',
      );
      return 0;
    }
    ctx.out(`The log does NOT check out: ${loud.length === 1 ? 'an alarm' : `${loud.length} alarms`}.`);
    for (const alarm of loud) {
      ctx.out(`KEY LOG ALARM (${safeLine(alarm.kind)}): ${safeLine(alarm.message)}`);
      const hint = alarmHint(alarm, view);
      if (hint !== null) ctx.out(hint);
    }
    // Printed here as the result; warnings (an old head) still go to standard error.
    ctx.keyLog.printed(loud);
    return 0;
  });

/** key-log --json: the view after the change. */
function printView(ctx: CliContext, view: KeyLogView): number {
  if (ctx.args.json) ctx.out(safeJson(keyLogJson(view)));
  return 0;
}

export const keyLogCommand: Command = (ctx) =>
  ctx.withSession(async (client) => {
    const [action, id] = ctx.args.positionals;
    // After the check the sign-in started (and one more round): what the server shows now, its new log key included.
    const before = await client.auditKeyLog().catch(() => client.keyLog());
    if (action === 'accept') {
      const after = await client.acceptLogKey();
      if (before.offeredKeyFingerprint === null || after.offeredKeyFingerprint !== null) {
        if (!ctx.args.json) {
          ctx.out(
            after.available
              ? `The server's log key has not changed: nothing to accept (the log key is ${safeLine(after.logKeyFingerprint ?? '?')}).`
              : 'This server keeps no public key log: there is no log key to accept.',
          );
        }
        ctx.keyLog.settled(after);
        return printView(ctx, after);
      }
      if (!ctx.args.json) {
        ctx.out(`Now following the key log signed with ${safeLine(after.logKeyFingerprint ?? '?')}`);
        ctx.out(`(was ${safeLine(before.logKeyFingerprint ?? '?')}). This device reads the log again from its first entry.`);
      }
      // Not settled: the end of the command pins the new log's head and reads the log, like a first contact.
      return printView(ctx, after);
    }
    const alarm = before.alarms.find((a) => a.id === id);
    if (!alarm) {
      throw new ChatError('not_found', `There is no key log alarm ${id!} on this device (the alarms and their ids are listed by "encrypted-chat audit").`);
    }
    if (alarm.kind === 'log_key_changed') {
      throw new ChatError(
        'invalid_input',
        'A new log key is not dismissed: accept it with "encrypted-chat key-log accept" once the server\'s operator told you the log was started again. Until then this device takes no new key from the server.',
      );
    }
    const after = await client.dismissKeyLogAlarm(alarm.id);
    ctx.keyLog.settled(after);
    if (!ctx.args.json) {
      const left = after.alarms.filter((a) => !isWarning(a)).length;
      ctx.out(`Dismissed key log alarm ${safeLine(alarm.id)} (${safeLine(alarm.kind)}). ${left === 0 ? 'No other alarm stands.' : `${left} other alarm(s) still stand (below).`}`);
      ctx.out('Should its cause still be there, the next check that meets it raises it again.');
    }
    return printView(ctx, after);
  });
