// Main process: drawing the person's attention from the session host — a notification for a new message
// while the window is not focused, and the unread count on the badge and in the title.
import type { MessageHeaderView } from '../../core/api/chat-api.js';
import type { HostedClient } from './hosted-client.js';
import { isNews, notificationText, shouldNotify, totalUnread, type NotificationText } from './notifications.js';
import type { SettingsStore } from './settings-store.js';

export interface AttentionDeps {
  settings: SettingsStore;
  isWindowFocused: () => boolean;
  showNotification: (text: NotificationText) => void;
  setUnreadCount: (count: number, username: string | null) => void;
  logProblem: (what: string, error: unknown) => void;
}

export type AttentionClient = Pick<HostedClient, 'currentAccount' | 'contacts' | 'groups' | 'groupDetails' | 'readMessages'>;

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
        const client = this.#client();
        // Read here, in the main process, to tell news from an edit or reaction; the text shows only when allowed.
        const opened = (await client?.readMessages([message.id]).catch(() => null))?.[0] ?? null;
        const groupName = message.group === null ? null : ((await client?.groupDetails(message.group).catch(() => null))?.name ?? null);
        if (isNews(opened)) this.#deps.showNotification(notificationText(message, settings, settings.notificationContent ? opened : null, groupName));
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
    const [contacts, groups] = await Promise.all([client.contacts().catch(() => []), client.groups().catch(() => [])]);
    this.#deps.setUnreadCount(totalUnread([...contacts, ...groups]), account.username);
  }

  /** Nobody is signed in: no count, no name. */
  clear(): void {
    this.#deps.setUnreadCount(0, null);
  }
}
