// Window: this device's watch over the server's key log — its size and key, and the alarms it raised, which
// stay until the person deals with them.
import type { ChatApi, ChatErrorInfo, ChatEvent, KeyLogView } from '../../../core/api/chat-api.js';
import { toChatErrorInfo } from '../../../core/api/errors.js';

export class KeyLogState {
  view = $state<KeyLogView | null>(null);
  checking = $state(false);
  error = $state<ChatErrorInfo | null>(null);

  readonly #api: ChatApi;

  constructor(api: ChatApi) {
    this.#api = api;
  }

  /** The alarms to show: every one but the hourly-update warning is loud. */
  get alarms() {
    return this.view?.alarms ?? [];
  }

  async refresh(): Promise<void> {
    await this.#run(() => this.#api.keyLog());
  }

  /** Reads the log since the last check now. */
  async audit(): Promise<void> {
    this.checking = true;
    try {
      await this.#run(() => this.#api.auditKeyLog());
    } finally {
      this.checking = false;
    }
  }

  dismiss(id: string): Promise<void> {
    return this.#run(() => this.#api.dismissKeyLogAlarm(id));
  }

  acceptLogKey(): Promise<void> {
    return this.#run(() => this.#api.acceptLogKey());
  }

  handleEvent(event: ChatEvent): void {
    if (event.type === 'key_log') this.view = event.keyLog;
  }

  async #run(call: () => Promise<KeyLogView>): Promise<void> {
    this.error = null;
    try {
      this.view = await call();
    } catch (error) {
      this.error = toChatErrorInfo(error);
    }
  }
}
