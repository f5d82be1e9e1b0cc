// CLI side: the entry point (bin/encrypted-chat.js imports the built form, dist/cli/main.js).
import { runCli, SIGNAL_EXIT_CODES } from './run-cli.js';

// SIGINT and SIGTERM are handled here, once, for every command: the signal aborts the command (runCli closes
// its clients and returns 130 or 143), and a hard timer exits anyway if anything is still pending after a second.
const HARD_STOP_MS = 1_000;
const controller = new AbortController();
for (const name of ['SIGINT', 'SIGTERM'] as const) {
  process.on(name, () => {
    if (controller.signal.aborted) process.exit(SIGNAL_EXIT_CODES[controller.signal.reason as typeof name] ?? SIGNAL_EXIT_CODES[name]);
    controller.abort(name);
    setTimeout(() => process.exit(SIGNAL_EXIT_CODES[name]), HARD_STOP_MS);
  });
}

const code = await runCli(process.argv.slice(2), {
  env: process.env,
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  signal: controller.signal,
  // Ctrl-C at the hidden password prompt (raw mode: no SIGINT from the terminal) stops like Ctrl-C anywhere.
  interrupt: () => process.kill(process.pid, 'SIGINT'),
});
// Flush what was written before leaving; open sockets or timers must not keep a finished command alive.
await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
await new Promise<void>((resolve) => process.stderr.write('', () => resolve()));
process.exit(code);
