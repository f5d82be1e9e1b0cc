// Preload: live events from main on `chat:event`. The window's listener gets the ChatEvent only — never
// Electron's IpcRendererEvent, which would hand the page a reference to ipcRenderer's sender.
import type { ChatEvent } from '../../core/api/chat-api.js';
import { EVENT_CHANNEL, type EncryptedChatBridge } from '../../core/api/ipc-contract.js';

/** The parts of Electron's ipcRenderer the preload uses. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

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
