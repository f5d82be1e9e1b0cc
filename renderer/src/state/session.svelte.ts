// Who is signed in, and the steps of signing in: first start (desktop), login, register with progress.
import type {
  AccountView,
  ChatApi,
  ChatErrorInfo,
  ChatEvent,
  ConnectionState,
  Credentials,
  PasswordChange,
  Progress,
} from '../../../core/api/chat-api.js';
import { toChatErrorInfo } from '../../../core/api/errors.js';

export type SessionPhase = 'starting' | 'signed_out' | 'signed_in';

export class SessionState {
  phase = $state<SessionPhase>('starting');
  account = $state<AccountView | null>(null);
  /** The step of key generation or stretching under way, while busy. */
  progress = $state<Progress | null>(null);
  busy = $state(false);
  error = $state<ChatErrorInfo | null>(null);
  connection = $state<ConnectionState>('connecting');
  connectionDetail = $state<string | null>(null);
  /** Why the session ended when the person did not log out themselves (expired, revoked). */
  signedOutReason = $state<string | null>(null);

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
  }

  login(credentials: Credentials): Promise<boolean> {
    return this.#enter(() => this.#api.login(this.#normalize(credentials)));
  }

  register(credentials: Credentials): Promise<boolean> {
    return this.#enter(() => this.#api.register(this.#normalize(credentials)));
  }

  async logout(): Promise<void> {
    try {
      await this.#api.logout();
    } catch (error) {
      // Signing out locally must work even when the server cannot be told; say so.
      this.error = toChatErrorInfo(error);
    }
    this.signedOutReason = null;
    this.#signedIn(null);
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
        if (this.busy) this.progress = event.progress;
        break;
      case 'connection':
        this.connection = event.state;
        this.connectionDetail = event.detail;
        break;
      case 'signed_out':
        this.signedOutReason = event.reason;
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
    this.phase = account ? 'signed_in' : 'signed_out';
  }
}
