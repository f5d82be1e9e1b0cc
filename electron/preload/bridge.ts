// Preload, no Electron import: the one narrow object the window gets, composed from the domain modules.
// Spelled out as one literal so the compiler proves every ChatApi method is present, and nothing more.
import type { EncryptedChatBridge } from '../../renderer/src/api/ipc-contract.js';
import { accountBridge } from './account.js';
import { contactsBridge } from './contacts.js';
import { eventsBridge } from './events.js';
import { makeInvoke, type IpcRendererLike } from './invoke.js';
import { linksBridge } from './links.js';
import { messagesBridge } from './messages.js';
import { settingsBridge } from './settings.js';

export function createBridge(ipc: IpcRendererLike): EncryptedChatBridge {
  const invoke = makeInvoke(ipc);
  const bridge: EncryptedChatBridge = {
    ...settingsBridge(invoke),
    ...accountBridge(invoke),
    ...contactsBridge(invoke),
    ...messagesBridge(invoke),
    ...linksBridge(invoke),
    ...eventsBridge(ipc),
  };
  return Object.freeze(bridge);
}
