// Web adapter: the window settings a browser keeps (theme, last username). The server is fixed: it is the
// origin that served this page, so there is nothing to choose and no certificate to add.
import type { KeyValueStore } from '../../../../core/client/store.js';
import type { ClientSettings, SettingsUpdate, Theme } from '../../../../core/api/chat-api.js';
import { themeSchema } from '../../../../core/api/settings.js';
import { USERNAME_PATTERN } from '../../../../core/protocol/constants.js';

const KEY = 'window-settings';

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

  /** Checked by the ChatApi's schema before it gets here; desktop-only switches mean nothing in a browser. */
  async update(update: SettingsUpdate): Promise<ClientSettings> {
    const stored = await this.#read();
    if (update.theme !== undefined) stored.theme = update.theme;
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
        theme: themeSchema.safeParse(value.theme).data ?? 'system',
        lastUsername: typeof value.lastUsername === 'string' && USERNAME_PATTERN.test(value.lastUsername) ? value.lastUsername : null,
      };
    } catch {
      return fallback;
    }
  }
}
