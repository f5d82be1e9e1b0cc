// CLI side: runs one command line and turns every failure into one line on stderr and an exit code.
import { toChatErrorInfo } from '../core/client/errors.js';
import type { ChatErrorCode } from '../core/client/view.js';
import { parseCliArgs, UsageError } from './cli-args.js';
import { CliContext, COMMAND_RUNNERS, type CliIo } from './commands.js';
import { commandHelp, PROGRAM_HELP } from './help.js';

/** Exit codes: 0 done, 1 failed, 2 usage, 3 sign-in, 4 connection/transport, 5 key or tampering trouble. */
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
};

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let ctx: CliContext;
  try {
    const args = parseCliArgs(argv);
    if (args.help || args.command === null) {
      io.stdout.write(`${args.command ? commandHelp(args.command) : PROGRAM_HELP}\n`);
      return 0;
    }
    ctx = new CliContext(args, io);
    return await COMMAND_RUNNERS[args.command]!(ctx);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`encrypted-chat: ${error.message}\n`);
      return 2;
    }
    const info = toChatErrorInfo(error);
    io.stderr.write(`encrypted-chat: ${info.message.replace(/\s*\n\s*/g, ' ')}\n`);
    return EXIT_CODES[info.code] ?? 1;
  }
}
