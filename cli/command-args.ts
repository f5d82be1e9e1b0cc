// CLI side: each command's own arguments (after the command's name), counted and checked with the ChatApi's
// input schemas before anything runs — names, message ids, texts, emoji, group names and group references.
import { sessionIdSchema } from '../core/protocol/schemas-accounts.js';
import { z } from 'zod';
import {
  groupNameSchema,
  keyLogAlarmIdSchema,
  messageTextSchema,
  newGroupSchema,
  reactionRequestSchema,
  typedUsernameSchema,
  userSearchSchema,
} from '../core/api/schemas.js';
import { messageIdSchema } from '../core/protocol/schemas.js';
import { GROUP_SUBCOMMANDS, KEY_LOG_SUBCOMMANDS, RECOVERY_SUBCOMMANDS, type CommandName, type GroupSubcommand } from './help.js';
import { check, UsageError } from './usage.js';

/**
 * A group as typed: its id, a unique start of its id, or its exact name. Only its shape is checked here (it is
 * resolved against groups() once signed in); a name is at most 100 characters, so is anything else.
 */
export const groupRefSchema = z
  .string({ error: 'must be text' })
  .trim()
  .min(1, 'is empty')
  .max(100, 'is too long (a group id, the start of one, or a group name)')
  .refine((ref) => !ref.includes('\0'), 'holds a NUL character');

const emojiSchema = reactionRequestSchema.shape.emoji;

/** A key log alarm's id, as the alarm line shows it: printable ASCII, no spaces. */
export const alarmIdSchema = z
  .string({ error: 'must be text' })
  .trim()
  .pipe(keyLogAlarmIdSchema)
  .refine((id) => /^[\x21-\x7e]+$/.test(id), 'is not an alarm id (as the alarm line shows it, e.g. fork::1764072000000)');

type Count = [min: number, max: number];

const POSITIONALS: Record<Exclude<CommandName, 'group' | 'key-log'>, Count> = {
  register: [0, 0],
  login: [0, 0],
  users: [0, 1],
  send: [1, 2],
  reply: [1, 2],
  edit: [1, 2],
  delete: [1, 1],
  react: [2, 2],
  messages: [0, 0],
  watch: [0, 0],
  fingerprint: [0, 1],
  trust: [1, 1],
  disown: [1, 1],
  block: [1, 1],
  unblock: [1, 1],
  audit: [0, 0],
  passwd: [0, 0],
  sessions: [0, 2],
  logout: [0, 0],
  recovery: [1, 1],
  recover: [0, 0],
  'delete-account': [0, 0],
  'send-file': [1, 11],
  'get-file': [1, 1],
};

const MANY = Number.POSITIVE_INFINITY;
const GROUP_POSITIONALS: Record<GroupSubcommand, Count> = {
  create: [2, MANY],
  list: [0, 0],
  show: [1, 1],
  add: [2, MANY],
  remove: [2, MANY],
  leave: [1, 1],
  rename: [2, 2],
  confirm: [1, 1],
};

/** Commands whose first argument is a username, checked with the same schema as --user. */
const NAMED_COMMANDS: ReadonlySet<CommandName> = new Set(['send', 'trust', 'fingerprint', 'disown', 'block', 'unblock']);

/** Commands whose first argument is a message id. */
const MESSAGE_COMMANDS: ReadonlySet<CommandName> = new Set(['reply', 'edit', 'delete', 'react', 'get-file']);

function count(what: string, rest: string[], [min, max]: Count): void {
  if (rest.length < min) {
    throw new UsageError(`"${what}" needs ${min === 1 ? 'an argument' : `${min} arguments`} (run "encrypted-chat ${what.split(' ')[0]} --help")`);
  }
  if (rest.length > max) throw new UsageError(`too many arguments for "${what}": ${rest.slice(max).join(' ')}`);
}

function users(names: string[], what: string): string[] {
  return [...new Set(names.map((name) => check(typedUsernameSchema, name, what)))];
}

function groupArgs(rest: string[]): { positionals: string[]; subcommand: GroupSubcommand } {
  const [sub, ...more] = rest;
  if (sub === undefined) throw new UsageError(`"group" needs one of: ${GROUP_SUBCOMMANDS.join(', ')} (run "encrypted-chat group --help")`);
  if (!(GROUP_SUBCOMMANDS as readonly string[]).includes(sub)) {
    throw new UsageError(`unknown group command "${sub}" (one of: ${GROUP_SUBCOMMANDS.join(', ')})`);
  }
  const subcommand = sub as GroupSubcommand;
  count(`group ${subcommand}`, more, GROUP_POSITIONALS[subcommand]);
  if (subcommand === 'list') return { positionals: [], subcommand };
  if (subcommand === 'create') {
    const [name, ...members] = more;
    const group = check(newGroupSchema, { name, members: users(members, 'MEMBER') }, 'group');
    return { positionals: [group.name, ...group.members], subcommand };
  }
  const [ref, ...others] = more;
  const group = check(groupRefSchema, ref, 'GROUP');
  if (subcommand === 'rename') return { positionals: [group, check(groupNameSchema, others[0], 'NAME')], subcommand };
  if (subcommand === 'add' || subcommand === 'remove') return { positionals: [group, ...users(others, 'USER')], subcommand };
  return { positionals: [group], subcommand };
}

/** key-log accept | dismiss ID */
function keyLogArgs(rest: string[]): string[] {
  const [sub, ...more] = rest;
  if (sub === undefined || !(KEY_LOG_SUBCOMMANDS as readonly string[]).includes(sub)) {
    const what = sub === undefined ? '' : ` (not "${sub}")`;
    throw new UsageError(`"key-log" takes "accept" or "dismiss ID"${what} (run "encrypted-chat key-log --help")`);
  }
  if (sub === 'accept') {
    count('key-log accept', more, [0, 0]);
    return [sub];
  }
  count('key-log dismiss', more, [1, 1]);
  return [sub, check(alarmIdSchema, more[0], 'ID')];
}

/** The command's arguments, counted and checked; `group` says whether --group was given (send then takes no name). */
export function checkPositionals(command: CommandName, rest: string[], options: { group: boolean }): { positionals: string[]; subcommand?: GroupSubcommand } {
  if (command === 'group') return groupArgs(rest);
  if (command === 'key-log') return { positionals: keyLogArgs(rest) };
  // What follows "recovery" and "recover" is never repeated in an error: it might be a recovery code typed there.
  if (command === 'recovery' && (rest.length !== 1 || !(RECOVERY_SUBCOMMANDS as readonly string[]).includes(rest[0]!))) {
    throw new UsageError(`"recovery" takes one of: ${RECOVERY_SUBCOMMANDS.join(', ')} (run "encrypted-chat recovery --help")`);
  }
  if (command === 'recover' && rest.length > 0) {
    throw new UsageError('"recover" takes no arguments: the recovery code comes from ENCRYPTED_CHAT_RECOVERY_CODE, --code-file FILE or the prompt (run "encrypted-chat recover --help")');
  }
  const toGroup = command === 'send' && options.group;
  count(command, rest, toGroup ? [0, 1] : POSITIONALS[command]);
  const positionals = [...rest];
  if (command === 'users' && rest[0] !== undefined) positionals[0] = check(userSearchSchema, rest[0], 'PREFIX');
  if (command === 'sessions' && rest.length > 0) {
    if (rest[0] !== 'revoke' || rest.length !== 2) throw new UsageError('"sessions" takes nothing, or "revoke ID" (run "encrypted-chat sessions --help")');
    positionals[1] = check(sessionIdSchema, rest[1], 'ID');
  }
  if (NAMED_COMMANDS.has(command) && !toGroup && rest[0] !== undefined) {
    positionals[0] = check(typedUsernameSchema, rest[0], command === 'send' ? 'RECIPIENT' : 'NAME');
  }
  if (MESSAGE_COMMANDS.has(command)) positionals[0] = check(messageIdSchema, rest[0]!.trim().toLowerCase(), 'MESSAGE-ID');
  // The text, where one is given: send's second argument (its first with --group), reply's and edit's second.
  const textAt = toGroup ? 0 : ['send', 'reply', 'edit'].includes(command) ? 1 : -1;
  if (textAt >= 0 && rest[textAt] !== undefined) positionals[textAt] = check(messageTextSchema, rest[textAt], 'TEXT');
  if (command === 'react') positionals[1] = check(emojiSchema, rest[1], 'EMOJI');
  return { positionals };
}
