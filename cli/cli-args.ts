// CLI side: command-line arguments, validated with schemas before anything runs.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { serverUrlSchema, typedUsernameSchema } from '../core/api/schemas.js';
import { inviteSchema } from '../core/protocol/schemas-accounts.js';
import { checkPositionals, groupRefSchema } from './command-args.js';
import { COMMANDS, type CommandName, type GroupSubcommand } from './help.js';
import { check, UsageError } from './usage.js';

export { check, UsageError };

export interface CliArgs {
  command: CommandName | null;
  /** For "group": which of its commands. */
  subcommand?: GroupSubcommand;
  help: boolean;
  /** --version: print the program's version and stop. */
  version: boolean;
  server?: string;
  user?: string;
  passwordFile?: string;
  newPasswordFile?: string;
  caCert?: string;
  dataDir?: string;
  peer?: string;
  /** --group as typed (checked for shape only): resolved to a group after signing in. */
  group?: string;
  json: boolean;
  /** react --remove */
  remove: boolean;
  /** messages/watch --ids */
  ids: boolean;
  /** logout --everywhere */
  everywhere: boolean;
  /** register --invite (checked; ENCRYPTED_CHAT_INVITE is read by the command) */
  invite?: string;
  /** recovery set --out: the new file the code is written to */
  out?: string;
  /** recover --code-file */
  codeFile?: string;
  /** delete-account --yes-delete-my-account NAME (lowercased like every name) */
  confirmDelete?: string;
  /** send-file --text: the caption */
  text?: string;
  /** get-file --index: which file of the message, from 1 */
  index?: number;
  limit?: number;
  positionals: string[];
}

const COMMAND_OPTION_NAMES = [
  'peer', 'group', 'json', 'limit', 'ids', 'remove', 'everywhere', 'new-password-file', 'invite', 'out', 'code-file',
  'yes-delete-my-account', 'text', 'index',
] as const;
type CommandOption = (typeof COMMAND_OPTION_NAMES)[number];

const COMMAND_OPTIONS: Record<CommandName, CommandOption[]> = {
  register: ['invite'],
  login: [],
  users: [],
  send: ['group', 'json'],
  reply: ['json'],
  edit: ['json'],
  delete: ['json'],
  react: ['remove', 'json'],
  messages: ['peer', 'group', 'json', 'limit', 'ids'],
  watch: ['ids'],
  group: ['json'],
  fingerprint: [],
  trust: [],
  disown: [],
  block: [],
  unblock: [],
  audit: ['json'],
  'key-log': ['json'],
  passwd: ['new-password-file'],
  sessions: ['json'],
  logout: ['everywhere'],
  recovery: ['json', 'out'],
  recover: ['code-file', 'new-password-file'],
  'delete-account': ['yes-delete-my-account'],
  'send-file': ['group', 'text', 'json'],
  'get-file': ['out', 'index', 'json'],
};

/** Options of one recovery command only. */
const RECOVERY_OPTIONS: Partial<Record<CommandOption, string>> = { json: 'status', out: 'set' };

/** A file or folder name: not empty, no NUL, a sane length. */
const pathSchema = z
  .string()
  .min(1, 'is empty')
  .max(4096, 'is too long')
  .refine((p) => !p.includes('\0'), 'holds a NUL character');

/** An invite code as typed or pasted: spaces around it do not count. */
export const inviteCodeSchema = z.string().trim().pipe(inviteSchema);

/** get-file --index N: a file of a message, from 1 (a message holds at most 10). */
const fileIndexSchema = z.string().regex(/^([1-9]|10)$/, 'must be a whole number from 1 to 10').transform(Number);

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
        group: { type: 'string' },
        json: { type: 'boolean' },
        remove: { type: 'boolean' },
        ids: { type: 'boolean' },
        everywhere: { type: 'boolean' },
        invite: { type: 'string' },
        out: { type: 'string' },
        'code-file': { type: 'string' },
        'yes-delete-my-account': { type: 'string' },
        limit: { type: 'string' },
        text: { type: 'string' },
        index: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'V' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]!.replace(/\. To specify.*$/, '.'));
  }
  const { values, positionals } = parsed;
  const [first, ...rest] = positionals;
  const help = values.help ?? false;
  const version = values.version ?? false;
  if (version && first !== undefined) throw new UsageError('--version takes no command (run "encrypted-chat --version")');
  if (first === undefined) {
    if (help || version) return { command: null, help, version, json: false, remove: false, ids: false, everywhere: false, positionals: [] };
    throw new UsageError('missing command (run "encrypted-chat --help")');
  }
  if (!(COMMANDS as readonly string[]).includes(first)) throw new UsageError(`unknown command "${first}" (run "encrypted-chat --help")`);
  const command = first as CommandName;
  const args: CliArgs = {
    command,
    help,
    version,
    json: values.json ?? false,
    remove: values.remove ?? false,
    ids: values.ids ?? false,
    everywhere: values.everywhere ?? false,
    positionals: rest,
  };
  if (help) return args;

  for (const name of COMMAND_OPTION_NAMES) {
    if (values[name] !== undefined && !COMMAND_OPTIONS[command].includes(name)) {
      throw new UsageError(`--${name} does not apply to "${command}"`);
    }
  }
  if (values.peer !== undefined && values.group !== undefined) throw new UsageError('use --peer or --group, not both');

  if (values.server !== undefined) args.server = check(serverUrlSchema, values.server, '--server');
  if (values.user !== undefined) args.user = check(typedUsernameSchema, values.user, '--user');
  if (values['password-file'] !== undefined) args.passwordFile = check(pathSchema, values['password-file'], '--password-file');
  if (values['new-password-file'] !== undefined) args.newPasswordFile = check(pathSchema, values['new-password-file'], '--new-password-file');
  if (values['ca-cert'] !== undefined) args.caCert = check(pathSchema, values['ca-cert'], '--ca-cert');
  if (values['data-dir'] !== undefined) args.dataDir = check(pathSchema, values['data-dir'], '--data-dir');
  if (values.peer !== undefined) args.peer = check(typedUsernameSchema, values.peer, '--peer');
  if (values.group !== undefined) args.group = check(groupRefSchema, values.group, '--group');
  if (values.limit !== undefined) args.limit = check(limitSchema, values.limit, '--limit');
  if (values.text !== undefined) args.text = values.text;
  if (values.index !== undefined) args.index = check(fileIndexSchema, values.index, '--index');
  if (values.invite !== undefined) args.invite = check(inviteCodeSchema, values.invite, '--invite');
  if (values.out !== undefined) args.out = check(pathSchema, values.out, '--out');
  if (values['code-file'] !== undefined) args.codeFile = check(pathSchema, values['code-file'], '--code-file');
  if (values['yes-delete-my-account'] !== undefined) {
    args.confirmDelete = check(typedUsernameSchema, values['yes-delete-my-account'], '--yes-delete-my-account');
  }

  const checked = checkPositionals(command, rest, { group: args.group !== undefined });
  args.positionals = checked.positionals;
  if (checked.subcommand) args.subcommand = checked.subcommand;
  if (command === 'recovery') {
    for (const [name, sub] of Object.entries(RECOVERY_OPTIONS)) {
      if (values[name as CommandOption] !== undefined && args.positionals[0] !== sub) {
        throw new UsageError(`--${name} does not apply to "recovery ${args.positionals[0]}" (only to "recovery ${sub}")`);
      }
    }
  }
  return args;
}
