// Window side of the desktop app: the ChatApi over the preload's `window.encryptedChat` bridge, built from
// the method list. Every bridge call answers an envelope (core/api/envelope.ts); a failed one becomes the
// ChatError it carries. The window never holds a key or a token here: main does.
import type { ChatApi, ChatErrorInfo } from '../../../../core/api/chat-api.js';
import { chatApiOver, openEnvelope } from '../../../../core/api/envelope.js';
import { BRIDGE_GLOBAL_NAME, type EncryptedChatBridge } from '../../../../core/api/ipc-contract.js';

declare global {
  interface Window {
    encryptedChat?: EncryptedChatBridge;
  }
}

const BROKEN_BRIDGE: ChatErrorInfo = {
  code: 'server_error',
  message: 'The window lost contact with the app. Restart Encrypted Chat.',
};

export function createElectronChatApi(bridge: EncryptedChatBridge): ChatApi {
  return chatApiOver(
    (method, args) => openEnvelope<never>((bridge[method] as (...a: unknown[]) => Promise<unknown>)(...args), BROKEN_BRIDGE),
    (listener) => bridge.onEvent(listener),
  );
}

/** The bridge when this window runs inside the desktop app, else null (the browser). */
export function electronBridge(scope: { [BRIDGE_GLOBAL_NAME]?: EncryptedChatBridge } = globalThis as { encryptedChat?: EncryptedChatBridge }): EncryptedChatBridge | null {
  return scope[BRIDGE_GLOBAL_NAME] ?? null;
}
