// Web adapter: the ChatApi served by the client core running in this page (WebCrypto in the browser),
// talking directly to the server that served the page. The only window module that imports core's session.
import './zod-without-eval.js';
import { ChatClient } from '../../../../core/client/chat-client.js';
import { ChatError, toChatError } from '../../../../core/client/errors.js';
import type { KeyValueStore } from '../../../../core/client/store.js';
import type { ChatApi } from '../chat-api.js';
import { safeLinkUrl } from '../../lib/links.js';
import { LocalStorageStore } from './local-storage-store.js';
import { WebSettings } from './web-settings.js';

export interface WebChatApiOptions {
  /** The server; the page's own origin by default. */
  serverUrl?: string;
  store?: KeyValueStore;
  /** Opens a checked link in a new tab. */
  openTab?: (url: string) => void;
}

/** Errors leave as ChatErrors (an Error with `info`), as the ChatApi promises. */
async function guarded<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw toChatError(error);
  }
}

export function createWebChatApi(options: WebChatApiOptions = {}): ChatApi {
  const store = options.store ?? new LocalStorageStore(window.localStorage);
  const client = new ChatClient({ serverUrl: options.serverUrl ?? window.location.origin, store });
  const settings = new WebSettings(store, client.serverUrl);
  const openTab = options.openTab ?? ((url: string) => void window.open(url, '_blank', 'noopener,noreferrer'));

  async function signedIn<T extends { username: string }>(account: T): Promise<T> {
    await settings.rememberUsername(account.username);
    // Live delivery failing is reported as a connection event; it must not undo a sign-in.
    await client.startLive().catch(() => undefined);
    return account;
  }

  return {
    getSettings: () => guarded(() => settings.get()),
    setServer: () =>
      guarded(async () => {
        throw new ChatError('invalid_input', `In the browser, the server is the one that served this page (${client.serverUrl}).`);
      }),
    updateSettings: (update) => guarded(() => settings.update(update)),

    currentAccount: () => guarded(() => client.currentAccount()),
    register: (credentials) => guarded(async () => signedIn(await client.register(credentials))),
    login: (credentials) => guarded(async () => signedIn(await client.login(credentials))),
    logout: () => guarded(() => client.logout()),
    changePassword: (change) => guarded(() => client.changePassword(change)),

    searchUsers: (query) => guarded(() => client.searchUsers(query)),
    contacts: () => guarded(() => client.contacts()),
    contactDetails: (username) => guarded(() => client.contactDetails(username)),
    trustContactKey: (username) => guarded(() => client.trustContactKey(username)),

    conversation: (request) => guarded(() => client.conversation(request)),
    readMessages: (ids) => guarded(() => client.readMessages(ids)),
    send: (request) => guarded(() => client.send(request)),
    markRead: (peer, seq) => guarded(() => client.markRead(peer, seq)),

    openLink: (url) =>
      guarded(async () => {
        const safe = safeLinkUrl(url);
        if (!safe) throw new ChatError('invalid_input', 'Only http and https links can be opened.');
        openTab(safe);
      }),

    onEvent: (listener) => client.onEvent(listener),
  };
}
