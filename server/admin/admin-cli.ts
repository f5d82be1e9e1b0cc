// The dispatcher of encrypted-chat-admin: finds the command from its words, lets it parse the rest, opens
// the database it works on, runs it, and turns every failure into one line on stderr and an exit status:
// 0 done, 1 the command could not do it (unknown user, bad value, failed backup), 2 a usage error.
import { AdminError, EXIT_FAILED, EXIT_USAGE, UsageError } from './admin-errors.js';
import { firstLine, openMigratedDatabase, resolveDatabase } from './admin-database.js';
import { backupCommands } from './backup.js';
import { PROGRAM, type AdminCommand, type CommandContext } from './command.js';
import { inviteCommands } from './invites.js';
import { purgeCommands } from './purge.js';
import { sessionCommands } from './sessions.js';
import { statsCommands } from './stats.js';
import { userCommands } from './users.js';
import type { Database } from '../db/database.js';

export const COMMANDS: readonly AdminCommand[] = [
  ...userCommands,
  ...sessionCommands,
  ...inviteCommands,
  ...statsCommands,
  ...purgeCommands,
  ...backupCommands,
];

export interface AdminIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.words.join(' ').length));
  return [
    `usage: ${PROGRAM} [--database URL] <command> [arguments] [--help]`,
    '',
    "The Encrypted Chat server's admin tool. It works on the server's database directly (DATABASE_URL, as the",
    'server reads it, or --database URL), also while the server runs; run it as the service user with the',
    "server's environment (docs/deploy.md, \"The admin tool\").",
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${c.words.join(' ').padEnd(width)}  ${c.brief}`),
    '',
    `${PROGRAM} <command> --help describes one. Exit status: 0 done, 1 failed (the reason on stderr), 2 usage error.`,
    '',
  ].join('\n');
}

/** The command named by the first words of `argv`, and the arguments after them. */
function findCommand(argv: readonly string[]): { command: AdminCommand; rest: readonly string[] } {
  const [first, second] = argv;
  const exact = COMMANDS.find((c) => c.words.length === 1 && c.words[0] === first);
  if (exact) return { command: exact, rest: argv.slice(1) };
  const group = COMMANDS.filter((c) => c.words.length === 2 && c.words[0] === first);
  if (group.length === 0) throw new UsageError(first === undefined ? 'no command given' : `unknown command ${JSON.stringify(first)}`);
  const names = group.map((c) => c.words[1]).join(', ');
  const command = group.find((c) => c.words[1] === second);
  if (!command) throw new UsageError(second === undefined || second.startsWith('-') ? `${first} needs one of: ${names}` : `unknown command ${first} ${JSON.stringify(second)} (${first}: ${names})`);
  return { command, rest: argv.slice(2) };
}

/** Leading options before the command: --help, --database URL. */
function leadingOptions(argv: readonly string[]): { help: boolean; database: string | undefined; rest: readonly string[] } {
  let help = false;
  let database: string | undefined;
  let i = 0;
  for (; i < argv.length && argv[i]!.startsWith('-'); i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') help = true;
    else if (arg === '--database') {
      database = argv[++i];
      if (database === undefined) throw new UsageError("option '--database <value>' argument missing");
    } else if (arg.startsWith('--database=')) database = arg.slice('--database='.length);
    else throw new UsageError(`unknown option ${JSON.stringify(arg)} before the command`);
  }
  return { help, database, rest: argv.slice(i) };
}

export async function runAdmin(argv: readonly string[], io: AdminIo): Promise<number> {
  let command: AdminCommand | undefined;
  let db: Database | undefined;
  try {
    const leading = leadingOptions(argv);
    if (leading.rest.length === 0) {
      if (leading.help) {
        io.stdout(usage());
        return 0;
      }
      throw new UsageError('no command given');
    }
    const found = findCommand(leading.rest);
    command = found.command;
    const parsed = command.parse(found.rest);
    if (parsed.help || leading.help) {
      io.stdout(command.help());
      return 0;
    }
    const { url, target } = resolveDatabase(parsed.database ?? leading.database, io.env, io.cwd);
    const context: CommandContext = {
      url,
      target,
      cwd: io.cwd,
      out: (line) => io.stdout(`${line}\n`),
      database: async () => (db ??= await openMigratedDatabase(url, target)),
    };
    await parsed.run(context);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`${PROGRAM}: ${error.message}\n${command ? `usage: ${command.usage}` : `see ${PROGRAM} --help`}\n`);
      return EXIT_USAGE;
    }
    io.stderr(`${PROGRAM}: ${error instanceof AdminError ? error.message : firstLine(error)}\n`);
    return EXIT_FAILED;
  } finally {
    await db?.close().catch(() => undefined);
  }
}
