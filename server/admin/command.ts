// One admin command: its words (`users disable`), its operands and options, its help, and what it does.
// Every command parses its own arguments with node:util parseArgs, strictly: an unknown option, a missing
// or extra operand is a UsageError (exit 2). `--help`/`-h` and `--database URL` are accepted by every one.
import { parseArgs } from 'node:util';
import type { Database } from '../db/database.js';
import type { DatabaseTarget } from '../db/database-url.js';
import { UsageError } from './admin-errors.js';

export const PROGRAM = 'encrypted-chat-admin';

/** A command's own options: each a string (`--expires 7d`) or a flag (`--json`), given at most once. */
export type CommandOptions = Record<string, { type: 'string' } | { type: 'boolean' }>;

export type CommandValues<O extends CommandOptions> = { [K in keyof O]?: O[K]['type'] extends 'string' ? string : boolean };

interface CommonValues {
  database?: string;
  help?: boolean;
}

const COMMON_OPTIONS = {
  database: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function parseCommandLine<O extends CommandOptions>(args: readonly string[], options: O): { values: CommandValues<O> & CommonValues; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args, options: { ...options, ...COMMON_OPTIONS }, allowPositionals: true, strict: true });
    // strict parsing gives each option exactly the type it was declared with (none is `multiple`).
    return { values: values as CommandValues<O> & CommonValues, positionals };
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** What a command runs with. */
export interface CommandContext {
  /** The database URL, a SQLite path made absolute. */
  url: string;
  target: DatabaseTarget;
  /** The server's database, opened on first use (and closed by the dispatcher afterwards). */
  database(): Promise<Database>;
  /** One line of the command's report on stdout. */
  out(line: string): void;
  cwd: string;
}

export interface CommandSpec<O extends CommandOptions> {
  words: readonly [string] | readonly [string, string];
  /** Names of the operands, in order; a name ending in `?` is optional (and comes last). */
  operands: readonly string[];
  options: O;
  /** Each option's help line. */
  optionHelp: { readonly [K in keyof O]: string };
  /** What a string option's value is called in the usage (default: its name in capitals). */
  optionValues?: { readonly [K in keyof O]?: string };
  /** String options that must be given. */
  requiredOptions?: readonly (keyof O & string)[];
  /** One line for the tool's command list. */
  brief: string;
  /** The command's --help: what it does and what it prints. */
  details: readonly string[];
  run(context: CommandContext, values: CommandValues<O>, operands: string[]): Promise<void>;
}

export interface AdminCommand {
  words: readonly string[];
  brief: string;
  usage: string;
  help(): string;
  /** Parses `args` (what follows the command's words): help, the --database option, and the work to do. */
  parse(args: readonly string[]): { help: true } | { help: false; database: string | undefined; run(context: CommandContext): Promise<void> };
}

export function defineCommand<O extends CommandOptions>(spec: CommandSpec<O>): AdminCommand {
  const optionNames = Object.keys(spec.options);
  const requiredOptions: readonly string[] = spec.requiredOptions ?? [];
  const flag = (name: string) => `--${name}${spec.options[name]!.type === 'string' ? ` ${spec.optionValues?.[name] ?? name.toUpperCase()}` : ''}`;
  const required = spec.operands.filter((name) => !name.endsWith('?'));
  const shown = spec.operands.map((name) => (name.endsWith('?') ? `[<${name.slice(0, -1)}>]` : `<${name}>`));
  const usage = [
    PROGRAM,
    ...spec.words,
    ...shown,
    ...optionNames.map((name) => (requiredOptions.includes(name) ? flag(name) : `[${flag(name)}]`)),
    '[--database URL]',
  ].join(' ');
  const optionLines: [string, string][] = [
    ...optionNames.map((name): [string, string] => [flag(name), spec.optionHelp[name as keyof O]]),
    ['--database URL', 'the database (default: DATABASE_URL as the server reads it, else sqlite:data/chat.sqlite)'],
    ['-h, --help', 'print this and exit'],
  ];
  const width = Math.max(...optionLines.map(([option]) => option.length));
  const help = () =>
    [
      `usage: ${usage}`,
      '',
      ...spec.details,
      '',
      'options:',
      ...optionLines.map(([option, text]) => `  ${option.padEnd(width)}  ${text}`),
      '',
    ].join('\n');
  return {
    words: spec.words,
    brief: spec.brief,
    usage,
    help,
    parse(args) {
      const { values, positionals } = parseCommandLine(args, spec.options);
      if (values.help === true) return { help: true };
      if (positionals.length < required.length || positionals.length > spec.operands.length) {
        const wanted = spec.operands.length === 0 ? 'no operands' : shown.join(' ');
        throw new UsageError(`${spec.words.join(' ')} takes ${wanted}, got ${positionals.length === 0 ? 'none' : positionals.map((p) => JSON.stringify(p)).join(' ')}`);
      }
      const missing = requiredOptions.find((name) => values[name] === undefined);
      if (missing !== undefined) throw new UsageError(`${spec.words.join(' ')} needs --${missing}`);
      return { help: false, database: values.database, run: (context) => spec.run(context, values, positionals) };
    },
  };
}
