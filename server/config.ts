// Server settings from the environment, each also a command-line flag (`--port 8080` or `--port=8080`;
// a flag wins over the environment). A bad setting is a ConfigError naming it in one line.
import {
  REGISTRATION_MODES,
  USER_DIRECTORY_MODES,
  type RegistrationMode,
  type UserDirectoryMode,
} from '../core/protocol/schemas-accounts.js';
import { parseDatabaseUrl } from './db/database-url.js';

export interface ServerConfig {
  port: number;
  host: string;
  databaseUrl: string;
  tlsCert: string | undefined;
  tlsKey: string | undefined;
  /** Express `trust proxy`: false, true, a hop count, or addresses/subnets. */
  trustProxy: boolean | number | string;
  tokenTtlSeconds: number;
  bodyLimitBytes: number;
  /** OPEN_REGISTRATION as given: true unless it was false; `registration` is what counts. */
  openRegistration: boolean;
  /** PROTOCOL.md "Accounts (v2)", Registration: open, invite (POST /users needs an invite) or closed. */
  registration: RegistrationMode;
  /** signed-in: GET /users needs a token; public: it does not (v1's rule). */
  userDirectory: UserDirectoryMode;
  logLevel: LogLevel;
  loginFailuresPerUser: number;
  loginFailuresPerAddress: number;
  loginWindowSeconds: number;
  registrationsPerAddress: number;
  registrationWindowSeconds: number;
  /** Messages one user may send per minute; 0 means no limit. */
  sendsPerMinute: number;
  /** Total size (bytes of the encrypted fields) of the messages one user may have stored; 0 means no limit. */
  messageQuotaBytes: number;
  /** Most members of one group, the creator included (PROTOCOL.md "Groups"). */
  maxGroupMembers: number;
  /** How long a device credential (X-Device-Credential) stays valid. */
  deviceCredentialTtlSeconds: number;
  heartbeatSeconds: number;
  webRoot: string;
  /** Live event streams one user may hold; opening one more closes that user's oldest. */
  streamsPerUser: number;
  /** Live event streams one client address may hold; beyond it GET /events answers 429. */
  streamsPerAddress: number;
  /** Open TCP connections one address may hold; 0 means no limit. Trusted proxies are not counted. */
  connectionsPerAddress: number;
  /** Bytes an event stream may have waiting unsent (a client that stopped reading); beyond it the stream is cut. */
  streamBufferBytes: number;
  /** Seconds to receive a request's headers (slowloris); see HTTP_TIMEOUTS in server.ts. */
  headersTimeoutSeconds: number;
  /** Seconds to receive a whole request, body included; never cuts a response (an event stream). */
  requestTimeoutSeconds: number;
  /** Seconds an idle keep-alive connection is kept between requests. */
  keepAliveTimeoutSeconds: number;
  /** Largest file (plaintext bytes) an upload may hold; the blob may be 28 bytes per 64 KiB chunk larger (PROTOCOL.md "Attachments"). */
  attachmentLimitBytes: number;
  /** Total bytes of one user's stored blobs; 0 means no limit. */
  attachmentQuotaBytes: number;
  /** Where blobs are stored; undefined: `attachments` beside the SQLite file, or data/attachments (see attachments/location.ts). */
  attachmentDir: string | undefined;
  /** How often the sweep deletes expired and erased blobs. */
  attachmentSweepSeconds: number;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export class ConfigError extends Error {}

type Parser<T> = (text: string) => T;

interface Setting<K extends keyof ServerConfig> {
  key: K;
  env: string;
  parse: Parser<ServerConfig[K]>;
  fallback: ServerConfig[K];
}

const fail = (why: string): never => {
  throw new ConfigError(why);
};

const integer =
  (min: number, max: number): Parser<number> =>
  (text) => {
    if (!/^\d+$/.test(text)) fail(`must be a whole number from ${min} to ${max}`);
    const n = Number(text);
    if (n < min || n > max) fail(`must be a whole number from ${min} to ${max}`);
    return n;
  };

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };
/** "3600", "90s", "15m", "1h", "7d". */
const duration =
  (minSeconds: number, maxSeconds = 365 * 86400): Parser<number> =>
  (text) => {
    const match = /^(\d+)([smhd]?)$/.exec(text);
    if (!match) fail('must be seconds or a number with s, m, h or d (e.g. 3600, 15m, 1h)');
    const seconds = Number(match![1]) * UNIT_SECONDS[match![2] || 's']!;
    if (seconds < minSeconds || seconds > maxSeconds) {
      fail(`must be from ${minSeconds} to ${maxSeconds >= 86400 ? `${maxSeconds / 86400} days` : `${maxSeconds} seconds`}`);
    }
    return seconds;
  };

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, kb: 1024, kib: 1024, mb: 1024 ** 2, mib: 1024 ** 2 };
/** "262144", "256kb", "256KiB", "1mb". */
const size: Parser<number> = (text) => {
  const match = /^(\d+)\s*([a-z]*)$/i.exec(text.trim());
  const unit = match ? SIZE_UNITS[match[2]!.toLowerCase()] : undefined;
  if (!match || unit === undefined) fail('must be a size like 262144, 256kb or 1mb');
  const bytes = Number(match![1]) * unit!;
  if (bytes < 1024 || bytes > 64 * 1024 ** 2) fail('must be from 1kb to 64mb');
  return bytes;
};

const QUOTA_UNITS: Record<string, number> = { ...SIZE_UNITS, gb: 1024 ** 3, gib: 1024 ** 3, tb: 1024 ** 4, tib: 1024 ** 4 };
/** "0" (off), "1073741824", "500mb", "1gb". */
const quota: Parser<number> = (text) => {
  const match = /^(\d+)\s*([a-z]*)$/i.exec(text.trim());
  const unit = match ? QUOTA_UNITS[match[2]!.toLowerCase()] : undefined;
  if (!match || unit === undefined) fail('must be 0 (off) or a size like 1073741824, 500mb or 1gb');
  const bytes = Number(match![1]) * unit!;
  if (!Number.isSafeInteger(bytes) || bytes > 1024 ** 5) fail('must be from 0 to 1024tb');
  return bytes;
};

/** "104857600", "100mb", "1gb": from 1 KiB to 64 GiB (the count of 64 KiB chunks stays far below 2^53). */
const attachmentLimit: Parser<number> = (text) => {
  const bytes = quota(text);
  if (bytes < 1024 || bytes > 64 * 1024 ** 3) fail('must be from 1kb to 64gb');
  return bytes;
};

const boolean: Parser<boolean> = (text) => {
  const t = text.toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(t)) return true;
  if (['0', 'false', 'no', 'off'].includes(t)) return false;
  return fail('must be true or false');
};

const nonEmpty: Parser<string> = (text) => (text.trim() === '' ? fail('must not be empty') : text);
const databaseUrl: Parser<string> = (text) => {
  try {
    parseDatabaseUrl(text);
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  return text;
};

const optionalPath: Parser<string | undefined> = (text) => (text === '' ? undefined : text);

const trustProxy: Parser<boolean | number | string> = (text) => {
  const t = text.trim().toLowerCase();
  if (t === '' || t === 'false') return false;
  if (t === 'true') return true;
  if (/^\d+$/.test(t)) return Number(t);
  if (!/^[0-9a-f.:/,\s a-z]+$/i.test(t)) fail('must be true, false, a hop count, or comma-separated addresses/subnets');
  return text.trim();
};

const logLevel: Parser<LogLevel> = (text) =>
  (LOG_LEVELS as readonly string[]).includes(text) ? (text as LogLevel) : fail(`must be one of ${LOG_LEVELS.join(', ')}`);

const oneOf =
  <T extends string>(values: readonly T[]): Parser<T> =>
  (text) =>
    (values as readonly string[]).includes(text) ? (text as T) : fail(`must be one of ${values.join(', ')}`);

const settings: { [K in keyof ServerConfig]: Setting<K> }[keyof ServerConfig][] = [
  { key: 'port', env: 'PORT', parse: integer(0, 65535), fallback: 8080 },
  { key: 'host', env: 'HOST', parse: nonEmpty, fallback: '127.0.0.1' },
  { key: 'databaseUrl', env: 'DATABASE_URL', parse: databaseUrl, fallback: 'sqlite:data/chat.sqlite' },
  { key: 'tlsCert', env: 'TLS_CERT', parse: optionalPath, fallback: undefined },
  { key: 'tlsKey', env: 'TLS_KEY', parse: optionalPath, fallback: undefined },
  { key: 'trustProxy', env: 'TRUST_PROXY', parse: trustProxy, fallback: false },
  { key: 'tokenTtlSeconds', env: 'TOKEN_TTL', parse: duration(10), fallback: 3600 },
  { key: 'bodyLimitBytes', env: 'BODY_LIMIT', parse: size, fallback: 256 * 1024 },
  { key: 'openRegistration', env: 'OPEN_REGISTRATION', parse: boolean, fallback: true },
  { key: 'registration', env: 'REGISTRATION', parse: oneOf(REGISTRATION_MODES), fallback: 'open' },
  { key: 'userDirectory', env: 'USER_DIRECTORY', parse: oneOf(USER_DIRECTORY_MODES), fallback: 'signed-in' },
  { key: 'logLevel', env: 'LOG_LEVEL', parse: logLevel, fallback: 'info' },
  { key: 'loginFailuresPerUser', env: 'LOGIN_FAILURES_PER_USER', parse: integer(1, 1_000_000), fallback: 10 },
  { key: 'loginFailuresPerAddress', env: 'LOGIN_FAILURES_PER_ADDRESS', parse: integer(1, 1_000_000), fallback: 100 },
  { key: 'loginWindowSeconds', env: 'LOGIN_WINDOW', parse: duration(1), fallback: 15 * 60 },
  { key: 'registrationsPerAddress', env: 'REGISTRATIONS_PER_ADDRESS', parse: integer(1, 1_000_000), fallback: 30 },
  { key: 'registrationWindowSeconds', env: 'REGISTRATION_WINDOW', parse: duration(1), fallback: 3600 },
  { key: 'sendsPerMinute', env: 'SENDS_PER_MINUTE', parse: integer(0, 1_000_000), fallback: 120 },
  { key: 'messageQuotaBytes', env: 'MESSAGE_QUOTA', parse: quota, fallback: 1024 ** 3 },
  // At most 200: a group message's event header (every recipient's name) must fit one PostgreSQL NOTIFY
  // (under 8000 bytes), and its 512-byte keys a request under the default BODY_LIMIT.
  { key: 'maxGroupMembers', env: 'MAX_GROUP_MEMBERS', parse: integer(2, 200), fallback: 100 },
  { key: 'deviceCredentialTtlSeconds', env: 'DEVICE_CREDENTIAL_TTL', parse: duration(60), fallback: 180 * 86400 },
  // The protocol promises a comment line at least every 30 s.
  { key: 'heartbeatSeconds', env: 'HEARTBEAT_INTERVAL', parse: duration(1, 30), fallback: 20 },
  { key: 'webRoot', env: 'WEB_ROOT', parse: nonEmpty, fallback: 'dist/web' },
  { key: 'streamsPerUser', env: 'STREAMS_PER_USER', parse: integer(1, 10_000), fallback: 10 },
  { key: 'streamsPerAddress', env: 'STREAMS_PER_ADDRESS', parse: integer(1, 1_000_000), fallback: 50 },
  { key: 'connectionsPerAddress', env: 'CONNECTIONS_PER_ADDRESS', parse: integer(0, 1_000_000), fallback: 256 },
  { key: 'streamBufferBytes', env: 'STREAM_BUFFER_LIMIT', parse: size, fallback: 1024 ** 2 },
  { key: 'headersTimeoutSeconds', env: 'HEADERS_TIMEOUT', parse: duration(1, 600), fallback: 20 },
  { key: 'requestTimeoutSeconds', env: 'REQUEST_TIMEOUT', parse: duration(1, 3600), fallback: 60 },
  { key: 'keepAliveTimeoutSeconds', env: 'KEEP_ALIVE_TIMEOUT', parse: duration(1, 600), fallback: 5 },
  { key: 'attachmentLimitBytes', env: 'ATTACHMENT_LIMIT', parse: attachmentLimit, fallback: 100 * 1024 ** 2 },
  { key: 'attachmentQuotaBytes', env: 'ATTACHMENT_QUOTA', parse: quota, fallback: 2 * 1024 ** 3 },
  { key: 'attachmentDir', env: 'ATTACHMENT_DIR', parse: nonEmpty, fallback: undefined },
  { key: 'attachmentSweepSeconds', env: 'ATTACHMENT_SWEEP_INTERVAL', parse: duration(1, 86400), fallback: 300 },
];

export const SETTING_NAMES = settings.map((s) => s.env);

/** Every setting's variable, flag and default, in order (for `--help`). */
export function describeSettings(): { env: string; flag: string; fallback: unknown }[] {
  return settings.map((s) => ({ env: s.env, flag: flagName(s.env), fallback: s.fallback }));
}

function flagName(env: string): string {
  return '--' + env.toLowerCase().replace(/_/g, '-');
}

/** Reads `--name value` / `--name=value` pairs; anything else is a ConfigError. */
function readFlags(argv: readonly string[]): Map<string, string> {
  const byFlag = new Map(settings.map((s) => [flagName(s.env), s.env]));
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const env = byFlag.get(flag);
    if (!env) throw new ConfigError(`unknown option ${flag} (options: ${[...byFlag.keys()].join(' ')})`);
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined) throw new ConfigError(`${flag} needs a value`);
    values.set(env, value);
  }
  return values;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, argv: readonly string[] = []): ServerConfig {
  const flags = readFlags(argv);
  const config: Partial<Record<keyof ServerConfig, unknown>> = {};
  for (const setting of settings) {
    const raw = flags.get(setting.env) ?? env[setting.env];
    if (raw === undefined) {
      config[setting.key] = setting.fallback;
      continue;
    }
    try {
      config[setting.key] = (setting.parse as Parser<unknown>)(raw);
    } catch (error) {
      if (error instanceof ConfigError) {
        throw new ConfigError(`${setting.env} (${flagName(setting.env)}) ${error.message}, got ${JSON.stringify(raw)}`);
      }
      throw error;
    }
  }
  const result = config as ServerConfig;
  // OPEN_REGISTRATION=false is an alias of REGISTRATION=closed; both given and disagreeing is an error.
  const registrationGiven = (flags.get('REGISTRATION') ?? env.REGISTRATION) !== undefined;
  const openGiven = (flags.get('OPEN_REGISTRATION') ?? env.OPEN_REGISTRATION) !== undefined;
  if (openGiven && registrationGiven && result.openRegistration !== (result.registration !== 'closed')) {
    throw new ConfigError(
      `OPEN_REGISTRATION=${String(result.openRegistration)} contradicts REGISTRATION=${result.registration}; set only REGISTRATION (open, invite or closed)`,
    );
  }
  if (openGiven && !registrationGiven && !result.openRegistration) result.registration = 'closed';
  if ((result.tlsCert === undefined) !== (result.tlsKey === undefined)) {
    throw new ConfigError('TLS_CERT and TLS_KEY must be given together');
  }
  return result;
}
