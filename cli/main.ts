// CLI side: the entry point (bin/encrypted-chat.js imports the built form, dist/cli/main.js).
import { runCli } from './run-cli.js';

const code = await runCli(process.argv.slice(2), {
  env: process.env,
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
});
// Flush what was written before leaving; open sockets or timers must not keep a finished command alive.
await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
await new Promise<void>((resolve) => process.stderr.write('', () => resolve()));
process.exit(code);
