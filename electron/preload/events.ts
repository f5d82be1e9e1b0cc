// Preload: live events from main on `chat:event`. The window's listener gets the ChatEvent only — never
// Electron's IpcRendererEvent, which would hand the page a reference to ipcRenderer's sender.
import type { ChatEvent } from '../../renderer/src/api/chat-api.js';
import type { ChatEventChannel, EncryptedChatBridge } from '../../renderer/src/api/ipc-contract.js';
import type { IpcRendererLike } from './invoke.js';

const EVENT_CHANNEL: ChatEventChannel = 'chat:event';

export function eventsBridge(ipc: Pick<IpcRendererLike, 'on' | 'removeListener'>): Pick<EncryptedChatBridge, 'onEvent'> {
  return {
    onEvent: (listener) => {
      if (typeof listener !== 'function') throw new TypeError('onEvent needs a function.');
      const relay = (_event: unknown, payload: unknown) => listener(payload as ChatEvent);
      ipc.on(EVENT_CHANNEL, relay);
      let listening = true;
      return () => {
        if (!listening) return;
        listening = false;
        ipc.removeListener(EVENT_CHANNEL, relay);
      };
    },
  };
}
