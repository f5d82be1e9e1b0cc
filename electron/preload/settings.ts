// Preload: settings and the server address.
import type { EncryptedChatBridge } from '../../renderer/src/api/ipc-contract.js';
import type { Invoke } from './invoke.js';

export function settingsBridge(invoke: Invoke): Pick<EncryptedChatBridge, 'getSettings' | 'setServer' | 'updateSettings'> {
  return {
    getSettings: () => invoke('getSettings'),
    setServer: (choice) => invoke('setServer', choice),
    updateSettings: (update) => invoke('updateSettings', update),
  };
}
