// Main process: the settings part of the ChatApi on the desktop — the settings file as the window sees it
// (with what the keychain allows), settings updates, and the choice of server.
import { ChatError } from '../../core/api/errors.js';
import type { SessionSnapshot } from '../../core/api/session-snapshot.js';
import type { ClientSettings, ServerChoice, SettingsUpdate } from '../../core/api/settings.js';
import type { Transport } from '../../core/client/chat-client.js';
import type { ClientFactory } from './hosted-client.js';
import type { ChatService } from './ipc-handlers.js';
import type { SavedSession } from './saved-session.js';
import type { SettingsStore } from './settings-store.js';

export interface DesktopSettingsDeps {
  settings: SettingsStore;
  saved: SavedSession;
  transportFor: (caCertificatePem: string | null) => Transport;
  clients: Pick<ClientFactory, 'checkServer'>;
  /** Whether someone is signed in: the server does not change under an open session. */
  signedIn: () => Promise<boolean>;
  /** Replaces the client with one for the server just chosen. */
  connect: (serverUrl: string, caCertificatePem: string | null) => Promise<void>;
  /** The open session's snapshot, for turning "stay signed in" on. */
  snapshot: () => SessionSnapshot | null;
}

export class DesktopSettings implements Pick<ChatService, 'getSettings' | 'setServer' | 'updateSettings'> {
  readonly #deps: DesktopSettingsDeps;

  constructor(deps: DesktopSettingsDeps) {
    this.#deps = deps;
  }

  async getSettings(): Promise<ClientSettings> {
    const s = this.#deps.settings.get();
    const keychain = this.#deps.saved.keychain;
    return {
      serverUrl: s.serverUrl,
      caCertificatePem: s.caCertificatePem,
      lastUsername: s.lastUsername,
      theme: s.theme,
      desktop: {
        staySignedIn: s.staySignedIn && keychain.available,
        keychainAvailable: keychain.available,
        keychainDetail: keychain.detail,
        notifications: s.notifications,
        notificationContent: s.notificationContent,
      },
    };
  }

  async setServer(choice: ServerChoice): Promise<ClientSettings> {
    if (await this.#deps.signedIn()) {
      throw new ChatError('invalid_input', 'Sign out before choosing another server.');
    }
    const transport = this.#deps.transportFor(choice.caCertificatePem);
    const { serverUrl } = await this.#deps.clients.checkServer(choice.serverUrl, transport);
    await this.#deps.settings.update({ serverUrl, caCertificatePem: choice.caCertificatePem });
    await this.#deps.connect(serverUrl, choice.caCertificatePem);
    return this.getSettings();
  }

  async updateSettings(update: SettingsUpdate): Promise<ClientSettings> {
    const keychain = this.#deps.saved.keychain;
    if (update.staySignedIn === true && !keychain.available) {
      throw new ChatError('keychain_unavailable', keychain.detail ?? 'No system keychain is available on this computer.');
    }
    const change: Parameters<SettingsStore['update']>[0] = {};
    if (update.theme !== undefined) change.theme = update.theme;
    if (update.notifications !== undefined) change.notifications = update.notifications;
    if (update.notificationContent !== undefined) change.notificationContent = update.notificationContent;
    if (update.staySignedIn !== undefined) change.staySignedIn = update.staySignedIn;
    await this.#deps.settings.update(change);
    if (update.staySignedIn === true) await this.#deps.saved.save(this.#deps.snapshot);
    if (update.staySignedIn === false) await this.#deps.saved.forget();
    return this.getSettings();
  }
}
