// Window side of the desktop app: the ChatApi over the preload's `window.encryptedChat` bridge.
// Every bridge call answers an envelope (see ipc-contract.ts); a failed one becomes an Error carrying the
// ChatErrorInfo as `info`, as the ChatApi promises. The window never holds a key or a token here: main does.
import type { ChatApi, ChatErrorInfo } from '../chat-api.js';
import type { EncryptedChatBridge, IpcEnvelope } from '../ipc-contract.js';

declare global {
  interface Window {
    encryptedChat?: EncryptedChatBridge;
  }
}

export class ChatApiError extends Error {
  readonly info: ChatErrorInfo;

  constructor(info: ChatErrorInfo) {
    super(info.message);
    this.name = 'ChatApiError';
    this.info = info;
  }
}

const BROKEN_BRIDGE: ChatErrorInfo = {
  code: 'server_error',
  message: 'The window lost contact with the app. Restart Encrypted Chat.',
};

function isEnvelope(value: unknown): value is IpcEnvelope<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  if (v.ok === true) return 'value' in v;
  if (v.ok !== false || typeof v.error !== 'object' || v.error === null) return false;
  const e = v.error as Record<string, unknown>;
  return typeof e.code === 'string' && typeof e.message === 'string';
}

/** The value of a successful envelope; throws a ChatApiError for a failed one or anything malformed. */
export async function unwrap<T>(reply: Promise<IpcEnvelope<T>>): Promise<T> {
  let envelope: unknown;
  try {
    envelope = await reply;
  } catch {
    // invoke itself rejected: no handler in main, or the main process is gone.
    throw new ChatApiError(BROKEN_BRIDGE);
  }
  if (!isEnvelope(envelope)) throw new ChatApiError(BROKEN_BRIDGE);
  if (!envelope.ok) throw new ChatApiError(envelope.error);
  return envelope.value as T;
}

export function createElectronChatApi(bridge: EncryptedChatBridge): ChatApi {
  return {
    getSettings: () => unwrap(bridge.getSettings()),
    setServer: (choice) => unwrap(bridge.setServer(choice)),
    updateSettings: (update) => unwrap(bridge.updateSettings(update)),
    currentAccount: () => unwrap(bridge.currentAccount()),
    register: (credentials) => unwrap(bridge.register(credentials)),
    login: (credentials) => unwrap(bridge.login(credentials)),
    logout: () => unwrap(bridge.logout()),
    changePassword: (change) => unwrap(bridge.changePassword(change)),
    searchUsers: (query) => unwrap(bridge.searchUsers(query)),
    contacts: () => unwrap(bridge.contacts()),
    contactDetails: (username) => unwrap(bridge.contactDetails(username)),
    trustContactKey: (username) => unwrap(bridge.trustContactKey(username)),
    disownEarlierKeys: (username) => unwrap(bridge.disownEarlierKeys(username)),
    blockContact: (username) => unwrap(bridge.blockContact(username)),
    unblockContact: (username) => unwrap(bridge.unblockContact(username)),
    conversation: (request) => unwrap(bridge.conversation(request)),
    readMessages: (ids) => unwrap(bridge.readMessages(ids)),
    send: (request) => unwrap(bridge.send(request)),
    markRead: (peer, seq) => unwrap(bridge.markRead(peer, seq)),
    openLink: (url) => unwrap(bridge.openLink(url)),
    onEvent: (listener) => bridge.onEvent(listener),
  };
}

/** The bridge when this window runs inside the desktop app, else null (the browser). */
export function electronBridge(scope: { encryptedChat?: EncryptedChatBridge } = globalThis as { encryptedChat?: EncryptedChatBridge }): EncryptedChatBridge | null {
  return scope.encryptedChat ?? null;
}
