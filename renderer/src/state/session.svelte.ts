// Who is signed in, and the steps of signing in: first start (desktop), login, register with progress,
// "forgot password" with a recovery code; signing out here or everywhere, and deleting the account.
import type {
  AccountRecovery,
  AccountView,
  ChatApi,
  ChatErrorInfo,
  ChatEvent,
  ConnectionState,
  Credentials,
  PasswordChange,
  Progress,
  Registration,
  ServerInfoView,
} from '../../../core/api/chat-api.js';
import { toChatErrorInfo } from '../../../core/api/errors.js';
import { draftPrefix } from '../../../core/api/drafts.js';
import type { Leftovers } from './chat.svelte.js';
import type { StepsSeen } from '../lib/registration-progress.js';

export type SessionPhase = 'starting' | 'signed_out' | 'signed_in';

export class SessionState {
  phase = $state<SessionPhase>('starting');
  account = $state<AccountView | null>(null);
  /** The step of key generation or stretching under way, while busy. */
  progress = $state<Progress | null>(null);
  /** Every step reported while busy, with its latest fraction (steps run side by side when registering). */
  progressSeen = $state.raw<StepsSeen>({});
  busy = $state(false);
  error = $state<ChatErrorInfo | null>(null);
  /**
   * The live connection as the person should see it: once offline, it stays offline through each attempt
   * ('connecting' flickers every few seconds) until the stream is up again.
   */
  connection = $state<ConnectionState>('connecting');
  connectionDetail = $state<string | null>(null);
  /** Drafts and unsent messages of a session that ended elsewhere, until the same person signs in again. */
  kept = $state.raw<Leftovers | null>(null);
  /** The person is signing out (or deleting the account) themselves: nothing is kept for later. */
  leaving = false;
  /** Who was signed in last in this window: the sign-in screen offers that name again. */
  lastUsername = $state<string | null>(null);
  /** Why the session ended when the person did not log out themselves (expired, revoked). */
  signedOutReason = $state<string | null>(null);
  /** What the server says of itself (registration by invite, retention); null until it answered. */
  server = $state<ServerInfoView | null>(null);
  /**
   * Right after registering or recovering: the offer to make a recovery code, with the password just typed
   * (making a code needs it), held only until the offer is taken or declined.
   */
  recoveryOffer = $state<{ reason: 'registered' | 'recovered'; password: string } | null>(null);

  readonly #api: ChatApi;

  constructor(api: ChatApi) {
    this.#api = api;
  }

  async restore(): Promise<void> {
    try {
      this.#signedIn(await this.#api.currentAccount());
    } catch (error) {
      this.error = toChatErrorInfo(error);
      this.#signedIn(null);
    }
    void this.loadServerInfo();
  }

  /** Asks the server what it says of itself; a server that cannot answer now leaves it unknown. */
  async loadServerInfo(): Promise<void> {
    try {
      this.server = await this.#api.serverInfo();
    } catch {
      this.server = null;
    }
  }

  login(credentials: Credentials): Promise<boolean> {
    return this.#enter(() => this.#api.login(this.#normalize(credentials)));
  }

  async register(registration: Registration): Promise<boolean> {
    const { invite, ...credentials } = registration;
    const entered = await this.#enter(() => this.#api.register({ ...this.#normalize(credentials), ...(invite ? { invite: invite.trim() } : {}) }));
    if (entered) this.recoveryOffer = { reason: 'registered', password: registration.password };
    // A server that did not say it wants invites asked for one: from now on the form asks too.
    else if (this.error?.code === 'forbidden' && /invit/i.test(this.error.message) && this.server?.registration !== 'invite') {
      this.server = { retention: this.server?.retention ?? null, registration: 'invite' };
    }
    return entered;
  }

  /** "Forgot password": the recovery code signs in and sets the new password (the code is used up). */
  async recover(recovery: AccountRecovery): Promise<boolean> {
    const entered = await this.#enter(() => this.#api.recoverAccount({ ...recovery, username: recovery.username.trim().toLowerCase() }));
    if (entered) this.recoveryOffer = { reason: 'recovered', password: recovery.newPassword };
    return entered;
  }

  /** A session that ended elsewhere leaves its drafts and unsent messages here, for signing in again. */
  keep(leftovers: Leftovers | null): void {
    if (this.leaving || !leftovers) return;
    this.kept = leftovers;
  }

  /** The leftovers for this account, handed over once. */
  takeKept(account: AccountView): Leftovers | null {
    const kept = this.kept;
    if (!kept || kept.username !== account.username || kept.serverUrl !== account.serverUrl) return null;
    this.kept = null;
    return kept;
  }

  /** Whether a name is taken (registration asks while it is typed). */
  usernameTaken(username: string): Promise<boolean> {
    return this.#api.usernameTaken(username);
  }

  /** "Retry now": the live connection tries again at once. */
  async retryConnection(): Promise<void> {
    try {
      await this.#api.reconnectNow();
    } catch {
      // The next automatic attempt comes within seconds anyway.
    }
  }

  /** The offer was taken or declined: the password it held is dropped. */
  closeRecoveryOffer(): void {
    this.recoveryOffer = null;
  }

  logout(): Promise<void> {
    return this.#leave(() => this.#api.logout());
  }

  logoutEverywhere(): Promise<void> {
    return this.#leave(() => this.#api.logoutEverywhere());
  }

  /** Deletes the account for good; the error, if any, is for the dialog to show (the session goes on). */
  async deleteAccount(password: string): Promise<ChatErrorInfo | null> {
    if (this.busy) return { code: 'invalid_input', message: 'Wait until the current step is finished.' };
    this.busy = true;
    const account = this.account;
    this.leaving = true;
    try {
      await this.#api.deleteAccount(password);
    } catch (error) {
      return toChatErrorInfo(error);
    } finally {
      this.leaving = false;
      this.busy = false;
      this.progress = null;
    }
    await this.#forget(account);
    this.signedOutReason = 'Your account was deleted. Its name stays taken, so nobody can pretend to be you.';
    this.#signedIn(null);
    return null;
  }

  async #leave(end: () => Promise<void>): Promise<void> {
    const account = this.account;
    this.leaving = true;
    try {
      await end();
    } catch (error) {
      // Signing out locally must work even when the server cannot be told; say so.
      this.error = toChatErrorInfo(error);
    } finally {
      this.leaving = false;
    }
    await this.#forget(account);
    this.signedOutReason = null;
    this.#signedIn(null);
  }

  /** Whoever signs out themselves leaves nothing typed behind on this device: drafts and kept messages go. */
  async #forget(account: AccountView | null): Promise<void> {
    this.kept = null;
    if (!account) return;
    try {
      const prefix = draftPrefix(account.serverUrl, account.username);
      const keys = Object.keys(await this.#api.drafts()).filter((key) => key.startsWith(prefix));
      await Promise.all(keys.map((key) => this.#api.saveDraft(key, '')));
    } catch {
      // Nothing more can be done about drafts the app cannot reach.
    }
  }

  /** Re-seals the private key under a new password; the error, if any, is for the settings form to show. */
  async changePassword(change: PasswordChange): Promise<ChatErrorInfo | null> {
    if (this.busy) return { code: 'invalid_input', message: 'Wait until the current step is finished.' };
    this.busy = true;
    this.progress = null;
    try {
      await this.#api.changePassword(change);
      return null;
    } catch (error) {
      return toChatErrorInfo(error);
    } finally {
      this.busy = false;
      this.progress = null;
    }
  }

  clearError(): void {
    this.error = null;
  }

  handleEvent(event: ChatEvent): void {
    switch (event.type) {
      case 'progress':
        if (this.busy) {
          this.progress = event.progress;
          this.progressSeen = { ...this.progressSeen, [event.progress.phase]: event.progress.fraction };
        }
        break;
      case 'connection':
        this.connection = event.state === 'connecting' && this.connection === 'offline' ? 'offline' : event.state;
        // An attempt under way keeps the reason of the last failure, so the detail does not flicker either.
        if (event.state !== 'connecting' || event.detail !== null) this.connectionDetail = event.detail;
        break;
      case 'signed_out':
        if (this.leaving || !this.account) {
          this.signedOutReason = this.leaving ? null : event.reason;
        } else {
          const keeps = this.kept !== null && (this.kept.queued.length > 0 || Object.keys(this.kept.drafts).length > 0);
          this.signedOutReason = `${event.reason}${keeps ? ' What you were writing is kept: it is back (and sent) once you sign in again.' : ''}`;
        }
        this.connection = 'connecting';
        this.connectionDetail = null;
        this.#signedIn(null);
        break;
      default:
        break;
    }
  }

  #normalize(credentials: Credentials): Credentials {
    // Usernames are lowercase on the wire; people may type capitals.
    return { username: credentials.username.trim().toLowerCase(), password: credentials.password };
  }

  async #enter(action: () => Promise<AccountView>): Promise<boolean> {
    if (this.busy) return false;
    this.busy = true;
    this.error = null;
    this.progress = null;
    this.progressSeen = {};
    try {
      this.signedOutReason = null;
      this.#signedIn(await action());
      return true;
    } catch (error) {
      this.error = toChatErrorInfo(error);
      return false;
    } finally {
      this.busy = false;
      this.progress = null;
    }
  }

  #signedIn(account: AccountView | null): void {
    this.account = account;
    if (account) this.lastUsername = account.username;
    this.phase = account ? 'signed_in' : 'signed_out';
    if (!account) this.recoveryOffer = null;
  }
}
