// Web adapter: the ChatApi served by the client core running in this page's dedicated worker (WebCrypto in
// the browser), talking directly to the server that served the page. Settings and links are the page's;
// everything of the session goes to the worker (see worker-rpc.ts). The only window module that reaches
// core's session.
import type { KeyValueStore } from '../../../../core/client/store.js';
import type { ChatApi, ChatErrorInfo } from '../chat-api.js';
import { checkLink, REFUSED_LINK_MESSAGE } from '../../../../core/links/link-policy.js';
import { LocalStorageStore } from './local-storage-store.js';
import { WebSettings } from './web-settings.js';
import { connectSession, type PageToWorker, type PortLike, type SessionConnection, type WorkerToPage } from './worker-rpc.js';

export interface WebChatApiOptions {
  /** The server; the page's own origin by default. */
  serverUrl?: string;
  store?: KeyValueStore;
  /** The worker running the client core; a new core-worker by default. */
  worker?: PortLike<WorkerToPage, PageToWorker> & { addEventListener(type: 'error', listener: (event: Event) => void): void };
  /** Opens a checked link in a new tab. */
  openTab?: (url: string) => void;
}

const WORKER_FAILED: ChatErrorInfo = {
  code: 'server_error',
  message: 'The part of this page that encrypts your messages stopped. Reload the page.',
};

function chatError(info: ChatErrorInfo): Error {
  return Object.assign(new Error(info.message), { info });
}

async function guarded<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof Error && 'info' in error) throw error;
    throw chatError({ code: 'server_error', message: `Something went wrong: ${error instanceof Error ? error.message : String(error)}` });
  }
}

export function createWebChatApi(options: WebChatApiOptions = {}): ChatApi {
  const serverUrl = options.serverUrl ?? window.location.origin;
  const store = options.store ?? new LocalStorageStore(window.localStorage);
  const settings = new WebSettings(store, serverUrl);
  const openTab = options.openTab ?? ((url: string) => void window.open(url, '_blank', 'noopener,noreferrer'));
  const worker = options.worker ?? new Worker(new URL('./core-worker.ts', import.meta.url), { type: 'module', name: 'encrypted-chat-core' });
  const session: SessionConnection = connectSession(worker, serverUrl, store);
  worker.addEventListener('error', () => session.fail(WORKER_FAILED));

  async function signedIn<T extends { username: string }>(account: T): Promise<T> {
    await settings.rememberUsername(account.username);
    return account;
  }

  return {
    getSettings: () => guarded(() => settings.get()),
    setServer: () =>
      guarded(async () => {
        throw chatError({ code: 'invalid_input', message: `In the browser, the server is the one that served this page (${serverUrl}).` });
      }),
    updateSettings: (update) => guarded(() => settings.update(update)),

    currentAccount: () => session.call('currentAccount', []),
    register: async (credentials) => signedIn(await session.call('register', [credentials])),
    login: async (credentials) => signedIn(await session.call('login', [credentials])),
    logout: () => session.call('logout', []),
    changePassword: (change) => session.call('changePassword', [change]),

    searchUsers: (query) => session.call('searchUsers', [query]),
    contacts: () => session.call('contacts', []),
    contactDetails: (username) => session.call('contactDetails', [username]),
    trustContactKey: (username) => session.call('trustContactKey', [username]),
    disownEarlierKeys: (username) => session.call('disownEarlierKeys', [username]),
    blockContact: (username) => session.call('blockContact', [username]),
    unblockContact: (username) => session.call('unblockContact', [username]),

    conversation: (request) => session.call('conversation', [request]),
    readMessages: (ids) => session.call('readMessages', [ids]),
    send: (request) => session.call('send', [request]),
    markRead: (peer, seq) => session.call('markRead', [peer, seq]),

    openLink: (url) =>
      guarded(async () => {
        // The same policy as the desktop main process (core/links/link-policy.ts); the window asked first.
        const checked = checkLink(url);
        if (!checked.ok) throw chatError({ code: 'invalid_input', message: `${REFUSED_LINK_MESSAGE} ${checked.reason}` });
        openTab(checked.url);
      }),

    onEvent: (listener) => session.onEvent(listener),
  };
}
