// What the person chose: server (desktop), theme, desktop-only switches. The theme is applied as a
// data attribute on <html>; the stylesheet does the rest (no inline styles, so the CSP stays strict).
import type { ChatApi, ChatErrorInfo, ClientSettings, ServerChoice, SettingsUpdate, Theme } from '../../../core/api/chat-api.js';
import { toChatErrorInfo } from '../../../core/api/errors.js';

export class SettingsState {
  current = $state<ClientSettings | null>(null);
  error = $state<ChatErrorInfo | null>(null);
  busy = $state(false);

  readonly #api: ChatApi;
  readonly #root: HTMLElement | null;

  constructor(api: ChatApi, root: HTMLElement | null = typeof document === 'undefined' ? null : document.documentElement) {
    this.#api = api;
    this.#root = root;
  }

  get theme(): Theme {
    return this.current?.theme ?? 'system';
  }

  /** True in the desktop app, where the person picks the server; the web client is bound to its origin. */
  get serverChoosable(): boolean {
    return this.current?.desktop != null;
  }

  async load(): Promise<void> {
    this.#set(await this.#api.getSettings());
  }

  async setServer(choice: ServerChoice): Promise<boolean> {
    return this.#run(() => this.#api.setServer(choice));
  }

  async update(update: SettingsUpdate): Promise<boolean> {
    return this.#run(() => this.#api.updateSettings(update));
  }

  async #run(action: () => Promise<ClientSettings>): Promise<boolean> {
    this.busy = true;
    this.error = null;
    try {
      this.#set(await action());
      return true;
    } catch (error) {
      this.error = toChatErrorInfo(error);
      return false;
    } finally {
      this.busy = false;
    }
  }

  #set(settings: ClientSettings): void {
    this.current = settings;
    if (this.#root) this.#root.dataset.theme = settings.theme;
  }
}
