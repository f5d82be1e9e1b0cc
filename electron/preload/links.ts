// Preload: opening a link from a message in the system browser (main checks it first).
import type { EncryptedChatBridge } from '../../renderer/src/api/ipc-contract.js';
import type { Invoke } from './invoke.js';

export function linksBridge(invoke: Invoke): Pick<EncryptedChatBridge, 'openLink'> {
  return { openLink: (url) => invoke('openLink', url) };
}
