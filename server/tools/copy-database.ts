// Moves a server's data to another database (e.g. SQLite to PostgreSQL), see docs/scaling.md:
//   node dist/server/tools/copy-database.js --from sqlite:/var/lib/encrypted-chat/chat.sqlite --to postgres://…
// Stop the server first. Prints one line of counts on success; one line on stderr and exit 1 otherwise.
import { parseArgs } from 'node:util';
import { CopyError, copyDatabase } from '../db/copy-database.js';
import { parseDatabaseUrl } from '../db/database-url.js';

const usage = 'usage: copy-database --from SOURCE_DATABASE_URL --to TARGET_DATABASE_URL';

function fail(message: string): never {
  process.stderr.write(`copy-database: ${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  let from: string | undefined;
  let to: string | undefined;
  try {
    ({ values: { from, to } } = parseArgs({ options: { from: { type: 'string' }, to: { type: 'string' } }, strict: true }));
  } catch (error) {
    fail(`${error instanceof Error ? error.message : String(error)}\n${usage}`);
  }
  if (!from || !to) fail(usage);
  for (const [flag, url] of [['--from', from], ['--to', to]] as const) {
    try {
      parseDatabaseUrl(url);
    } catch (error) {
      fail(`${flag} ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (from === to) fail('--from and --to name the same database');
  try {
    const r = await copyDatabase(from, to);
    process.stdout.write(`copied ${r.users} users, ${r.messages} messages, ${r.mailbox} mailbox rows, ${r.serverSecrets} server secrets, ${r.blocks} blocks, ${r.groups} groups, ${r.groupMembers} group members, ${r.messageKeys} group message keys, ${r.sessions} sessions, ${r.recoveryCodes} recovery codes, ${r.invites} invites, ${r.serverSettings} server settings, ${r.keyLogEntries} key-log entries, ${r.accountStates} account states, ${r.attachments} attachments (copy the files of ATTACHMENT_DIR too)\n`);
  } catch (error) {
    // A driver error's first line says what went wrong; the rest can quote SQL.
    if (error instanceof CopyError) fail(error.message);
    fail(`the copy failed and no rows were copied: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
}

void main();
