// The server process of `npm run bench:keylog`: startServer as server/main.ts runs it (settings from the
// environment), plus the one thing main.ts cannot be told — `--no-log-append`, the benchmark-only
// StartOptions that makes registrations append no key-log entry (the "without the log" run). Prints the
// same ready line as main.ts; SIGTERM closes it.
import { loadConfig } from '../../server/config.js';
import { startServer } from '../../server/server.js';

const appends = !process.argv.includes('--no-log-append');
const server = await startServer(loadConfig(process.env, []), { keyLog: { registrationAppends: appends } });
process.stdout.write(`Encrypted Chat server listening on ${server.url}\n`);
process.once('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
