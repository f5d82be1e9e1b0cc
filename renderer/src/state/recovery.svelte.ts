// Window: the account's recovery code — whether one is set, making one (shown once, then forgotten by the
// window too), saving it as a file, and removing it.
import type { ChatApi, ChatErrorInfo, RecoveryCodeView, RecoveryStatus } from '../../../core/api/chat-api.js';
import { toChatErrorInfo } from '../../../core/api/errors.js';

export class RecoveryState {
  status = $state<RecoveryStatus | null>(null);
  /** The code just made, until the person says it is stored. */
  shown = $state<RecoveryCodeView | null>(null);
  busy = $state(false);
  error = $state<ChatErrorInfo | null>(null);
  /** What became of the last save: saved, or cancelled in the dialog. */
  saved = $state<'saved' | 'cancelled' | null>(null);

  readonly #api: ChatApi;

  constructor(api: ChatApi) {
    this.#api = api;
  }

  async load(): Promise<void> {
    await this.#run(async () => {
      this.status = await this.#api.recoveryStatus();
    });
  }

  /** Makes a new code behind the password; true when it is being shown. */
  async make(password: string): Promise<boolean> {
    return this.#run(async () => {
      this.shown = await this.#api.createRecoveryCode(password);
      this.saved = null;
      this.status = { set: true, setAt: this.shown.setAt, device: this.status?.device ?? null };
      // Where it was made comes from the server.
      void this.load();
    });
  }

  async save(): Promise<void> {
    const code = this.shown?.code;
    if (!code) return;
    await this.#run(async () => {
      this.saved = (await this.#api.saveRecoveryCode(code)) ? 'saved' : 'cancelled';
    });
  }

  /** The person stored it: the window lets go of it. */
  stored(): void {
    this.shown = null;
    this.saved = null;
  }

  async remove(password: string): Promise<boolean> {
    return this.#run(async () => {
      this.status = await this.#api.removeRecoveryCode(password);
    });
  }

  clearError(): void {
    this.error = null;
  }

  async #run(work: () => Promise<void>): Promise<boolean> {
    if (this.busy) return false;
    this.busy = true;
    this.error = null;
    try {
      await work();
      return true;
    } catch (error) {
      this.error = toChatErrorInfo(error);
      return false;
    } finally {
      this.busy = false;
    }
  }
}
