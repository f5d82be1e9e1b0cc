// Preload: conversations — pages of headers, decrypted messages, sending, read markers.
import type { EncryptedChatBridge } from '../../renderer/src/api/ipc-contract.js';
import type { Invoke } from './invoke.js';

export function messagesBridge(invoke: Invoke): Pick<EncryptedChatBridge, 'conversation' | 'readMessages' | 'send' | 'markRead'> {
  return {
    conversation: (request) => invoke('conversation', request),
    readMessages: (ids) => invoke('readMessages', ids),
    send: (request) => invoke('send', request),
    markRead: (peer, seq) => invoke('markRead', peer, seq),
  };
}
