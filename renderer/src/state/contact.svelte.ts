// Window: the other person of a direct conversation — their key as pinned and as the server shows it, trusting
// a changed key, disowning earlier keys, blocking. A change that alters how messages verify asks the
// conversation to read the affected ones again.
import type { ChatApi, ChatErrorInfo, ContactDetails, MessageStatus } from '../../../core/api/chat-api.js';
import { toChatErrorInfo } from '../../../core/api/errors.js';

export interface ContactHooks {
  /** The views with these statuses may verify otherwise now: read them again. */
  reread: (statuses: MessageStatus[]) => void;
  /** The person accepted the contact's new key. */
  onKeyTrusted?: (peer: string) => void;
}

export class ContactState {
  readonly peer: string;
  details = $state<ContactDetails | null>(null);
  detailsError = $state<ChatErrorInfo | null>(null);
  trusting = $state(false);
  /** A block, unblock or disown request is in flight. */
  changing = $state(false);

  readonly #api: ChatApi;
  readonly #hooks: ContactHooks;

  constructor(api: ChatApi, peer: string, hooks: ContactHooks) {
    this.#api = api;
    this.peer = peer;
    this.#hooks = hooks;
  }

  get keyChanged(): boolean {
    return this.details?.keyStatus === 'changed';
  }

  async refresh(): Promise<void> {
    try {
      this.details = await this.#api.contactDetails(this.peer);
      this.detailsError = null;
    } catch (error) {
      this.detailsError = toChatErrorInfo(error);
    }
  }

  async trustKey(): Promise<boolean> {
    this.trusting = true;
    try {
      // Messages that failed because of the key change are read again against the accepted key.
      return await this.#change(() => this.#api.trustContactKey(this.peer), ['key_changed'], () => this.#hooks.onKeyTrusted?.(this.peer));
    } finally {
      this.trusting = false;
    }
  }

  /** The person said the contact's earlier keys were never theirs: messages signed with them are read again. */
  disownEarlierKeys(): Promise<boolean> {
    return this.#changing(() => this.#api.disownEarlierKeys(this.peer), ['earlier_key']);
  }

  block(): Promise<boolean> {
    return this.#changing(() => this.#api.blockContact(this.peer), []);
  }

  unblock(): Promise<boolean> {
    return this.#changing(() => this.#api.unblockContact(this.peer), []);
  }

  async #changing(run: () => Promise<ContactDetails>, reread: MessageStatus[]): Promise<boolean> {
    this.changing = true;
    try {
      return await this.#change(run, reread);
    } finally {
      this.changing = false;
    }
  }

  /** Applies a change of the contact's details; views with the `reread` statuses are decrypted again. */
  async #change(run: () => Promise<ContactDetails>, reread: MessageStatus[], done?: () => void): Promise<boolean> {
    try {
      this.details = await run();
      this.detailsError = null;
      done?.();
      this.#hooks.reread(reread);
      return true;
    } catch (error) {
      this.detailsError = toChatErrorInfo(error);
      return false;
    }
  }
}
