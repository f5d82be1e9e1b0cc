// Main process, no Electron import: the desktop app's side of the ChatApi. It holds the core ChatClient —
// the private key and the token live here, in main, and never cross to the window — and adds what only the
// desktop has: settings on disk, "stay signed in" through the OS keychain, notifications, the unread badge.
// Electron-specific effects (showing a notification, the badge, opening a link) come in as functions.
import type { ChatClient, ChatClientOptions, Transport } from '../../core/client/chat-client.js';
import type { SessionSnapshot } from '../../core/api/session-snapshot.js';
import { ChatError, toChatError } from '../../core/api/errors.js';
import type { KeyValueStore } from '../../core/client/store.js';
import type {
  AccountView,
  ChatEvent,
  ClientSettings,
  Credentials,
  MessageHeaderView,
  PasswordChange,
  ServerChoice,
  SettingsUpdate,
} from '../../core/api/chat-api.js';
import type { ChatService } from './ipc-handlers.js';
import { openExternalLink } from './navigation.js';
import { notificationText, shouldNotify, totalUnread, type NotificationText } from './notifications.js';
import type { SettingsStore } from './settings-store.js';
import type { KeychainStatus, StaySignedInStore } from './stay-signed-in.js';

/** The ChatClient methods the host uses (a narrow seam, so tests can stand in for the network). */
export type HostedClient = Pick<
  ChatClient,
  | 'serverUrl'
  | 'onEvent'
  | 'currentAccount'
  | 'register'
  | 'login'
  | 'logout'
  | 'changePassword'
  | 'searchUsers'
  | 'contacts'
  | 'contactDetails'
  | 'trustContactKey'
  | 'disownEarlierKeys'
  | 'blockContact'
  | 'unblockContact'
  | 'conversation'
  | 'readMessages'
  | 'send'
  | 'markRead'
  | 'sessionSnapshot'
  | 'startLive'
  | 'close'
>;

export interface ClientFactory {
  create(options: ChatClientOptions): HostedClient;
  resume(options: ChatClientOptions, snapshot: SessionSnapshot): Promise<HostedClient>;
  checkServer(serverUrl: string, transport: Transport): Promise<{ serverUrl: string }>;
}

const RECOVERY_INTERVAL_MS = 60_000;

export interface SessionHostDeps {
  settings: SettingsStore;
  staySignedIn: StaySignedInStore<SessionSnapshot>;
  /** Probes the keychain; called once, the answer is kept for the life of the app. */
  probeKeychain: () => Promise<KeychainStatus>;
  /** Where the client keeps pins, the conversation index and the outbox. */
  clientStore: KeyValueStore;
  transportFor: (caCertificatePem: string | null) => Transport;
  clients: ClientFactory;
  /** Sends an event to the window (chat:event). */
  emit: (event: ChatEvent) => void;
  isWindowFocused: () => boolean;
  showNotification: (text: NotificationText) => void;
  setUnreadCount: (count: number, username: string | null) => void;
  openExternal: (url: string) => Promise<void>;
  /** For failures that are not the person's to fix (logged without secrets). */
  logProblem: (what: string, error: unknown) => void;
  /** The clock (milliseconds), for the once-a-minute limit of session recovery; Date.now by default. */
  now?: () => number;
}

export class SessionHost implements ChatService {
  readonly #deps: SessionHostDeps;
  #client: HostedClient | null = null;
  #unsubscribe: (() => void) | null = null;
  #keychain: KeychainStatus = { available: false, detail: 'The system keychain has not been checked yet.' };
  #loggingOut = false;
  #lastRecovery = Number.NEGATIVE_INFINITY;
  readonly #now: () => number;

  constructor(deps: SessionHostDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
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
    this.#keychain = await this.#deps.probeKeychain().catch((error: unknown) => ({
      available: false,
      detail: `The system keychain could not be checked (${error instanceof Error ? error.message : String(error)}).`,
    }));
    if (settings.staySignedIn && !this.#keychain.available) {
      // Saved while a keychain was there; without it the file can never be opened: drop it.
      await this.#deps.settings.update({ staySignedIn: false });
      await this.#forgetSavedSession();
    }
    if (settings.serverUrl === null) return;
    const options = this.#clientOptions(settings.serverUrl, settings.caCertificatePem);
    if (settings.staySignedIn && this.#keychain.available) {
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

  // ---- settings ----

  async getSettings(): Promise<ClientSettings> {
    const s = this.#deps.settings.get();
    return {
      serverUrl: s.serverUrl,
      caCertificatePem: s.caCertificatePem,
      lastUsername: s.lastUsername,
      theme: s.theme,
      desktop: {
        staySignedIn: s.staySignedIn && this.#keychain.available,
        keychainAvailable: this.#keychain.available,
        keychainDetail: this.#keychain.detail,
        notifications: s.notifications,
        notificationContent: s.notificationContent,
      },
    };
  }

  async setServer(choice: ServerChoice): Promise<ClientSettings> {
    if (await this.#client?.currentAccount()) {
      throw new ChatError('invalid_input', 'Sign out before choosing another server.');
    }
    const transport = this.#deps.transportFor(choice.caCertificatePem);
    const { serverUrl } = await this.#deps.clients.checkServer(choice.serverUrl, transport);
    await this.#deps.settings.update({ serverUrl, caCertificatePem: choice.caCertificatePem });
    await this.#client?.close();
    this.#attach(this.#deps.clients.create(this.#clientOptions(serverUrl, choice.caCertificatePem)));
    return this.getSettings();
  }

  async updateSettings(update: SettingsUpdate): Promise<ClientSettings> {
    if (update.staySignedIn === true && !this.#keychain.available) {
      throw new ChatError('keychain_unavailable', this.#keychain.detail ?? 'No system keychain is available on this computer.');
    }
    const change: Parameters<SettingsStore['update']>[0] = {};
    if (update.theme !== undefined) change.theme = update.theme;
    if (update.notifications !== undefined) change.notifications = update.notifications;
    if (update.notificationContent !== undefined) change.notificationContent = update.notificationContent;
    if (update.staySignedIn !== undefined) change.staySignedIn = update.staySignedIn;
    await this.#deps.settings.update(change);
    if (update.staySignedIn === true) await this.#saveSession();
    if (update.staySignedIn === false) await this.#forgetSavedSession();
    return this.getSettings();
  }

  // ---- account ----

  async currentAccount(): Promise<AccountView | null> {
    return (await this.#client?.currentAccount()) ?? null;
  }

  async register(credentials: Credentials): Promise<AccountView> {
    const account = await this.#requireClient().register(credentials, { keepSessionSecret: this.#keychain.available });
    await this.#afterSignIn();
    return account;
  }

  async login(credentials: Credentials): Promise<AccountView> {
    const account = await this.#requireClient().login(credentials, { keepSessionSecret: this.#keychain.available });
    await this.#afterSignIn();
    return account;
  }

  async logout(): Promise<void> {
    this.#loggingOut = true;
    try {
      await this.#client?.logout();
    } finally {
      this.#loggingOut = false;
      // Whatever the server said, this device forgets the session: both halves of "stay signed in".
      await this.#forgetSavedSession();
      this.#deps.setUnreadCount(0, null);
    }
  }

  async changePassword(change: PasswordChange): Promise<void> {
    await this.#requireClient().changePassword(change);
    // The saved session holds the login hash, which just changed.
    await this.#saveSession();
  }

  // ---- people, conversations ----

  searchUsers(query: string) {
    return this.#requireClient().searchUsers(query);
  }

  contacts() {
    return this.#requireClient().contacts();
  }

  contactDetails(username: string) {
    return this.#requireClient().contactDetails(username);
  }

  trustContactKey(username: string) {
    return this.#requireClient().trustContactKey(username);
  }

  disownEarlierKeys(username: string) {
    return this.#requireClient().disownEarlierKeys(username);
  }

  blockContact(username: string) {
    return this.#requireClient().blockContact(username);
  }

  unblockContact(username: string) {
    return this.#requireClient().unblockContact(username);
  }

  conversation(request: Parameters<ChatService['conversation']>[0]) {
    return this.#requireClient().conversation(request);
  }

  readMessages(ids: string[]) {
    return this.#requireClient().readMessages(ids);
  }

  send(request: Parameters<ChatService['send']>[0]) {
    return this.#requireClient().send(request);
  }

  async markRead(peer: string, seq: number): Promise<void> {
    await this.#requireClient().markRead(peer, seq);
    await this.#refreshUnread();
  }

  async openLink(url: string): Promise<void> {
    try {
      await openExternalLink(url, this.#deps.openExternal);
    } catch (error) {
      throw new ChatError('invalid_input', error instanceof Error ? error.message : 'This link cannot be opened.');
    }
  }

  // ---- internals ----

  /** Erases both halves of "stay signed in"; without a keychain only the file can be (and needs to be) removed. */
  async #forgetSavedSession(): Promise<void> {
    try {
      if (this.#keychain.available) await this.#deps.staySignedIn.erase();
      else await this.#deps.staySignedIn.eraseFile();
    } catch (error) {
      this.#deps.logProblem('erasing the saved session', error);
    }
  }

  #clientOptions(serverUrl: string, caCertificatePem: string | null): ChatClientOptions {
    return { serverUrl, store: this.#deps.clientStore, transport: this.#deps.transportFor(caCertificatePem) };
  }

  #requireClient(): HostedClient {
    if (!this.#client) throw new ChatError('invalid_input', 'Choose a server first.');
    return this.#client;
  }

  #attach(client: HostedClient): void {
    this.#unsubscribe?.();
    this.#client = client;
    this.#unsubscribe = client.onEvent((event) => this.#onClientEvent(event));
  }

  async #afterSignIn(): Promise<void> {
    const client = this.#requireClient();
    const account = await client.currentAccount();
    if (account) await this.#deps.settings.update({ lastUsername: account.username });
    // The sign-in worked whatever the keychain says; a refusing keychain turns the option off (#saveSession).
    if (this.#deps.settings.get().staySignedIn) await this.#saveSession().catch((error: unknown) => this.#deps.logProblem('saving the session', error));
    await client.startLive().catch((error: unknown) => this.#deps.logProblem('starting live updates', error));
    await this.#refreshUnread();
  }

  /** Saves the session for "stay signed in" when it is on; a keychain failure turns the option off, loudly. */
  async #saveSession(): Promise<void> {
    if (!this.#deps.settings.get().staySignedIn) return;
    const snapshot = this.#client?.sessionSnapshot() ?? null;
    if (snapshot === null) return;
    try {
      await this.#deps.staySignedIn.save(snapshot);
    } catch (error) {
      await this.#deps.settings.update({ staySignedIn: false });
      await this.#deps.staySignedIn.erase().catch(() => undefined);
      throw new ChatError(
        'keychain_unavailable',
        `"Stay signed in" was turned off: the system keychain refused to keep the key (${error instanceof Error ? error.message : String(error)}).`,
      );
    }
  }

  /**
   * Signs in from the saved session. Null when it worked; 'nothing_saved'; or the reason it failed, for a
   * person. A saved sign-in the server refuses is useless and erased; one that could not be checked
   * (offline) is kept for the next try.
   */
  async #signInFromSaved(options: ChatClientOptions): Promise<string | 'nothing_saved' | null> {
    const snapshot = await this.#deps.staySignedIn.load().catch((error: unknown) => {
      this.#deps.logProblem('reading the saved session', error);
      return null;
    });
    if (snapshot === null) return 'nothing_saved';
    try {
      this.#attach(await this.#deps.clients.resume(options, snapshot));
      await this.#afterSignIn();
      return null;
    } catch (error) {
      const info = toChatError(error).info;
      if (info.code === 'unauthorized' || info.code === 'wrong_password' || info.code === 'invalid_input') {
        await this.#forgetSavedSession();
      }
      return info.message;
    }
  }

  #onClientEvent(event: ChatEvent): void {
    if (event.type === 'signed_out' && this.#mayRecover()) {
      void this.#recover(event);
      return;
    }
    this.#deps.emit(event);
    if (event.type === 'message') void this.#onMessage(event.message);
    if (event.type === 'signed_out') this.#deps.setUnreadCount(0, null);
  }

  /**
   * With "stay signed in", a session the server ended on its own (the token expired while the app sat
   * idle) is opened again from the saved one instead of asking for the password — at most once a minute,
   * so a server that refuses every token cannot make this loop. Never after the person logged out.
   */
  #mayRecover(): boolean {
    if (this.#loggingOut || !this.#keychain.available || !this.#deps.settings.get().staySignedIn) return false;
    return this.#now() - this.#lastRecovery > RECOVERY_INTERVAL_MS;
  }

  async #recover(event: Extract<ChatEvent, { type: 'signed_out' }>): Promise<void> {
    this.#lastRecovery = this.#now();
    const settings = this.#deps.settings.get();
    const failure =
      settings.serverUrl === null ? 'nothing_saved' : await this.#signInFromSaved(this.#clientOptions(settings.serverUrl, settings.caCertificatePem));
    if (failure === null) return;
    this.#deps.emit(failure === 'nothing_saved' ? event : { type: 'signed_out', reason: failure });
    this.#deps.setUnreadCount(0, null);
  }

  async #onMessage(message: MessageHeaderView): Promise<void> {
    try {
      const settings = this.#deps.settings.get();
      if (shouldNotify(message, this.#deps.isWindowFocused(), settings)) {
        const opened = settings.notificationContent ? ((await this.#client?.readMessages([message.id]))?.[0] ?? null) : null;
        this.#deps.showNotification(notificationText(message, settings, opened));
      }
      await this.#refreshUnread();
    } catch (error) {
      this.#deps.logProblem('announcing a new message', error);
    }
  }

  async #refreshUnread(): Promise<void> {
    const client = this.#client;
    const account = await client?.currentAccount();
    if (!client || !account) return this.#deps.setUnreadCount(0, null);
    const contacts = await client.contacts().catch(() => []);
    this.#deps.setUnreadCount(totalUnread(contacts), account.username);
  }
}
