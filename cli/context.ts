// CLI side: what every command shares — where its settings and keys live, how it signs in and how it prints.
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { ChatClient, type ChatClientOptions } from '../core/client/chat-client.js';
import { ChatError } from '../core/api/errors.js';
import type { ChatEvent } from '../core/api/view.js';
import { typedUsernameSchema } from '../core/api/schemas.js';
import { HttpApi } from '../core/client/http-api.js';
import { ServerApi } from '../core/client/server-api.js';
import { safeServerUrl } from '../core/client/transport-safety.js';
import { FileStore } from '../node/file-store.js';
import { transportWithCa } from '../node/transport.js';
import { check, UsageError, type CliArgs } from './cli-args.js';
import { dataDir } from './config-dir.js';
import { KeyLogReport } from './key-log-report.js';
import { safeLine, safeText } from './output.js';
import { strongPasswordFor } from './password-rule.js';
import { password, type PasswordSource, type Terminal } from './terminal.js';

export interface CliIo extends Terminal {
  stdout: NodeJS.WriteStream;
  /** Aborted on SIGINT/SIGTERM (reason: the signal's name); the command stops and its clients are closed. */
  signal?: AbortSignal;
  /** Makes the client (tests pass a fake); default: the real ChatClient. */
  newClient?: (options: ChatClientOptions) => ChatClient;
  /** Looks a user up without signing in (GET /users/{u}; tests pass a fake); default: asks the server. */
  lookUpUser?: (options: Pick<ChatClientOptions, 'serverUrl' | 'transport'>, username: string) => Promise<void>;
}

/** GET /users/{u}, which needs no sign-in (PROTOCOL.md: its token is optional): throws not_found for nobody. */
async function lookUpUser(options: Pick<ChatClientOptions, 'serverUrl' | 'transport'>, username: string): Promise<void> {
  await new ServerApi(new HttpApi(options.serverUrl, options.transport)).profile(username);
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

  /**
   * The server's address, checked before anything is asked: one that is not a server address is a usage error
   * (exit 2) naming where it came from; plain http:// to another machine stays insecure_transport (exit 4).
   */
  async serverUrl(): Promise<string> {
    const [url, from] =
      this.args.server !== undefined ? [this.args.server, '--server']
      : this.io.env.ENCRYPTED_CHAT_SERVER ? [this.io.env.ENCRYPTED_CHAT_SERVER, 'ENCRYPTED_CHAT_SERVER']
      : [(await this.settings()).serverUrl, 'the saved server (from the last register or login)'];
    if (!url) throw new UsageError('no server: use --server URL or set ENCRYPTED_CHAT_SERVER');
    try {
      return safeServerUrl(url);
    } catch (error) {
      if (error instanceof ChatError && error.info.code === 'invalid_input') throw new UsageError(`${from}: ${error.info.message}`);
      throw error;
    }
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

  /**
   * Refuses, before any password is asked, a name the server does not know (one request that needs no sign-in):
   * a usage error, exit 2. Anything else the lookup meets is left to the command (a deleted account: the send
   * says so), except that a server out of reach stops it here.
   */
  async knownUser(username: string): Promise<void> {
    const options = { serverUrl: await this.serverUrl(), transport: transportWithCa(await this.caCertificate()) };
    try {
      await (this.io.lookUpUser ?? lookUpUser)(options, username);
    } catch (error) {
      const code = error instanceof ChatError ? error.info.code : null;
      if (code === 'not_found') throw new UsageError(`There is no user named ${username} on ${options.serverUrl} (nothing was sent; "encrypted-chat users" lists who is there).`);
      if (code === 'server_unreachable' || code === 'bad_certificate' || code === 'insecure_transport') throw error;
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

  /** Asks for a secret, but only once the server's address proved usable (a bad one is said before anything is typed). */
  async #ask(source: PasswordSource): Promise<string> {
    await this.serverUrl();
    return password(this.io, source);
  }

  password(prompt = 'Password: '): Promise<string> {
    return this.#ask({ envName: 'ENCRYPTED_CHAT_PASSWORD', file: this.args.passwordFile, prompt, confirm: false });
  }

  /** The password of a new account (register): it must pass the strength rule, checked before it is asked again. */
  firstPassword(username: string): Promise<string> {
    return this.#ask({ envName: 'ENCRYPTED_CHAT_PASSWORD', file: this.args.passwordFile, prompt: 'Password: ', confirm: true, check: strongPasswordFor(username) });
  }

  /** A new password (passwd, recover): ENCRYPTED_CHAT_NEW_PASSWORD, --new-password-file, or asked twice; strong enough. */
  newPassword(username: string): Promise<string> {
    return this.#ask({
      envName: 'ENCRYPTED_CHAT_NEW_PASSWORD',
      file: this.args.newPasswordFile,
      prompt: 'New password: ',
      confirm: true,
      what: 'new password',
      missing: 'No new password given: set ENCRYPTED_CHAT_NEW_PASSWORD, use --new-password-file, or run in a terminal to be asked.',
      check: strongPasswordFor(username),
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
          `  Messages signed with the new key are not shown as verified. Compare key fingerprints with ${name}, then run "encrypted-chat trust ${name}".`,
      );
    } else if (event.type === 'key_log') {
      this.keyLog.announced(event.keyLog);
    }
  }

  /** Signs in; `keepSessionSecret` (watch) lets the session sign in again by itself when its token expires. */
  async signedIn(keepSessionSecret = false, pw?: string): Promise<ChatClient> {
    const username = await this.username();
    // The server's address and the CA file are checked before the password is asked.
    const client = await this.client();
    try {
      const password = pw ?? (await this.password());
      await client.login({ username, password }, { keepSessionSecret });
    } catch (error) {
      await client.close();
      throw error;
    }
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
