// Entry point: `node dist/server/main.js [--flags]` or `node --import tsx server/main.ts`. Prints exactly
// one line on stdout when ready; a bad setting or a failed start is one line on stderr and exit 1.
import { ConfigError, loadConfig } from './config.js';
import { startServer } from './server.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env, process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`Encrypted Chat server: bad setting: ${error.message}\n`);
    process.exit(1);
  }
  let server;
  try {
    server = await startServer(config);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    process.stderr.write(`Encrypted Chat server could not start: ${why.split('\n')[0]}\n`);
    process.exit(1);
  }
  process.stdout.write(`Encrypted Chat server listening on ${server.url}\n`);
  const running = server;
  const stop = (): void => {
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`Encrypted Chat server: unclean shutdown: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

void main();
