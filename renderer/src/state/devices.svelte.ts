// Window: the account's signed-in devices, and signing one of them out.
import type { ChatApi, ChatErrorInfo, DeviceView } from '../../../core/api/chat-api.js';
import { toChatErrorInfo } from '../../../core/api/errors.js';

export class DevicesState {
  list = $state<DeviceView[] | null>(null);
  /** The device being signed out. */
  ending = $state<string | null>(null);
  error = $state<ChatErrorInfo | null>(null);

  readonly #api: ChatApi;

  constructor(api: ChatApi) {
    this.#api = api;
  }

  async load(): Promise<void> {
    try {
      this.list = await this.#api.devices();
      this.error = null;
    } catch (error) {
      this.error = toChatErrorInfo(error);
    }
  }

  async signOut(id: string): Promise<void> {
    if (this.ending) return;
    this.ending = id;
    this.error = null;
    try {
      this.list = await this.#api.signOutDevice(id);
    } catch (error) {
      this.error = toChatErrorInfo(error);
      // Gone already, or the list is stale: show what is true now.
      if (this.error.code === 'not_found') await this.load();
    } finally {
      this.ending = null;
    }
  }
}
