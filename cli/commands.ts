// CLI side: the commands. Each signs in for itself (no token on disk), does one thing and ends the session.
import { readFile } from 'node:fs/promises';
import { ChatClient, type ChatClientOptions } from '../core/client/chat-client.js';
import { ChatError } from '../core/api/errors.js';
import type { ChatEvent, MessageView } from '../core/api/view.js';
import { MAX_READ_BATCH } from '../core/api/schemas.js';
import type { CliArgs } from './cli-args.js';
import { UsageError } from './cli-args.js';
import { dataDir } from './config-dir.js';
import { FileStore } from '../node/file-store.js';
import { transportWithCa } from '../node/transport.js';
import { ConnectionReport } from './connection-report.js';
import { formatMessage, messageJson, safeJson, safeLine, safeText } from './output.js';
import { password, readStdinText, type Terminal } from './terminal.js';

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

  constructor(args: CliArgs, io: CliIo) {
    this.args = args;
    this.io = io;
    this.store = new FileStore(dataDir(args.dataDir, io.env));
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

  async serverUrl(): Promise<string> {
    const url = this.args.server ?? this.io.env.ENCRYPTED_CHAT_SERVER ?? (await this.settings()).serverUrl;
    if (!url) throw new UsageError('no server: use --server URL or set ENCRYPTED_CHAT_SERVER');
    return url;
  }

  async username(): Promise<string> {
    const raw = this.args.user ?? this.io.env.ENCRYPTED_CHAT_USER ?? (await this.settings()).username;
    if (!raw) throw new UsageError('no user: use --user NAME or set ENCRYPTED_CHAT_USER');
    const name = raw.trim().toLowerCase();
    if (!/^[a-z0-9_]{3,32}$/.test(name)) throw new UsageError('--user: must be 3 to 32 characters of a-z, 0-9 and _');
    return name;
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
    };
    const client = this.io.newClient ? this.io.newClient(options) : new ChatClient(options);
    this.clients.add(client);
    client.onEvent((event) => this.onEvent(event));
    return client;
  }

  /** Closes every client this command made (on a signal): live sync stops, the session is forgotten. */
  async closeAll(): Promise<void> {
    await Promise.allSettled([...this.clients].map((client) => client.close()));
  }

  password(confirm = false): Promise<string> {
    return password(this.io, { envName: 'ENCRYPTED_CHAT_PASSWORD', file: this.args.passwordFile, prompt: 'Password: ', confirm });
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

  /** A result line on stdout. Whatever it holds goes through the terminal sanitizer once more on the way out. */
  out(line: string): void {
    this.io.stdout.write(`${safeText(line)}\n`);
  }

  /** A progress or warning line on stderr, sanitized the same way. */
  err(line: string): void {
    this.io.stderr.write(`${safeText(line)}\n`);
  }
}

type Command = (ctx: CliContext) => Promise<number>;

const register: Command = async (ctx) => {
  const username = await ctx.username();
  const client = await ctx.client();
  const pw = await ctx.password(true);
  const account = await client.register({ username, password: pw });
  await ctx.remember(client.serverUrl, account.username);
  ctx.out(`Registered ${account.username} on ${account.serverUrl}.`);
  ctx.out(`Your key fingerprint: ${account.fingerprint}`);
  await client.close();
  return 0;
};

const login: Command = async (ctx) => {
  const client = await ctx.signedIn();
  const account = (await client.currentAccount())!;
  await ctx.remember(client.serverUrl, account.username);
  ctx.out(`Signed in as ${account.username} on ${account.serverUrl}.`);
  ctx.out(`Your key fingerprint: ${account.fingerprint}`);
  await client.close();
  return 0;
};

const users: Command = async (ctx) => {
  const client = await ctx.client();
  try {
    for (const name of await client.searchUsers(ctx.args.positionals[0] ?? '')) ctx.out(safeLine(name));
    return 0;
  } finally {
    await client.close();
  }
};

const send: Command = async (ctx) => {
  const recipient = ctx.args.positionals[0]!;
  let text = ctx.args.positionals[1];
  const client = await ctx.signedIn();
  try {
    const pending = await client.resendPending();
    if (pending.sent.length > 0) ctx.err(`Sent ${pending.sent.length} message(s) that were waiting from an earlier failure.`);
    for (const r of pending.refused) ctx.err(`A waiting message to ${safeLine(r.recipient)} was refused by the server and dropped: ${safeLine(r.reason)}`);
    text ??= await readStdinText(ctx.io);
    const sent = await client.send({ recipient, text, id: client.newMessageId() });
    ctx.out(`Sent to ${safeLine(sent.recipient)} at ${safeLine(sent.timestamp)} (id ${safeLine(sent.id)}).`);
    return 0;
  } finally {
    await client.close();
  }
};

async function readAll(client: ChatClient, ids: string[]): Promise<MessageView[]> {
  const views: MessageView[] = [];
  for (let i = 0; i < ids.length; i += MAX_READ_BATCH) views.push(...(await client.readMessages(ids.slice(i, i + MAX_READ_BATCH))));
  return views;
}

const messages: Command = async (ctx) => {
  const client = await ctx.signedIn();
  try {
    const headers = await client.recentMessages({ peer: ctx.args.peer, limit: ctx.args.limit ?? 50 });
    const views = await readAll(client, headers.map((h) => h.id));
    if (ctx.args.json) {
      ctx.out(safeJson(views.map(messageJson)));
    } else if (views.length === 0) {
      ctx.out(ctx.args.peer ? `No messages with ${ctx.args.peer} yet.` : 'No messages yet.');
    } else {
      for (const view of views) ctx.out(formatMessage(view));
    }
    const last = headers.at(-1);
    if (ctx.args.peer && last) await client.markRead(ctx.args.peer, last.seq);
    // A changed key is key trouble: exit 5, as for tampering (the warning itself went to stderr).
    if (ctx.keyChangeSeen || views.some((v) => v.status === 'key_changed')) return 5;
    return 0;
  } finally {
    await client.close();
  }
};

const watch: Command = async (ctx) => {
  const client = await ctx.signedIn(true);
  const me = (await client.currentAccount())!.username;
  const report = new ConnectionReport(me);
  let printing = Promise.resolve();
  client.onEvent((event) => {
    if (event.type === 'message') {
      printing = printing.then(async () => {
        const [view] = await client.readMessages([event.message.id]);
        if (view) ctx.out(formatMessage(view));
      }).catch((error: unknown) => {
        ctx.err(`Could not read a message: ${safeLine(error instanceof ChatError ? error.info.message : String(error))}`);
      });
    } else if (event.type === 'connection') {
      const line = report.line(event.state, event.detail);
      if (line !== null) ctx.err(line);
    }
  });
  // SIGINT/SIGTERM are handled once, by the entry point: it aborts ctx.io.signal and runCli closes the client.
  const ended = new Promise<number>((resolve) => {
    client.onEvent((event) => {
      if (event.type === 'signed_out') {
        ctx.err(safeLine(event.reason));
        resolve(3);
      }
    });
  });
  await client.startLive();
  const code = await ended;
  await printing;
  await client.close();
  return code;
};

const fingerprintCommand: Command = async (ctx) => {
  const client = await ctx.signedIn();
  try {
    const name = ctx.args.positionals[0];
    const account = (await client.currentAccount())!;
    if (name === undefined || name === account.username) {
      ctx.out(`${account.username}: ${account.fingerprint}`);
      return 0;
    }
    const details = await client.contactDetails(name);
    const who = safeLine(details.username);
    ctx.out(`${who}: ${safeLine(details.pinnedFingerprint ?? '?')} (pinned on this device)`);
    for (const key of details.earlierKeys ?? []) {
      ctx.out(`${who}: ${safeLine(key.fingerprint)} (an earlier key${key.disowned ? ', disowned: never theirs' : ''})`);
    }
    if (details.blocked) ctx.out(`${who} is blocked (run "encrypted-chat unblock ${who}" to undo).`);
    if (details.keyStatus === 'changed') {
      ctx.out(`${who}: ${safeLine(details.serverFingerprint ?? '?')} (the server shows this DIFFERENT key now; see "encrypted-chat trust --help")`);
      return 1;
    }
    return 0;
  } finally {
    await client.close();
  }
};

const trust: Command = async (ctx) => {
  const name = ctx.args.positionals[0]!;
  const client = await ctx.signedIn();
  try {
    const before = await client.contactDetails(name);
    const after = await client.trustContactKey(name);
    if (before.keyStatus === 'changed') {
      ctx.out(`Now trusting ${name}'s new key: ${safeLine(after.pinnedFingerprint ?? '?')}`);
      ctx.out(`(was ${safeLine(before.pinnedFingerprint ?? '?')})`);
      ctx.out(`If that earlier key was never ${name}'s, run "encrypted-chat disown ${name}": messages signed with it then show as failed.`);
    } else {
      ctx.out(`${name}'s key is unchanged: ${safeLine(after.pinnedFingerprint ?? '?')}`);
    }
    return 0;
  } finally {
    await client.close();
  }
};

const block: Command = async (ctx) => {
  const name = ctx.args.positionals[0]!;
  const client = await ctx.signedIn();
  try {
    const details = await client.blockContact(name);
    ctx.out(`Blocked ${safeLine(details.username)}: the server now refuses their messages to you. Undo with "encrypted-chat unblock ${name}".`);
    return 0;
  } finally {
    await client.close();
  }
};

const unblock: Command = async (ctx) => {
  const name = ctx.args.positionals[0]!;
  const client = await ctx.signedIn();
  try {
    const details = await client.unblockContact(name);
    ctx.out(`Unblocked ${safeLine(details.username)}: their messages reach you again.`);
    return 0;
  } finally {
    await client.close();
  }
};

const disown: Command = async (ctx) => {
  const name = ctx.args.positionals[0]!;
  const client = await ctx.signedIn();
  try {
    const details = await client.disownEarlierKeys(name);
    const who = safeLine(details.username);
    const disowned = (details.earlierKeys ?? []).filter((key) => key.disowned);
    if (disowned.length === 0) {
      ctx.out(`${who} has no earlier keys on this device: nothing to disown.`);
      return 0;
    }
    ctx.out(`Disowned ${disowned.length} earlier key(s) of ${who}: messages signed with them now show as failed (disowned_key).`);
    for (const key of disowned) ctx.out(`  ${safeLine(key.fingerprint)}`);
    return 0;
  } finally {
    await client.close();
  }
};

const passwd: Command = async (ctx) => {
  const current = await ctx.password();
  const client = await ctx.signedIn(false, current);
  try {
    const next = await password(ctx.io, {
      envName: 'ENCRYPTED_CHAT_NEW_PASSWORD',
      file: ctx.args.newPasswordFile,
      prompt: 'New password: ',
      confirm: true,
    });
    await client.changePassword({ currentPassword: current, newPassword: next });
    ctx.out('Password changed. Every other session of your account has ended.');
    return 0;
  } finally {
    await client.close();
  }
};

const logout: Command = async (ctx) => {
  const client = await ctx.signedIn();
  const username = (await client.currentAccount())!.username;
  await client.logout();
  ctx.out(`Signed out: every session of ${username} on the server has ended.`);
  return 0;
};

export const COMMAND_RUNNERS: Record<string, Command> = {
  register,
  login,
  users,
  send,
  messages,
  watch,
  fingerprint: fingerprintCommand,
  trust,
  disown,
  block,
  unblock,
  passwd,
  logout,
};

