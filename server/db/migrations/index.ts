// Every migration, in order. Listed explicitly (not globbed) so the same code runs from .ts sources and
// from the compiled dist/ output. Add new ones as NNN-what.ts and append them here; never edit an applied one.
import * as initial from './001-initial.js';
import * as sentBytes from './002-sent-bytes.js';
import * as blocks from './003-blocks.js';
import * as groups from './004-groups.js';
import * as accounts from './005-accounts.js';
import * as operator from './006-operator.js';
import * as keyLog from './007-key-log.js';
import * as attachments from './008-attachments.js';
import * as rateLimits from './009-rate-limits.js';
import * as accountState from './010-account-state.js';

export const migrations = [initial, sentBytes, blocks, groups, accounts, operator, keyLog, attachments, rateLimits, accountState];
