// Web adapter: the ChatApi served by the client core running in this page's dedicated worker (WebCrypto in
// the browser), talking directly to the server that served the page. Built from the method list: the
// session's methods go to the worker (worker-rpc.ts), the page's own — settings, links, a download — are checked
// against the same schemas and answered here. The only window module that reaches core's client.
import './zod-without-eval.js';
import type { AccountView, ChatApi, ChatErrorInfo, FileRef, MessageView, ServerChoice, SettingsUpdate } from '../../../../core/api/chat-api.js';
import { recoveryCodeFile } from '../../../../core/api/recovery-code-file.js';
import { displayRecoveryCode, parseRecoveryCode } from '../../../../core/crypto/recovery-code.js';
import { chatApiOver, openEnvelope } from '../../../../core/api/envelope.js';
import { ChatError, notSignedIn } from '../../../../core/api/errors.js';
import { isSessionMethod, isSignInMethod } from '../../../../core/api/methods.js';
import { serveCall } from '../../../../core/api/serve-call.js';
import type { KeyValueStore } from '../../../../core/client/store.js';
import { checkLink, REFUSED_LINK_MESSAGE } from '../../../../core/links/link-policy.js';
import { LocalStorageStore } from './local-storage-store.js';
import { WebDrafts } from './web-drafts.js';
import { WebSettings } from './web-settings.js';
import { connectSession, type PageToWorker, type PortLike, type WorkerToPage } from './worker-rpc.js';

export interface WebChatApiOptions {
  /** The server; the page's own origin by default. */
  serverUrl?: string;
  store?: KeyValueStore;
  /** The worker running the client core; a new core-worker by default. */
  worker?: PortLike<WorkerToPage, PageToWorker> & { addEventListener(type: 'error', listener: (event: Event) => void): void };
  /** Opens a checked link in a new tab. */
  openTab?: (url: string) => void;
  /** Hands a text file to the browser as a download. */
  download?: (name: string, text: string) => void;
  /** Hands a received (verified) file to the browser as a download under its safe name. */
  downloadBytes?: (name: string, bytes: Uint8Array) => void;
}

/** A download through a link the page clicks, its object URL revoked once the browser took it. */
function downloadBlob(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** A download of `text` as a file called `name`, through a link the page clicks. */
function downloadText(name: string, text: string): void {
  downloadBlob(name, new Blob([text], { type: 'text/plain;charset=utf-8' }));
}

/** A received file as a download: typed as plain bytes whatever it claims, so the browser never renders it. */
function downloadFile(name: string, bytes: Uint8Array): void {
  downloadBlob(name, new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
}

const WORKER_FAILED: ChatErrorInfo = {
  code: 'server_error',
  message: 'The part of this page that encrypts your messages stopped. Reload the page.',
};

export function createWebChatApi(options: WebChatApiOptions = {}): ChatApi {
  const serverUrl = options.serverUrl ?? window.location.origin;
  const store = options.store ?? new LocalStorageStore(window.localStorage);
  const settings = new WebSettings(store, serverUrl);
  const drafts = new WebDrafts(store);
  const openTab = options.openTab ?? ((url: string) => void window.open(url, '_blank', 'noopener,noreferrer'));
  const download = options.download ?? downloadText;
  const downloadBytes = options.downloadBytes ?? downloadFile;
  const worker = options.worker ?? new Worker(new URL('./core-worker.ts', import.meta.url), { type: 'module', name: 'encrypted-chat-core' });
  const session = connectSession(worker, serverUrl, store, WORKER_FAILED);
  worker.addEventListener('error', () => session.fail(WORKER_FAILED));

  const page = {
    getSettings: () => settings.get(),
    setServer: async (_choice: ServerChoice) => {
      throw new ChatError('invalid_input', `In the browser, the server is the one that served this page (${serverUrl}).`);
    },
    updateSettings: (update: SettingsUpdate) => settings.update(update),
    drafts: () => drafts.all(),
    saveDraft: (key: string, text: string) => drafts.save(key, text),
    openLink: async (url: string) => {
      // The same policy as the desktop main process (core/links/link-policy.ts); the window asked first.
      const checked = checkLink(url);
      if (!checked.ok) throw new ChatError('invalid_input', `${REFUSED_LINK_MESSAGE} ${checked.reason}`);
      openTab(checked.url);
    },
    saveRecoveryCode: async (code: string) => {
      const account = await session.call<AccountView | null>('currentAccount', []);
      if (!account) throw notSignedIn();
      const file = recoveryCodeFile(account.username, account.serverUrl, displayRecoveryCode(parseRecoveryCode(code)!), new Date());
      download(file.name, file.text);
      return true;
    },
    saveFile: async (ref: FileRef) => {
      // The name is the verified view's (safeFileName of the sender's claim); the bytes verified whole first.
      const [view] = await session.call<MessageView[]>('readMessages', [[ref.messageId]]);
      const file = view && view.conversation === ref.conversation ? view.files?.[ref.index] : undefined;
      if (!view || !file) throw new ChatError('not_found', 'There is no such file in this conversation.');
      const bytes = await session.call<Uint8Array>('fileBytes', [ref]);
      downloadBytes(file.name, bytes);
      return { saved: true };
    },
  };

  return chatApiOver(
    async (method, args) => {
      if (!isSessionMethod(method)) return openEnvelope<never>(serveCall(page, method, args), WORKER_FAILED);
      const value = await session.call<never>(method, args);
      if (isSignInMethod(method)) await settings.rememberUsername((value as { username: string }).username);
      return value;
    },
    (listener) => session.onEvent(listener),
  );
}
