// Main process: drawing the person's attention from the session host — a notification for a new message
// while the window is not focused, and the unread count on the badge and in the title.
import type { MessageHeaderView } from '../../core/api/chat-api.js';
import type { HostedClient } from './hosted-client.js';
import { notificationText, shouldNotify, totalUnread, type NotificationText } from './notifications.js';
import type { SettingsStore } from './settings-store.js';

export interface AttentionDeps {
  settings: SettingsStore;
  isWindowFocused: () => boolean;
  showNotification: (text: NotificationText) => void;
  setUnreadCount: (count: number, username: string | null) => void;
  logProblem: (what: string, error: unknown) => void;
}

export type AttentionClient = Pick<HostedClient, 'currentAccount' | 'contacts' | 'readMessages'>;

export class Attention {
  readonly #deps: AttentionDeps;
  /** The client of the moment (it changes with the server and on every sign-in from the saved session). */
  readonly #client: () => AttentionClient | null;

  constructor(deps: AttentionDeps, client: () => AttentionClient | null) {
    this.#deps = deps;
    this.#client = client;
  }

  /** A new message arrived: notify when the settings and the window's focus say so, and count it. */
  async announce(message: MessageHeaderView): Promise<void> {
    try {
      const settings = this.#deps.settings.get();
      if (shouldNotify(message, this.#deps.isWindowFocused(), settings)) {
        const opened = settings.notificationContent ? ((await this.#client()?.readMessages([message.id]))?.[0] ?? null) : null;
        this.#deps.showNotification(notificationText(message, settings, opened));
      }
      await this.refreshUnread();
    } catch (error) {
      this.#deps.logProblem('announcing a new message', error);
    }
  }

  async refreshUnread(): Promise<void> {
    const client = this.#client();
    const account = await client?.currentAccount();
    if (!client || !account) return this.clear();
    const contacts = await client.contacts().catch(() => []);
    this.#deps.setUnreadCount(totalUnread(contacts), account.username);
  }

  /** Nobody is signed in: no count, no name. */
  clear(): void {
    this.#deps.setUnreadCount(0, null);
  }
}
