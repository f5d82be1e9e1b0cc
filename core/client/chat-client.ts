// Core side (runs in Node, Electron main and the browser worker): one person's session with one server, as a
// facade over the modules beside it; it keeps the session, its events and the guard that signs in again.
import { formatFingerprint } from '../crypto/fingerprint.js';
import { newMessageId } from '../crypto/message-crypto.js';
import { ChatError, notSignedIn, toChatError } from '../api/errors.js';
import { sessionSnapshotSchema, type SessionSnapshot } from '../api/session-snapshot.js';
import * as input from '../api/schemas.js';
import type * as view from '../api/view.js';
import { checkNewPassword } from './account.js';
import { assembleParts, type ChatClientOptions, type ClientParts, type SessionOptions } from './client-parts.js';
import type { Transport } from './http-api.js';
import type { Refused } from './sender.js';
import { checkServer } from './server-api.js';
import type { Session } from './session.js';
import { safeServerUrl } from './transport-safety.js';
import { sessionIdSchema } from '../protocol/schemas-accounts.js';
import { MONITOR_INTERVAL_MS } from './key-log.js';
import { fileRefSchema, sendFilesRequestSchema, transferIdSchema } from '../api/attachment-schemas.js';
import { concatBytes } from '../crypto/webcrypto.js';
import { memorySource, type FileSink, type SendFileStreams } from './attachments.js';

/** How long signing out or closing waits for read markers not yet written (the next sign-in writes them otherwise). */
const READ_FLUSH_LIMIT_MS = 3_000;

export type { Transport } from './http-api.js';
export type { ChatClientOptions, SessionOptions } from './client-parts.js';
export type { FileSink, FileSource, SendFileStreams } from './attachments.js';

/**
 * Its public methods mirror the session part of the ChatApi (SESSION_METHODS in core/api/methods.ts) name for
 * name. Private keys stay non-extractable CryptoKeys; token and keys leave only through sessionSnapshot().
 */
export class ChatClient {
  readonly serverUrl: string;
  readonly #listeners = new Set<(event: view.ChatEvent) => void>();
  #session: Session | null = null;
  #serial: Promise<unknown> = Promise.resolve();
  #connectionState: view.ConnectionState = 'offline';
  readonly #parts: ClientParts;
  readonly #onSnapshotChange: () => void;
  #monitorTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(options: ChatClientOptions) {
    this.serverUrl = safeServerUrl(options.serverUrl);
    this.#onSnapshotChange = options.onSnapshotChange ?? (() => undefined);
    this.#parts = assembleParts(this.serverUrl, options, {
      session: () => this.#requireSession(),
      current: () => this.#session,
      hold: (s) => {
        this.#session = s;
      },
      exclusive: (run) => this.#exclusive(run),
      guard: (run) => this.#guard(run),
      emit: (event) => this.#emit(event),
      connectionState: () => this.#connectionState,
      onState: (state, detail) => {
        const was = this.#connectionState;
        this.#connectionState = state;
        this.#emit({ type: 'connection', state, detail });
        // Back online: what the account's other devices read meanwhile.
        if (state === 'online' && was !== 'online') void this.#parts.readCursors.refresh();
      },
      liveLoss: {
        renew: async (error) => error.info.code === 'unauthorized' && (await this.#renewToken()),
        restart: () => this.startLive(),
        end: (error) => this.#sessionLost(error),
      },
    });
  }

  /** Checks a server address is safe to use and answers GET /health; returns its normalized form. */
  static async checkServer(serverUrl: string, transport?: Transport): Promise<{ serverUrl: string; version: string }> {
    return checkServer(serverUrl, transport);
  }

  /** Signs in again from a stay-signed-in snapshot: no password, no PBKDF2. */
  static async resume(options: ChatClientOptions, snapshot: SessionSnapshot): Promise<ChatClient> {
    const client = new ChatClient(options);
    const parsed = sessionSnapshotSchema.parse(snapshot);
    await client.#guard(async () => client.#parts.account.resume(parsed));
    try {
      await client.#learnSession(parsed.sessionId ?? null);
    } catch (error) {
      await client.close();
      throw error;
    }
    await client.#parts.readCursors.start(client.#requireSession());
    client.#watchKeyLog();
    return client;
  }

  /** What the server answers before sign-in (GET /health). */
  async serverInfo(): Promise<view.ServerInfoView> {
    return this.#parts.api.healthInfo();
  }

  // ---- events ----

  onEvent(listener: (event: view.ChatEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(event: view.ChatEvent): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(event);
      } catch {
        // one listener's failure must not stop the others or the session
      }
    }
  }

  // ---- account ----

  async register(registration: view.Registration, options?: SessionOptions): Promise<view.AccountView> {
    return this.#enter(options, async (keep) => {
      const { username, password, invite } = input.registrationSchema.parse(registration);
      checkNewPassword(password);
      this.#requireSignedOut();
      await this.#parts.account.register(username, password, keep, invite);
    });
  }

  async login(credentials: view.Credentials, options?: SessionOptions): Promise<view.AccountView> {
    return this.#enter(options, async (keep) => {
      const { username, password } = input.credentialsSchema.parse(credentials);
      this.#requireSignedOut();
      await this.#parts.account.login(username, password, keep);
    });
  }

  /** "Forgot password": the recovery code signs in and sets the new password; the code is used up. */
  async recoverAccount(recovery: view.AccountRecovery, options?: SessionOptions): Promise<view.AccountView> {
    return this.#enter(options, async (keep) => {
      const { username, code, newPassword } = input.accountRecoverySchema.parse(recovery);
      checkNewPassword(newPassword);
      this.#requireSignedOut();
      await this.#parts.account.recover(username, code, newPassword, keep);
    });
  }

  async #enter(options: SessionOptions | undefined, signIn: (keep: boolean) => Promise<void>): Promise<view.AccountView> {
    return this.#guard(async () => {
      await signIn(input.sessionOptionsSchema.parse(options)?.keepSessionSecret ?? false);
      await this.#learnSession(null).catch((error: unknown) => {
        // Signed in all the same; only telling expiry from revocation later is lost (devices.ts).
        if (toChatError(error).info.code === 'unauthorized') throw error;
      });
      // Before the first list of conversations: what was read on other devices is not counted unread here.
      await this.#parts.readCursors.start(this.#requireSession());
      this.#watchKeyLog();
      return this.#accountView();
    });
  }

  /** A stay-signed-in session learns its server session, replacing `previous` (devices.ts). */
  async #learnSession(previous: string | null): Promise<void> {
    const s = this.#session;
    if (!s?.secret) return;
    try {
      s.sessionId = await this.#parts.devices.takeOver(previous);
    } catch (error) {
      if (toChatError(error).info.code === 'unauthorized' && this.#session === s) await this.#endSession(toChatError(error).info.message);
      throw error;
    }
  }

  /** The stay-signed-in secret, when the session was opened with keepSessionSecret. */
  sessionSnapshot(): SessionSnapshot | null {
    const s = this.#session;
    if (!s?.secret) return null;
    const snapshot: SessionSnapshot = { serverUrl: this.serverUrl, username: s.username, authHash: s.secret.authHash, privateKeyPkcs8: s.secret.pkcs8 };
    if (s.sessionId !== null) snapshot.sessionId = s.sessionId;
    return snapshot;
  }

  async currentAccount(): Promise<view.AccountView | null> {
    return this.#session ? this.#accountView() : null;
  }

  /** Ends this session on the server. */
  async logout(): Promise<void> {
    return this.#signOut(false);
  }

  /** Ends every session of the account, on every device. */
  async logoutEverywhere(): Promise<void> {
    return this.#signOut(true);
  }

  async #signOut(everywhere: boolean): Promise<void> {
    return this.#guard(async () => {
      if (!this.#session) return;
      await this.#parts.readCursors.flush(READ_FLUSH_LIMIT_MS);
      const failure = await this.#parts.api.logout(everywhere).then(
        () => null,
        (error: unknown) => error,
      );
      await this.#endSession(everywhere ? 'You signed out on every device.' : 'You signed out.');
      if (failure && toChatError(failure).info.code !== 'unauthorized') throw failure;
    });
  }

  /** The account's signed-in devices (one server session each). */
  async devices(): Promise<view.DeviceView[]> {
    return this.#guard(async () => {
      this.#requireSession();
      return this.#parts.devices.list();
    });
  }

  /** Ends another device's session; answers the devices left. */
  async signOutDevice(id: string): Promise<view.DeviceView[]> {
    return this.#guard(async () => {
      this.#requireSession();
      return this.#parts.devices.signOut(sessionIdSchema.parse(id));
    });
  }

  async recoveryStatus(): Promise<view.RecoveryStatus> {
    return this.#guard(async () => this.#parts.recovery.status());
  }

  /** A new recovery code (shown once, never kept here); every other session of the account ends. */
  async createRecoveryCode(password: string): Promise<view.RecoveryCodeView> {
    return this.#guard(async () => this.#parts.recovery.create(input.passwordSchema.parse(password)));
  }

  async removeRecoveryCode(password: string): Promise<view.RecoveryStatus> {
    return this.#guard(async () => this.#parts.recovery.remove(input.passwordSchema.parse(password)));
  }

  /** Deletes the account on the server for good (the name stays taken); this device is signed out. */
  async deleteAccount(password: string): Promise<void> {
    return this.#guard(async () => {
      await this.#parts.account.deleteAccount(this.#requireSession(), input.passwordSchema.parse(password));
      await this.#endSession('Your account was deleted.');
    });
  }

  async changePassword(change: view.PasswordChange): Promise<void> {
    return this.#guard(async () => {
      const { currentPassword, newPassword } = input.passwordChangeSchema.parse(change);
      checkNewPassword(newPassword);
      await this.#parts.account.changePassword(this.#requireSession(), currentPassword, newPassword);
    });
  }

  // ---- the key log ----

  /** This device's view of the server's key log: its size, its key, and the alarms it raised. */
  async keyLog(): Promise<view.KeyLogView> {
    return this.#guard(async () => {
      this.#requireSession();
      return this.#parts.keyLog.view();
    });
  }

  /**
   * Reads the log since the last check (with `fromStart`, all of it) and recomputes its root against the
   * verified head (PROTOCOL.md rule 4); answers the view.
   */
  async auditKeyLog(options: { fromStart?: boolean } = {}): Promise<view.KeyLogView> {
    return this.#guard(async () => {
      this.#requireSession();
      await this.#parts.keyLog.monitor(options.fromStart === true);
      return this.#parts.keyLog.view();
    });
  }

  /** The person accepts the log key the server shows now (after the operator said the log was started again). */
  async acceptLogKey(): Promise<view.KeyLogView> {
    return this.#guard(async () => {
      this.#requireSession();
      return this.#parts.keyLog.acceptLogKey();
    });
  }

  async dismissKeyLogAlarm(id: string): Promise<view.KeyLogView> {
    return this.#guard(async () => {
      this.#requireSession();
      return this.#parts.keyLog.dismiss(input.keyLogAlarmIdSchema.parse(id));
    });
  }

  /** Rule 4 after sign-in and hourly while signed in; what it finds arrives as key_log events. */
  #watchKeyLog(): void {
    this.#stopWatchingKeyLog();
    const round = () => {
      void this.#guard(() => this.#parts.keyLog.monitor()).catch(() => undefined).finally(() => {
        if (this.#session) this.#monitorTimer = setTimeout(round, MONITOR_INTERVAL_MS);
      });
    };
    round();
  }

  #stopWatchingKeyLog(): void {
    if (this.#monitorTimer !== null) clearTimeout(this.#monitorTimer);
    this.#monitorTimer = null;
  }

  /** Stops live sync and forgets the session locally (the server token simply expires). */
  async close(): Promise<void> {
    await this.#parts.readCursors.flush(READ_FLUSH_LIMIT_MS);
    this.#parts.readCursors.stop();
    this.#stopWatchingKeyLog();
    this.#parts.keyLog.clear();
    await this.stopLive();
    this.#session = null;
    this.#parts.api.useToken(null);
    this.#parts.views.clear();
    this.#parts.previews.clear();
    this.#parts.groups.stop();
  }

  // ---- people and keys ----

  /** Whether a username is taken (registration checks it while it is typed); no sign-in needed. */
  async usernameTaken(username: string): Promise<boolean> {
    return this.#parts.api.usernameTaken(input.typedUsernameSchema.parse(username));
  }

  async searchUsers(query: string): Promise<string[]> {
    return this.#guard(async () => this.#parts.api.searchUsers(input.userSearchSchema.parse(query)));
  }

  async contacts(): Promise<view.ContactView[]> {
    return this.#guard(async () => {
      const s = this.#requireSession();
      // While live, what this sync finds first is announced here (the stream will skip it as already known).
      await this.#parts.sync.sync(this.#parts.live.running);
      return this.#parts.contacts.list(s);
    });
  }

  async contactDetails(username: string): Promise<view.ContactDetails> {
    return this.#guard(async () => this.#parts.contacts.details(input.typedUsernameSchema.parse(username), true));
  }

  async trustContactKey(username: string): Promise<view.ContactDetails> {
    return this.#guard(async () => this.#judgedAgain(await this.#parts.contacts.trust(input.typedUsernameSchema.parse(username))));
  }

  /** The person says every earlier key of this contact was never theirs: what those keys signed is failed. */
  async disownEarlierKeys(username: string): Promise<view.ContactDetails> {
    return this.#guard(async () => this.#judgedAgain(await this.#parts.contacts.disownEarlierKeys(input.typedUsernameSchema.parse(username))));
  }

  /** The contact's messages are judged anew, in their conversation and in every group: so are the previews. */
  #judgedAgain<T>(answer: T): T {
    this.#parts.previews.clear();
    return answer;
  }

  /** PUT /blocks/{u}: the server refuses this contact's direct messages to the signed-in user. */
  async blockContact(username: string): Promise<view.ContactDetails> {
    return this.#guard(async () => this.#parts.contacts.setBlocked(input.typedUsernameSchema.parse(username), true));
  }

  /** DELETE /blocks/{u}. */
  async unblockContact(username: string): Promise<view.ContactDetails> {
    return this.#guard(async () => this.#parts.contacts.setBlocked(input.typedUsernameSchema.parse(username), false));
  }

  // ---- groups ----

  async groups(): Promise<view.GroupView[]> {
    return this.#guard(async () => {
      await this.#parts.sync.sync(this.#parts.live.running);
      return this.#parts.groups.list();
    });
  }

  async groupDetails(group: string): Promise<view.GroupView> {
    return this.#guard(async () => this.#parts.groups.view(input.groupIdSchema.parse(group)));
  }

  async createGroup(group: view.NewGroup): Promise<view.GroupView> {
    return this.#guard(async () => {
      const { name, members } = input.newGroupSchema.parse(group);
      const made = await this.#parts.groups.create(name, members);
      if (this.#requireSession().index.open(made.conversation)) await this.#exclusive(() => this.#requireSession().index.save());
      return made;
    });
  }

  async changeGroupMembers(change: view.MembersChange): Promise<view.GroupView> {
    return this.#guard(async () => {
      const { group, add, remove } = input.membersChangeSchema.parse(change);
      return this.#parts.groups.change(group, add ?? [], remove ?? []);
    });
  }

  async renameGroup(rename: view.GroupRename): Promise<view.GroupView> {
    return this.#guard(async () => {
      const { group, name } = input.groupRenameSchema.parse(rename);
      return this.#parts.groups.rename(group, name);
    });
  }

  async leaveGroup(group: string): Promise<void> {
    return this.#guard(async () => this.#parts.groups.leave(input.groupIdSchema.parse(group)));
  }

  async confirmGroupMembers(group: string): Promise<view.GroupView> {
    return this.#guard(async () => this.#parts.groups.confirm(input.groupIdSchema.parse(group)));
  }

  // ---- messages ----

  async conversation(request: view.ConversationPageRequest): Promise<view.ConversationPage> {
    return this.#guard(async () => this.#parts.conversations.page(input.conversationPageRequestSchema.parse(request)));
  }

  /** Headers of the account's messages, oldest first: with `conversation`, one conversation; the newest `limit`. */
  async recentMessages(options: { conversation?: view.ConversationKey; limit?: number } = {}): Promise<view.MessageHeaderView[]> {
    return this.#guard(async () => this.#parts.conversations.recent(options));
  }

  async readMessages(ids: string[]): Promise<view.MessageView[]> {
    return this.#guard(async () => this.#parts.views.read(input.messageIdsSchema.parse(ids)));
  }

  async send(request: view.SendRequest): Promise<view.MessageView> {
    const sent = await this.#guard(async () => this.#parts.actions.send(input.sendRequestSchema.parse(request)));
    // The server answered: if the live connection is waiting to try again, it need not wait.
    if (this.#connectionState === 'offline') this.#parts.live.reconnectNow();
    return sent;
  }

  async editMessage(request: view.EditRequest): Promise<view.MessageView> {
    return this.#guard(async () => this.#parts.actions.edit(input.editRequestSchema.parse(request)));
  }

  async deleteMessage(request: view.DeleteRequest): Promise<view.MessageView> {
    return this.#guard(async () => this.#parts.actions.delete(input.deleteRequestSchema.parse(request)));
  }

  async react(request: view.ReactionRequest): Promise<view.MessageView> {
    return this.#guard(async () => this.#parts.actions.react(input.reactionRequestSchema.parse(request)));
  }

  /** Messages sealed but not yet acknowledged by the server (send them again with send() and the same id). */
  async pendingMessageIds(): Promise<string[]> {
    return this.#parts.sender.pending();
  }

  /**
   * Re-sends every message left in the outbox, byte for byte. Returns those the server acknowledged, and those
   * it refused for good (dropped from the outbox, with the reason); any other failure stops and is thrown.
   */
  async resendPending(): Promise<{ sent: view.MessageHeaderView[]; refused: Refused[] }> {
    return this.#guard(async () => this.#parts.sender.resendPending());
  }

  async markRead(conversation: view.ConversationKey, seq: number): Promise<void> {
    return this.#guard(async () => this.#parts.conversations.markRead(input.markReadSchema.parse({ conversation, seq })));
  }

  /** The line under each conversation's name: its newest shown message, read and worded here (cached). */
  async previews(conversations: view.ConversationKey[]): Promise<view.PreviewView[]> {
    return this.#guard(async () => this.#parts.previews.read(input.previewRequestSchema.parse(conversations)));
  }

  // ---- files ----

  /** Seals and uploads each file (`transfer` events), then sends one `file` message naming them. */
  async sendFiles(request: view.SendFilesRequest): Promise<view.MessageView> {
    const parsed = sendFilesRequestSchema.parse(request);
    return this.#guard(async () => this.#parts.attachments.send({ ...parsed, files: parsed.files.map(memorySource) }));
  }

  /** The same, for a Node caller reading files from disk (never whole in memory); `transfer` optional. */
  async sendFileStreams(request: SendFileStreams, options: { signal?: AbortSignal } = {}): Promise<view.MessageView> {
    return this.#guard(async () => this.#parts.attachments.send(request, options.signal));
  }

  /** Downloads one file and verifies it whole (digest, every chunk, its length); `file_failed` otherwise. */
  async fileBytes(ref: view.FileRef): Promise<Uint8Array> {
    const parsed = fileRefSchema.parse(ref);
    return this.#guard(async () => {
      const parts: Uint8Array[] = [];
      await this.#parts.attachments.receive(parsed, { write: async (chunk) => void parts.push(chunk) });
      return concatBytes(...parts);
    });
  }

  /**
   * Streams one file's plaintext into `sink`; resolves only after all of it verified. On a rejection (a
   * ChatError with the reason) the caller throws away what it wrote.
   */
  async receiveFile(ref: Omit<view.FileRef, 'transfer'> & { transfer?: string }, sink: FileSink, options: { signal?: AbortSignal } = {}): Promise<view.FileView> {
    const parsed = fileRefSchema.omit({ transfer: true }).extend({ transfer: fileRefSchema.shape.transfer.optional() }).parse(ref);
    return this.#guard(async () => this.#parts.attachments.receive(parsed, sink, options.signal));
  }

  /** Stops an upload or download under way (it rejects with `cancelled`); nothing when none has this id. */
  async cancelTransfer(transfer: string): Promise<void> {
    this.#parts.attachments.cancel(transferIdSchema.parse(transfer));
  }

  /** A fresh UUID v4 for send(). */
  newMessageId(): string {
    return newMessageId();
  }

  // ---- live sync ----

  /** Starts GET /events with reconnection; new messages arrive as `message` events. */
  async startLive(): Promise<void> {
    const s = this.#requireSession();
    if (this.#parts.live.running) return;
    if (s.index.cursor === 0) await this.#guard(() => this.#parts.sync.sync(false));
    this.#parts.live.start(s, () => void this.#guard(() => this.#parts.sync.sync(true)).catch(() => undefined));
  }

  async stopLive(): Promise<void> {
    await this.#parts.live.stop();
  }

  /** The live connection tries again at once (the person asked, the network or the computer woke up). */
  async reconnectNow(): Promise<void> {
    this.#parts.live.reconnectNow();
  }

  /** Whether a person can see the window; while they can, reconnecting waits at most a few seconds. */
  async setVisible(visible: boolean): Promise<void> {
    this.#parts.live.setVisible(visible === true);
    // Seen again: what the account's other devices read meanwhile (one cheap GET).
    if (visible === true) void this.#parts.readCursors.refresh();
  }

  /** Signs in again with the kept authHash (stay-signed-in sessions only); true when that worked. */
  async #renewToken(): Promise<boolean> {
    const s = this.#session;
    if (!s?.secret) return false;
    if (!(await this.#parts.account.renew(s.username, s.secret.authHash)) || this.#session !== s) return false;
    try {
      await this.#learnSession(s.sessionId);
    } catch {
      return false;
    }
    this.#onSnapshotChange();
    return true;
  }

  // ---- the session ----

  async #guard<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      let e = toChatError(error);
      if (e.info.code === 'unauthorized' && this.#session) {
        if (await this.#renewToken()) {
          try {
            return await run();
          } catch (again) {
            e = toChatError(again);
          }
        }
        if (e.info.code === 'unauthorized') await this.#sessionLost(e);
      }
      throw e;
    }
  }

  async #sessionLost(error: ChatError): Promise<void> {
    if (!this.#session) return;
    await this.#endSession(error.info.message);
  }

  async #endSession(reason: string): Promise<void> {
    this.#parts.readCursors.stop();
    this.#stopWatchingKeyLog();
    this.#parts.keyLog.clear();
    await this.stopLive();
    this.#session = null;
    this.#parts.api.useToken(null);
    this.#parts.views.clear();
    this.#parts.previews.clear();
    this.#parts.groups.stop();
    this.#parts.keys.clear();
    this.#emit({ type: 'signed_out', reason });
  }

  #requireSession(): Session {
    if (!this.#session) throw notSignedIn();
    return this.#session;
  }

  #requireSignedOut(): void {
    if (this.#session) throw new ChatError('invalid_input', `Already signed in as ${this.#session.username}; sign out first.`);
  }

  /** Changes of local state (index, cursor) run one after another, in call order. */
  #exclusive<T>(run: () => Promise<T>): Promise<T> {
    const next = this.#serial.then(run, run);
    this.#serial = next.catch(() => undefined);
    return next;
  }

  #accountView(): view.AccountView {
    const s = this.#requireSession();
    return { username: s.username, fingerprint: formatFingerprint(s.fingerprint), serverUrl: this.serverUrl };
  }
}
