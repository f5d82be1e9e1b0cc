// Main process, no Electron import: the desktop app's side of the ChatApi. It holds the core ChatClient —
// the private key and the token live here, in main, and never cross to the window — and adds what only the
// desktop has: settings on disk (desktop-settings.ts), "stay signed in" through the OS keychain
// (saved-session.ts), notifications and the unread badge (attention.ts). Electron-specific effects (showing
// a notification, the badge, opening a link) come in as functions.
import type { AccountRecovery, AccountView, ChatEvent, Credentials, FileRef, PasswordChange, Registration } from '../../core/api/chat-api.js';
import { fileRefSchema } from '../../core/api/attachment-schemas.js';
import { typedRecoveryCodeSchema } from '../../core/api/schemas.js';
import { recoveryCodeFile } from '../../core/api/recovery-code-file.js';
import { displayRecoveryCode, parseRecoveryCode } from '../../core/crypto/recovery-code.js';
import { ChatError, notSignedIn } from '../../core/api/errors.js';
import type { SessionSnapshot } from '../../core/api/session-snapshot.js';
import type { ClientSettings, ServerChoice, SettingsUpdate } from '../../core/api/settings.js';
import type { ChatClientOptions, Transport } from '../../core/client/chat-client.js';
import type { KeyValueStore } from '../../core/client/store.js';
import { Attention } from './attention.js';
import { DesktopSettings } from './desktop-settings.js';
import { saveReceivedFile } from './file-save.js';
import type { DraftStore } from './draft-store.js';
import { delegateTo, needsSession, type ClientFactory, type DelegatedMethods, type HostedClient } from './hosted-client.js';
import type { ChatService } from './ipc-handlers.js';
import { openExternalLink } from './navigation.js';
import type { NotificationText } from './notifications.js';
import { SavedSession, type ReopenFailure } from './saved-session.js';
import type { SettingsStore } from './settings-store.js';
import type { KeychainStatus, StaySignedInStore } from './stay-signed-in.js';

export type { ClientFactory, HostedClient } from './hosted-client.js';

export interface SessionHostDeps {
  settings: SettingsStore;
  staySignedIn: StaySignedInStore<SessionSnapshot>;
  /** Probes the keychain; called once, the answer is kept for the life of the app. */
  probeKeychain: () => Promise<KeychainStatus>;
  /** Where the client keeps pins, the conversation index and the outbox. */
  clientStore: KeyValueStore;
  /** The composer drafts on disk. */
  drafts: DraftStore;
  transportFor: (caCertificatePem: string | null) => Transport;
  clients: ClientFactory;
  /** Sends an event to the window (chat:event). */
  emit: (event: ChatEvent) => void;
  isWindowFocused: () => boolean;
  showNotification: (text: NotificationText) => void;
  setUnreadCount: (count: number, username: string | null) => void;
  openExternal: (url: string) => Promise<void>;
  /** Asks where to save a text file (a native save dialog) and writes it there; false when cancelled. */
  saveTextFile: (suggestedName: string, text: string) => Promise<boolean>;
  /** Asks where to save a received file (a native save dialog, `suggestedName` proposed); null when cancelled. */
  chooseSavePath: (suggestedName: string) => Promise<string | null>;
  /** For failures that are not the person's to fix (logged without secrets). */
  logProblem: (what: string, error: unknown) => void;
  /** The clock (milliseconds), for the once-a-minute limit of session recovery; Date.now by default. */
  now?: () => number;
}

// The session methods that only delegate (contacts, blockContact, send, ...) are installed by the
// constructor from SESSION_METHODS; this declaration gives them their types.
export interface SessionHost extends DelegatedMethods {}

export class SessionHost implements ChatService {
  readonly #deps: SessionHostDeps;
  readonly #saved: SavedSession;
  readonly #settings: DesktopSettings;
  readonly #attention: Attention;
  #client: HostedClient | null = null;
  #unsubscribe: (() => void) | null = null;
  #loggingOut = false;

  constructor(deps: SessionHostDeps) {
    this.#deps = deps;
    this.#saved = new SavedSession({ ...deps, now: deps.now ?? Date.now });
    this.#attention = new Attention(deps, () => this.#client);
    this.#settings = new DesktopSettings({
      settings: deps.settings,
      saved: this.#saved,
      transportFor: deps.transportFor,
      clients: deps.clients,
      signedIn: async () => Boolean(await this.#client?.currentAccount()),
      connect: async (serverUrl, caCertificatePem) => {
        await this.#client?.close();
        this.#attach(deps.clients.create(this.#clientOptions(serverUrl, caCertificatePem)));
      },
      snapshot: () => this.#client?.sessionSnapshot() ?? null,
    });
    Object.assign(this, delegateTo(async (method) => (needsSession(method) ? this.#signedIn() : this.#requireClient())));
  }

  /**
   * Loads settings, checks the keychain, and signs in again from a saved session when there is one.
   * `serverOverride` (from --server or ENCRYPTED_CHAT_SERVER, already normalized) replaces the saved server;
   * a CA certificate trusted for another server is not carried over to it.
   */
  async start(serverOverride: string | null = null): Promise<void> {
    let settings = await this.#deps.settings.load();
    if (serverOverride !== null && serverOverride !== settings.serverUrl) {
      settings = await this.#deps.settings.update({ serverUrl: serverOverride, caCertificatePem: null });
    }
    await this.#saved.checkKeychain(settings.staySignedIn);
    if (settings.serverUrl === null) return;
    const options = this.#clientOptions(settings.serverUrl, settings.caCertificatePem);
    if (settings.staySignedIn && this.#saved.keychain.available) {
      const failure = await this.#signInFromSaved(options);
      if (failure === null) return;
      if (failure !== 'nothing_saved') this.#deps.emit({ type: 'signed_out', reason: failure });
    }
    try {
      this.#attach(this.#deps.clients.create(options));
    } catch (error) {
      this.#deps.logProblem('opening the saved server address', error);
    }
  }

  async stop(): Promise<void> {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    await this.#client?.close();
  }

  // ---- settings, links: the app around the session ----

  getSettings(): Promise<ClientSettings> {
    return this.#settings.getSettings();
  }

  setServer(choice: ServerChoice): Promise<ClientSettings> {
    return this.#settings.setServer(choice);
  }

  updateSettings(update: SettingsUpdate): Promise<ClientSettings> {
    return this.#settings.updateSettings(update);
  }

  async openLink(url: string): Promise<void> {
    try {
      await openExternalLink(url, this.#deps.openExternal);
    } catch (error) {
      throw new ChatError('invalid_input', error instanceof Error ? error.message : 'This link cannot be opened.');
    }
  }

  /** The recovery code as a text file where the person chooses (the window never learns the path). */
  async saveRecoveryCode(code: string): Promise<boolean> {
    const account = await (await this.#signedIn()).currentAccount();
    const bytes = parseRecoveryCode(typedRecoveryCodeSchema.parse(code))!;
    const file = recoveryCodeFile(account!.username, account!.serverUrl, displayRecoveryCode(bytes), new Date(this.#deps.now?.() ?? Date.now()));
    return this.#deps.saveTextFile(file.name, file.text);
  }

  /**
   * One received file where the person chooses: the dialog proposes its safe name, then the verified
   * plaintext streams there (file-save.ts); the window never learns the path.
   */
  async saveFile(ref: FileRef): Promise<{ saved: boolean }> {
    const parsed = fileRefSchema.parse(ref);
    const client = await this.#signedIn();
    const [view] = await client.readMessages([parsed.messageId]);
    const file = view && view.conversation === parsed.conversation ? view.files?.[parsed.index] : undefined;
    if (!view || !file) throw new ChatError('not_found', 'There is no such file in this conversation.');
    if (view.status !== 'verified') throw new ChatError('file_failed', `This message did not verify, so its files are not saved: ${view.reason ?? view.status}`);
    const target = await this.#deps.chooseSavePath(file.name);
    if (target === null) return { saved: false };
    await saveReceivedFile(client, parsed, target);
    return { saved: true };
  }

  /** The composer drafts, kept by the app signed in or not (a session ended elsewhere keeps them). */
  drafts(): Promise<Record<string, string>> {
    return this.#deps.drafts.all();
  }

  saveDraft(key: string, text: string): Promise<void> {
    return this.#deps.drafts.save(key, text);
  }

  // ---- the session methods that do more than delegate ----

  async currentAccount(): Promise<AccountView | null> {
    return (await this.#client?.currentAccount()) ?? null;
  }

  register(registration: Registration): Promise<AccountView> {
    return this.#signIn((client, options) => client.register(registration, options));
  }

  login(credentials: Credentials): Promise<AccountView> {
    return this.#signIn((client, options) => client.login(credentials, options));
  }

  recoverAccount(recovery: AccountRecovery): Promise<AccountView> {
    return this.#signIn((client, options) => client.recoverAccount(recovery, options));
  }

  logout(): Promise<void> {
    return this.#signOut(async () => this.#client?.logout());
  }

  logoutEverywhere(): Promise<void> {
    return this.#signOut(async () => this.#client?.logoutEverywhere());
  }

  async deleteAccount(password: string): Promise<void> {
    const client = await this.#signedIn();
    await this.#signOut(() => client.deleteAccount(password));
  }

  async #signOut(end: () => Promise<void>): Promise<void> {
    this.#loggingOut = true;
    try {
      await end();
    } finally {
      this.#loggingOut = false;
      // Whatever the server said, this device forgets the session: both halves of "stay signed in".
      await this.#saved.forget();
      this.#attention.clear();
    }
  }

  async changePassword(change: PasswordChange): Promise<void> {
    await (await this.#signedIn()).changePassword(change);
    // The saved session holds the login hash, which just changed.
    await this.#saveSession();
  }

  async markRead(peer: string, seq: number): Promise<void> {
    await (await this.#signedIn()).markRead(peer, seq);
    await this.#attention.refreshUnread();
  }

  // ---- internals ----

  /** The guard of every method that needs a session: the client, once someone is signed in on it. */
  async #signedIn(): Promise<HostedClient> {
    const client = this.#client;
    if (!client || !(await client.currentAccount())) throw notSignedIn();
    return client;
  }

  #requireClient(): HostedClient {
    if (!this.#client) throw new ChatError('invalid_input', 'Choose a server first.');
    return this.#client;
  }

  #clientOptions(serverUrl: string, caCertificatePem: string | null): ChatClientOptions {
    return {
      serverUrl,
      store: this.#deps.clientStore,
      transport: this.#deps.transportFor(caCertificatePem),
      // A renewed session has a new server session id, which the saved one must hold (core/client/devices.ts).
      onSnapshotChange: () => {
        if (this.#deps.settings.get().staySignedIn) void this.#saveSession().catch((error: unknown) => this.#deps.logProblem('saving the session', error));
      },
    };
  }

  #attach(client: HostedClient): void {
    this.#unsubscribe?.();
    this.#client = client;
    this.#unsubscribe = client.onEvent((event) => this.#onClientEvent(event));
  }

  async #signIn(enter: (client: HostedClient, options: { keepSessionSecret: boolean }) => Promise<AccountView>): Promise<AccountView> {
    const account = await enter(this.#requireClient(), { keepSessionSecret: this.#saved.keychain.available });
    await this.#afterSignIn();
    return account;
  }

  async #afterSignIn(): Promise<void> {
    const client = this.#requireClient();
    const account = await client.currentAccount();
    if (account) await this.#deps.settings.update({ lastUsername: account.username });
    // The sign-in worked whatever the keychain says; a refusing keychain turns the option off (SavedSession.save).
    if (this.#deps.settings.get().staySignedIn) await this.#saveSession().catch((error: unknown) => this.#deps.logProblem('saving the session', error));
    await client.startLive().catch((error: unknown) => this.#deps.logProblem('starting live updates', error));
    await this.#attention.refreshUnread();
  }

  #saveSession(): Promise<void> {
    return this.#saved.save(() => this.#client?.sessionSnapshot() ?? null);
  }

  #signInFromSaved(options: ChatClientOptions): Promise<ReopenFailure | null> {
    return this.#saved.reopen(async (snapshot) => {
      this.#attach(await this.#deps.clients.resume(options, snapshot));
      await this.#afterSignIn();
    });
  }

  #onClientEvent(event: ChatEvent): void {
    if (event.type === 'signed_out' && this.#saved.claimRecovery(this.#loggingOut)) {
      void this.#recover(event);
      return;
    }
    this.#deps.emit(event);
    if (event.type === 'message') void this.#attention.announce(event.message);
    if (event.type === 'signed_out') this.#attention.clear();
  }

  /** Opens the session the server ended from the saved one; tells the window only when that fails. */
  async #recover(event: Extract<ChatEvent, { type: 'signed_out' }>): Promise<void> {
    const settings = this.#deps.settings.get();
    const failure =
      settings.serverUrl === null ? 'nothing_saved' : await this.#signInFromSaved(this.#clientOptions(settings.serverUrl, settings.caCertificatePem));
    if (failure === null) return;
    this.#deps.emit(failure === 'nothing_saved' ? event : { type: 'signed_out', reason: failure });
    this.#attention.clear();
  }
}

