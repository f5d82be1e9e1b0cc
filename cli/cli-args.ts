// CLI side: command-line arguments, validated with schemas before anything runs.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { describeIssues } from '../core/protocol/schemas.js';
import { messageTextSchema, serverUrlSchema, typedUsernameSchema, userSearchSchema } from '../core/api/schemas.js';
import { COMMANDS, type CommandName } from './help.js';

export class UsageError extends Error {}

export interface CliArgs {
  command: CommandName | null;
  help: boolean;
  server?: string;
  user?: string;
  passwordFile?: string;
  newPasswordFile?: string;
  caCert?: string;
  dataDir?: string;
  peer?: string;
  json: boolean;
  limit?: number;
  positionals: string[];
}

const COMMAND_OPTIONS: Record<CommandName, string[]> = {
  register: [],
  login: [],
  users: [],
  send: [],
  messages: ['peer', 'json', 'limit'],
  watch: [],
  fingerprint: [],
  trust: [],
  disown: [],
  block: [],
  unblock: [],
  passwd: ['new-password-file'],
  logout: [],
};
const POSITIONALS: Record<CommandName, [min: number, max: number]> = {
  register: [0, 0],
  login: [0, 0],
  users: [0, 1],
  send: [1, 2],
  messages: [0, 0],
  watch: [0, 0],
  fingerprint: [0, 1],
  trust: [1, 1],
  disown: [1, 1],
  block: [1, 1],
  unblock: [1, 1],
  passwd: [0, 0],
  logout: [0, 0],
};

/** Commands whose first argument is a username, checked with the same schema as --user. */
const NAMED_COMMANDS: ReadonlySet<CommandName> = new Set(['send', 'trust', 'fingerprint', 'disown', 'block', 'unblock']);

/** A file or folder name: not empty, no NUL, a sane length. */
const pathSchema = z
  .string()
  .min(1, 'is empty')
  .max(4096, 'is too long')
  .refine((p) => !p.includes('\0'), 'holds a NUL character');

const limitSchema = z.string().regex(/^[1-9][0-9]{0,2}$/, 'must be a whole number from 1 to 999').transform(Number);

export function parseCliArgs(argv: string[]): CliArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        server: { type: 'string' },
        user: { type: 'string' },
        'password-file': { type: 'string' },
        'new-password-file': { type: 'string' },
        'ca-cert': { type: 'string' },
        'data-dir': { type: 'string' },
        peer: { type: 'string' },
        json: { type: 'boolean' },
        limit: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]!.replace(/\. To specify.*$/, '.'));
  }
  const { values, positionals } = parsed;
  const [first, ...rest] = positionals;
  const help = values.help ?? false;
  if (first === undefined) {
    if (help) return { command: null, help, json: false, positionals: [] };
    throw new UsageError('missing command (run "encrypted-chat --help")');
  }
  if (!(COMMANDS as readonly string[]).includes(first)) throw new UsageError(`unknown command "${first}" (run "encrypted-chat --help")`);
  const command = first as CommandName;
  const args: CliArgs = { command, help, json: values.json ?? false, positionals: rest };
  if (help) return args;

  for (const name of ['peer', 'json', 'limit', 'new-password-file'] as const) {
    if (values[name] !== undefined && !COMMAND_OPTIONS[command].includes(name)) {
      throw new UsageError(`--${name} does not apply to "${command}"`);
    }
  }
  const [min, max] = POSITIONALS[command];
  if (rest.length < min) throw new UsageError(`"${command}" needs ${min === 1 ? 'an argument' : `${min} arguments`} (run "encrypted-chat ${command} --help")`);
  if (rest.length > max) throw new UsageError(`too many arguments for "${command}": ${rest.slice(max).join(' ')}`);

  if (values.server !== undefined) args.server = check(serverUrlSchema, values.server, '--server');
  if (values.user !== undefined) args.user = check(typedUsernameSchema, values.user, '--user');
  if (values['password-file'] !== undefined) args.passwordFile = check(pathSchema, values['password-file'], '--password-file');
  if (values['new-password-file'] !== undefined) args.newPasswordFile = check(pathSchema, values['new-password-file'], '--new-password-file');
  if (values['ca-cert'] !== undefined) args.caCert = check(pathSchema, values['ca-cert'], '--ca-cert');
  if (values['data-dir'] !== undefined) args.dataDir = check(pathSchema, values['data-dir'], '--data-dir');
  if (values.peer !== undefined) args.peer = check(typedUsernameSchema, values.peer, '--peer');
  if (values.limit !== undefined) args.limit = check(limitSchema, values.limit, '--limit');
  if (command === 'users' && rest[0] !== undefined) args.positionals = [check(userSearchSchema, rest[0], 'PREFIX')];
  if (NAMED_COMMANDS.has(command) && rest[0] !== undefined) {
    args.positionals = [check(typedUsernameSchema, rest[0], command === 'send' ? 'RECIPIENT' : 'NAME'), ...rest.slice(1)];
  }
  if (command === 'send' && rest[1] !== undefined) args.positionals[1] = check(messageTextSchema, rest[1], 'TEXT');
  return args;
}

/** `value` as `schema` reads it, or a UsageError naming `what` (an option or argument) and why. */
export function check<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new UsageError(`${what}: ${describeIssues(result.error)}`);
  return result.data;
}
