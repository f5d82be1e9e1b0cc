// CLI side: runs one command line and turns every failure into one line on stderr and an exit code.
import { carriedErrorInfo, toChatErrorInfo } from '../core/api/errors.js';
import type { ChatErrorCode } from '../core/api/view.js';
import { parseCliArgs, UsageError } from './cli-args.js';
import { CliContext, COMMAND_RUNNERS, type CliIo } from './commands.js';
import { commandHelp, PROGRAM_HELP } from './help.js';
import { safeLine } from './output.js';
import { programVersion } from './version.js';

/** Exit codes: 0 done, 1 failed, 2 usage, 3 sign-in, 4 connection/transport, 5 key, tampering or membership trouble. */
const EXIT_CODES: Partial<Record<ChatErrorCode, number>> = {
  wrong_password: 3,
  unauthorized: 3,
  locked: 3,
  rate_limited: 3,
  server_unreachable: 4,
  bad_certificate: 4,
  insecure_transport: 4,
  tampered: 5,
  key_changed: 5,
  protocol_violation: 5,
  // A group message held: the server lists a member no announcement explains (see "group show", "group confirm").
  held: 5,
};

/** 128 + the signal's number, as shells report it. */
export const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

export function signalExitCode(reason: unknown): number {
  return reason === 'SIGTERM' ? SIGNAL_EXIT_CODES.SIGTERM : SIGNAL_EXIT_CODES.SIGINT;
}

/** How long closing the clients may take after a signal before the command is left as it is. */
const CLOSE_GRACE_MS = 500;

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let ctx: CliContext | undefined;
  const signal = io.signal;
  const work = (async (): Promise<number> => {
    try {
      const args = parseCliArgs(argv);
      if (args.version && !args.help) {
        io.stdout.write(`encrypted-chat ${programVersion()}\n`);
        return 0;
      }
      if (args.help || args.command === null) {
        io.stdout.write(`${args.command ? commandHelp(args.command) : PROGRAM_HELP}\n`);
        return 0;
      }
      ctx = new CliContext(args, io);
      return await COMMAND_RUNNERS[args.command](ctx);
    } catch (error) {
      if (signal?.aborted) return signalExitCode(signal.reason);
      if (error instanceof UsageError) {
        io.stderr.write(`encrypted-chat: ${safeLine(error.message)}\n`);
        return 2;
      }
      const info = toChatErrorInfo(error);
      // A bug's own words stay out of the sentence a boundary carries; on the person's own terminal they help.
      const detail = carriedErrorInfo(error) === null && error instanceof Error && error.message ? ` (${error.message})` : '';
      // The message may carry text from the server: one line, every control and bidi character escaped.
      io.stderr.write(`encrypted-chat: ${safeLine(`${info.message}${detail}`.replace(/\s*\n\s*/g, ' '))}\n`);
      return EXIT_CODES[info.code] ?? 1;
    }
  })();
  if (!signal) return work;

  // A signal stops the command wherever it is (a hostile server may keep it waiting forever): stop waiting
  // for it, close its clients (live sync stops, the session is forgotten) and report the signal's exit code.
  let onAbort: () => void = () => undefined;
  const stopped = new Promise<'stopped'>((resolve) => {
    onAbort = () => resolve('stopped');
    if (signal.aborted) resolve('stopped');
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  const first = await Promise.race([work, stopped]);
  signal.removeEventListener('abort', onAbort);
  if (first !== 'stopped' && !signal.aborted) return first;
  const closing = ctx?.closeAll() ?? Promise.resolve();
  await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, CLOSE_GRACE_MS).unref())]);
  return signalExitCode(signal.reason);
}
