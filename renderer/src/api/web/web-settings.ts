// Web adapter: the window settings a browser keeps (theme, last username). The server is fixed: it is the
// origin that served this page, so there is nothing to choose and no certificate to add.
import type { KeyValueStore } from '../../../../core/client/store.js';
import type { ClientSettings, SettingsUpdate, Theme } from '../chat-api.js';

const KEY = 'window-settings';
const THEMES: readonly Theme[] = ['light', 'dark', 'system'];

interface Stored {
  theme: Theme;
  lastUsername: string | null;
}

export class WebSettings {
  readonly #store: KeyValueStore;
  readonly #serverUrl: string;

  constructor(store: KeyValueStore, serverUrl: string) {
    this.#store = store;
    this.#serverUrl = serverUrl;
  }

  async get(): Promise<ClientSettings> {
    const stored = await this.#read();
    return { serverUrl: this.#serverUrl, caCertificatePem: null, lastUsername: stored.lastUsername, theme: stored.theme, desktop: null };
  }

  /** Desktop-only switches have no meaning in the browser and are ignored. */
  async update(update: SettingsUpdate): Promise<ClientSettings> {
    const stored = await this.#read();
    if (update.theme !== undefined) {
      if (!THEMES.includes(update.theme)) throw new TypeError('theme must be light, dark or system');
      stored.theme = update.theme;
    }
    await this.#store.set(KEY, JSON.stringify(stored));
    return this.get();
  }

  async rememberUsername(username: string): Promise<void> {
    const stored = await this.#read();
    stored.lastUsername = username;
    await this.#store.set(KEY, JSON.stringify(stored));
  }

  async #read(): Promise<Stored> {
    const fallback: Stored = { theme: 'system', lastUsername: null };
    const raw = await this.#store.get(KEY);
    if (!raw) return fallback;
    try {
      const value = JSON.parse(raw) as Partial<Stored>;
      return {
        theme: THEMES.includes(value.theme as Theme) ? (value.theme as Theme) : 'system',
        lastUsername: typeof value.lastUsername === 'string' && /^[a-z0-9_]{3,32}$/.test(value.lastUsername) ? value.lastUsername : null,
      };
    } catch {
      return fallback;
    }
  }
}
