// Entry point: `node dist/server/main.js [--flags]` or `node --import tsx server/main.ts`. Prints exactly
// one line on stdout when ready; a bad setting or a failed start is one line on stderr and exit 1.
// `--help` (or `-h`) prints every setting and exits 0 without starting anything.
import { ConfigError, describeSettings, loadConfig } from './config.js';
import { startServer } from './server.js';

/** One line per setting for --help; the default comes from config.ts itself. */
const HELP: Record<string, { meaning: string; unit?: 'duration' | 'size' }> = {
  PORT: { meaning: 'TCP port to listen on (0: any free port, printed)' },
  HOST: { meaning: 'address to listen on' },
  DATABASE_URL: { meaning: 'sqlite:<path> (relative to the working directory) or postgres://user:pw@host:5432/db' },
  TLS_CERT: { meaning: 'PEM certificate chain: serve HTTPS (TLS 1.2+, ECDHE + AEAD suites) with HSTS; needs TLS_KEY' },
  TLS_KEY: { meaning: 'PEM private key for TLS_CERT' },
  TRUST_PROXY: { meaning: 'Express trust proxy: false, true, a hop count, or addresses/subnets (e.g. loopback)' },
  TOKEN_TTL: { meaning: 'token lifetime, sliding (3600, 15m, 1h, 7d)', unit: 'duration' },
  BODY_LIMIT: { meaning: 'largest request body (413 above)', unit: 'size' },
  OPEN_REGISTRATION: { meaning: 'false: the same as REGISTRATION=closed (kept for v1 setups)' },
  REGISTRATION: { meaning: 'open, invite (POST /users needs an invite code) or closed (403)' },
  USER_DIRECTORY: { meaning: 'signed-in: GET /users needs a token; public: anyone may list users' },
  LOG_LEVEL: { meaning: 'pino level on stderr: fatal, error, warn, info, debug, trace, silent' },
  LOGIN_FAILURES_PER_USER: { meaning: 'failed logins per account per LOGIN_WINDOW (429 above)' },
  LOGIN_FAILURES_PER_ADDRESS: { meaning: 'failed logins per client address per LOGIN_WINDOW (429 above)' },
  LOGIN_WINDOW: { meaning: 'window of the failed-login limits', unit: 'duration' },
  REGISTRATIONS_PER_ADDRESS: { meaning: 'registrations per client address per REGISTRATION_WINDOW (429 above)' },
  REGISTRATION_WINDOW: { meaning: 'window of the registration limit', unit: 'duration' },
  SENDS_PER_MINUTE: { meaning: 'messages one user may send per minute (0: no limit)' },
  MESSAGE_QUOTA: { meaning: 'total size of the messages one user may have stored (0: no limit)', unit: 'size' },
  MAX_GROUP_MEMBERS: { meaning: 'most members of one group, its creator included (2 to 200)' },
  DEVICE_CREDENTIAL_TTL: { meaning: 'how long a device credential (X-Device-Credential) stays valid', unit: 'duration' },
  HEARTBEAT_INTERVAL: { meaning: 'comment lines on event streams (1 s to 30 s)', unit: 'duration' },
  WEB_ROOT: { meaning: 'the built web client, relative to the project folder' },
  STREAMS_PER_USER: { meaning: "live event streams per user; one more closes that user's oldest" },
  STREAMS_PER_ADDRESS: { meaning: 'live event streams per client address (429 above)' },
  CONNECTIONS_PER_ADDRESS: { meaning: 'open connections per address, trusted proxies not counted (0: no limit)' },
  STREAM_BUFFER_LIMIT: { meaning: 'bytes an event stream may have waiting unsent before it is cut', unit: 'size' },
  HEADERS_TIMEOUT: { meaning: "time to receive a request's headers (408 after)", unit: 'duration' },
  REQUEST_TIMEOUT: { meaning: 'time to receive a whole request (never cuts an event stream)', unit: 'duration' },
  KEEP_ALIVE_TIMEOUT: { meaning: 'how long an idle keep-alive connection is kept', unit: 'duration' },
  ATTACHMENT_LIMIT: { meaning: 'largest file an upload may hold (413 too_large above)', unit: 'size' },
  ATTACHMENT_QUOTA: { meaning: "total bytes of one user's stored attachments (413 quota_exceeded; 0: no limit)", unit: 'size' },
  ATTACHMENT_DIR: { meaning: 'folder of the attachment blobs (default: attachments beside the SQLite file, data/attachments with PostgreSQL)' },
  ATTACHMENT_SWEEP_INTERVAL: { meaning: 'how often unnamed blobs older than 24 h and erased ones are removed', unit: 'duration' },
};

function formatDuration(seconds: number): string {
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60]] as const) {
    if (seconds >= size && seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}

function formatSize(bytes: number): string {
  for (const [unit, size] of [['gb', 1024 ** 3], ['mb', 1024 ** 2], ['kb', 1024]] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return String(bytes);
}

function usage(): string {
  const rows = describeSettings().map(({ env, flag, fallback }) => {
    const help = HELP[env];
    let shown: string;
    if (fallback === undefined) shown = 'unset';
    else if (help?.unit === 'duration' && typeof fallback === 'number') shown = formatDuration(fallback);
    else if (help?.unit === 'size' && typeof fallback === 'number') shown = fallback === 0 ? '0' : formatSize(fallback);
    else shown = String(fallback);
    return `  ${env}, ${flag} <value>   (default: ${shown})\n      ${help?.meaning ?? '(not described yet)'}`;
  });
  return [
    'Usage: node dist/server/main.js [--flag value | --flag=value ...]',
    '       node --import tsx server/main.ts [...]',
    '',
    'Encrypted Chat server. Every setting is an environment variable or a flag; the flag wins.',
    'Durations: seconds or with s, m, h, d (15m, 1h). Sizes: bytes or with kb, mb (256kb).',
    '',
    'Settings:',
    ...rows,
    '',
    '  -h, --help  print this and exit',
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(usage());
    process.exit(0);
  }
  let config;
  try {
    config = loadConfig(process.env, argv);
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
