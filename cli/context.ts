// CLI side: what every command shares — where its settings and keys live, how it signs in and how it prints.
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { ChatClient, type ChatClientOptions } from '../core/client/chat-client.js';
import { ChatError } from '../core/api/errors.js';
import type { ChatEvent } from '../core/api/view.js';
import { typedUsernameSchema } from '../core/api/schemas.js';
import { FileStore } from '../node/file-store.js';
import { transportWithCa } from '../node/transport.js';
import { check, UsageError, type CliArgs } from './cli-args.js';
import { dataDir } from './config-dir.js';
import { KeyLogReport } from './key-log-report.js';
import { safeLine, safeText } from './output.js';
import { password, type Terminal } from './terminal.js';

export interface CliIo extends Terminal {
  stdout: NodeJS.WriteStream;
  /** Aborted on SIGINT/SIGTERM (reason: the signal's name); the command stops and its clients are closed. */
  signal?: AbortSignal;
  /** Makes the client (tests pass a fake); default: the real ChatClient. */
  newClient?: (options: ChatClientOptions) => ChatClient;
}

interface Settings {
  serverUrl?: string;
  username?: string;
}

const SETTINGS_KEY = 'cli-settings';

export class CliContext {
  readonly args: CliArgs;
  readonly io: CliIo;
  readonly store: FileStore;
  /** Every client this command made, so a signal can close them. */
  readonly clients = new Set<ChatClient>();
  /** True once a contact's key was seen to differ from the pinned one (messages then exits with 5). */
  keyChangeSeen = false;
  /** The key log's alarms, printed on stderr at the end of every command that signs in (key-log-report.ts). */
  readonly keyLog: KeyLogReport;

  constructor(args: CliArgs, io: CliIo) {
    this.args = args;
    this.io = io;
    this.store = new FileStore(dataDir(args.dataDir, io.env));
    this.keyLog = new KeyLogReport((line) => this.err(line));
  }

  async settings(): Promise<Settings> {
    const raw = await this.store.get(SETTINGS_KEY);
    if (!raw) return {};
    try {
      return JSON.parse(raw) as Settings;
    } catch {
      return {};
    }
  }

  async remember(serverUrl: string, username: string): Promise<void> {
    await this.store.set(SETTINGS_KEY, JSON.stringify({ serverUrl, username } satisfies Settings));
  }

  /** After the account was deleted: it is no longer the default user (the server stays the default). */
  async forget(serverUrl: string, username: string): Promise<void> {
    const settings = await this.settings();
    if (settings.serverUrl === serverUrl && settings.username === username) {
      await this.store.set(SETTINGS_KEY, JSON.stringify({ serverUrl } satisfies Settings));
    }
  }

  async serverUrl(): Promise<string> {
    const url = this.args.server ?? this.io.env.ENCRYPTED_CHAT_SERVER ?? (await this.settings()).serverUrl;
    if (!url) throw new UsageError('no server: use --server URL or set ENCRYPTED_CHAT_SERVER');
    return url;
  }

  async username(): Promise<string> {
    const raw = this.args.user ?? this.io.env.ENCRYPTED_CHAT_USER ?? (await this.settings()).username;
    if (!raw) throw new UsageError('no user: use --user NAME or set ENCRYPTED_CHAT_USER');
    // The environment and the settings file are checked by the same rule as --user itself.
    return check(typedUsernameSchema, raw, '--user');
  }

  async caCertificate(): Promise<string | null> {
    const source = this.args.caCert ?? this.io.env.ENCRYPTED_CHAT_CA_CERT;
    if (!source) return null;
    if (source.includes('-----BEGIN CERTIFICATE-----')) return source;
    try {
      const pem = await readFile(source, 'utf8');
      if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new Error('not PEM');
      return pem;
    } catch {
      throw new ChatError('invalid_input', `Cannot use ${source} as a CA certificate: it must be a readable PEM file (-----BEGIN CERTIFICATE-----).`);
    }
  }

  async client(): Promise<ChatClient> {
    const options: ChatClientOptions = {
      serverUrl: await this.serverUrl(),
      store: this.store,
      transport: transportWithCa(await this.caCertificate()),
      device: `Terminal, ${hostname()}`,
    };
    const client = this.io.newClient ? this.io.newClient(options) : new ChatClient(options);
    this.clients.add(client);
    client.onEvent((event) => this.onEvent(event));
    return client;
  }

  /** Closes every client this command made (on a signal): live sync stops, the session ends on the server. */
  async closeAll(): Promise<void> {
    await Promise.allSettled([...this.clients].map((client) => endSession(client)));
  }

  password(confirm = false): Promise<string> {
    return password(this.io, { envName: 'ENCRYPTED_CHAT_PASSWORD', file: this.args.passwordFile, prompt: 'Password: ', confirm });
  }

  /** A new password (passwd, recover): ENCRYPTED_CHAT_NEW_PASSWORD, --new-password-file, or asked twice. */
  newPassword(): Promise<string> {
    return password(this.io, {
      envName: 'ENCRYPTED_CHAT_NEW_PASSWORD',
      file: this.args.newPasswordFile,
      prompt: 'New password: ',
      confirm: true,
      what: 'new password',
      missing: 'No new password given: set ENCRYPTED_CHAT_NEW_PASSWORD, use --new-password-file, or run in a terminal to be asked.',
    });
  }

  /** Progress lines and loud warnings go to stderr, so stdout stays the command's result. */
  onEvent(event: ChatEvent): void {
    if (event.type === 'progress' && event.progress.phase !== 'unlocking' && (event.progress.fraction === 0 || event.progress.fraction === null)) {
      this.err(`${safeLine(event.progress.label)}…`);
    } else if (event.type === 'key_changed') {
      this.keyChangeSeen = true;
      const name = safeLine(event.change.username);
      this.err(
        `WARNING: ${name}'s key has CHANGED.\n  pinned: ${safeLine(event.change.pinnedFingerprint)}\n  now:    ${safeLine(event.change.newFingerprint)}\n` +
          `  Messages signed with the new key are not shown as verified. Compare fingerprints with ${name}, then run "encrypted-chat trust ${name}".`,
      );
    } else if (event.type === 'key_log') {
      this.keyLog.announced(event.keyLog);
    }
  }

  /** Signs in; `keepSessionSecret` (watch) lets the session sign in again by itself when its token expires. */
  async signedIn(keepSessionSecret = false, pw?: string): Promise<ChatClient> {
    const username = await this.username();
    const password = pw ?? (await this.password());
    const client = await this.client();
    await client.login({ username, password }, { keepSessionSecret });
    return client;
  }

  /**
   * Signs in, runs `work`, reports the key log's alarms and ends the session whatever happens; gives `work`'s
   * exit code, or the alarm's when `work` succeeded (key-log-report.ts).
   */
  async withSession(work: (client: ChatClient) => Promise<number>, pw?: string): Promise<number> {
    const client = await this.signedIn(false, pw);
    return this.runSession(client, () => work(client));
  }

  /** As withSession, for a client that signs in during `work` (register, recover) or before it. */
  async runSession(client: ChatClient, work: () => Promise<number>): Promise<number> {
    try {
      let code: number;
      try {
        code = await work();
      } catch (error) {
        // What this device holds is said before the error is; the server is not asked again.
        await this.keyLog.finish(client, 1, true).catch(() => undefined);
        throw error;
      }
      return await this.keyLog.finish(client, code);
    } finally {
      await endSession(client);
    }
  }

  /** A result line on stdout. Whatever it holds goes through the terminal sanitizer once more on the way out. */
  out(line: string): void {
    this.io.stdout.write(`${safeText(line)}\n`);
  }

  /** A progress or warning line on stderr, sanitized the same way. */
  err(line: string): void {
    this.io.stderr.write(`${safeText(line)}\n`);
  }
}

/**
 * A command's session ends on the server when the command does (v2 keeps a session per sign-in): the
 * account's device list then shows a terminal only while a command runs. A server that cannot be reached
 * lets the token expire instead.
 */
export async function endSession(client: ChatClient): Promise<void> {
  if (await client.currentAccount().catch(() => null)) await client.logout().catch(() => undefined);
  await client.close();
}

/** One command: it runs to the end and gives the process's exit code. */
export type Command = (ctx: CliContext) => Promise<number>;
