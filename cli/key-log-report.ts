// CLI side: the server's key log (PROTOCOL.md "Key transparency") as the terminal reports it. After every
// command that signs in, the alarms this device holds go to standard error, each with its id and what to do,
// and a command that otherwise succeeded exits with its alarm's code (the table below, docs/cli.md).
import { toChatError } from '../core/api/errors.js';
import type { KeyLogAlarm, KeyLogAlarmKind, KeyLogView } from '../core/api/view.js';
import type { ChatClient } from '../core/client/chat-client.js';
import { safeLine, when } from './output.js';

/** The exit code of each class of alarm; 0: a warning only. */
export const KEY_LOG_EXIT_CODES: Readonly<Record<KeyLogAlarmKind, number>> = {
  fork: 10,
  bad_head: 10,
  own_name: 11,
  other_name: 12,
  missing_key: 12,
  log_key_changed: 13,
  stale: 0,
};

/** audit, on a server that keeps no key log. */
export const NO_KEY_LOG_EXIT_CODE = 14;

/** A kind a newer core may add is treated as loud as a fork. */
const codeOf = (alarm: KeyLogAlarm): number => KEY_LOG_EXIT_CODES[alarm.kind] ?? 10;

export const isWarning = (alarm: KeyLogAlarm): boolean => codeOf(alarm) === 0;

/** The exit code of these alarms together: the most serious one's (the smallest non-zero code); 0 for warnings only. */
export function alarmExitCode(alarms: readonly KeyLogAlarm[]): number {
  const codes = alarms.map(codeOf).filter((code) => code > 0);
  return codes.length === 0 ? 0 : Math.min(...codes);
}

/** What the person can do about `alarm`, on the line under it. */
export function alarmHint(alarm: KeyLogAlarm, view: KeyLogView | null): string | null {
  const id = safeLine(alarm.id);
  const raised = `raised ${when(alarm.raisedAt)}`;
  if (alarm.kind === 'stale') return null;
  if (alarm.kind === 'log_key_changed') {
    const offered = view?.offeredKeyFingerprint ? ` ${safeLine(view.offeredKeyFingerprint)}` : '';
    return `  (${raised}) The log is now signed with the key${offered}. Only if the server's operator told you the log was started again: encrypted-chat key-log accept`;
  }
  return `  (${raised}, alarm ${id}) Once you have dealt with it: encrypted-chat key-log dismiss ${id}`;
}

/** The lines of one alarm, as standard error shows them. */
export function alarmLines(alarm: KeyLogAlarm, view: KeyLogView | null): string[] {
  const head = isWarning(alarm) ? 'encrypted-chat: KEY LOG WARNING' : 'encrypted-chat: KEY LOG ALARM';
  const hint = alarmHint(alarm, view);
  return [`${head}: ${safeLine(alarm.message)}`, ...(hint === null ? [] : [hint])];
}

/**
 * One command's report of the key log. It keeps the newest view the client announced (key_log events), prints
 * each alarm once, and at the end of the command gives the exit code.
 */
export class KeyLogReport {
  readonly #err: (line: string) => void;
  readonly #shown = new Set<string>();
  /** The newest view a key_log event carried during this command. */
  #announced: KeyLogView | null = null;
  /** The view as the command left it, when the command itself knows it (audit, key-log, before signing out). */
  #settled: KeyLogView | null = null;
  #ignored = false;
  /** Print alarms the moment they are raised (watch), not only at the end. */
  live = false;

  constructor(err: (line: string) => void) {
    this.#err = err;
  }

  /** A key_log event. */
  announced(view: KeyLogView): void {
    this.#announced = view;
    if (this.live) this.show(view);
  }

  /** The command knows the log's state after it: the end of the command takes this one, without asking again. */
  settled(view: KeyLogView): void {
    this.#settled = view;
  }

  /** The command printed these alarms itself (audit, on standard output): not again on standard error. */
  printed(alarms: readonly KeyLogAlarm[]): void {
    for (const alarm of alarms) this.#shown.add(alarm.id);
  }

  /** The account is gone (delete-account): its alarms are nobody's any more. */
  ignore(): void {
    this.#ignored = true;
  }

  /** Prints the alarms of `view` not printed yet. */
  show(view: KeyLogView): void {
    for (const alarm of view.alarms) {
      if (this.#shown.has(alarm.id)) continue;
      this.#shown.add(alarm.id);
      for (const line of alarmLines(alarm, view)) this.#err(line);
    }
  }

  /**
   * Waits for the log check the sign-in started and runs one more round (PROTOCOL.md rule 4: after signing in,
   * every entry since the last check is read; a short command must not end before that is done). A check
   * that cannot be made is said on standard error and changes nothing else.
   */
  async settle(client: ChatClient): Promise<KeyLogView | null> {
    if (this.#settled) return this.#settled;
    if (!(await client.currentAccount().catch(() => null))) return null;
    try {
      this.#settled = await client.auditKeyLog();
    } catch (error) {
      this.#err(`encrypted-chat: could not check the server's key log: ${safeLine(toChatError(error).info.message)}`);
      this.#settled = await client.keyLog().catch(() => null);
    }
    return this.#settled;
  }

  /**
   * The end of a command that signed in: prints the alarms standing and gives the exit code — the alarm's
   * (KEY_LOG_EXIT_CODES) when the command otherwise succeeded, else the command's own. `failed`: the command
   * threw; then nothing more is asked of the server, only what this device holds is printed.
   */
  async finish(client: ChatClient, code: number, failed = false): Promise<number> {
    if (this.#ignored) return code;
    let view: KeyLogView | null;
    if (failed) {
      const signedIn = await client.currentAccount().catch(() => null);
      view = this.#settled ?? (signedIn ? await client.keyLog().catch(() => null) : null) ?? this.#announced;
    } else {
      view = (await this.settle(client)) ?? this.#announced;
    }
    if (view === null) return code;
    this.show(view);
    return code === 0 ? alarmExitCode(view.alarms) : code;
  }
}
