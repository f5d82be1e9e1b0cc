// CLI side: every command by name. Each signs in for itself (no token on disk), does one thing and ends the session.
import { login, logout, passwd, register, sessions } from './account-commands.js';
import { deleteCommand, edit, react, reply } from './change-commands.js';
import { block, disown, fingerprintCommand, trust, unblock, users } from './contact-commands.js';
import type { Command } from './context.js';
import { group } from './group-commands.js';
import { audit, keyLogCommand } from './key-log-commands.js';
import type { CommandName } from './help.js';
import { messages, send } from './message-commands.js';
import { deleteAccount, recover, recovery } from './recovery-commands.js';
import { getFile, sendFile } from './file-commands.js';
import { watch } from './watch-command.js';

export { CliContext, type CliIo, type Command } from './context.js';

export const COMMAND_RUNNERS: Record<CommandName, Command> = {
  register,
  login,
  users,
  send,
  reply,
  edit,
  delete: deleteCommand,
  react,
  messages,
  watch,
  group,
  fingerprint: fingerprintCommand,
  trust,
  disown,
  block,
  unblock,
  audit,
  'key-log': keyLogCommand,
  passwd,
  sessions,
  logout,
  recovery,
  recover,
  'delete-account': deleteAccount,
  'send-file': sendFile,
  'get-file': getFile,
};
