// CLI side: every command by name. Each signs in for itself (no token on disk), does one thing and ends the session.
import { login, logout, passwd, register } from './account-commands.js';
import { block, disown, fingerprintCommand, trust, unblock, users } from './contact-commands.js';
import type { Command } from './context.js';
import { messages, send, watch } from './message-commands.js';

export { CliContext, type CliIo, type Command } from './context.js';

export const COMMAND_RUNNERS: Record<string, Command> = {
  register,
  login,
  users,
  send,
  messages,
  watch,
  fingerprint: fingerprintCommand,
  trust,
  disown,
  block,
  unblock,
  passwd,
  logout,
};

