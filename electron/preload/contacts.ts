// Preload: people — search, contacts, key details and accepting a changed key.
import type { EncryptedChatBridge } from '../../renderer/src/api/ipc-contract.js';
import type { Invoke } from './invoke.js';

export function contactsBridge(invoke: Invoke): Pick<EncryptedChatBridge, 'searchUsers' | 'contacts' | 'contactDetails' | 'trustContactKey'> {
  return {
    searchUsers: (query) => invoke('searchUsers', query),
    contacts: () => invoke('contacts'),
    contactDetails: (username) => invoke('contactDetails', username),
    trustContactKey: (username) => invoke('trustContactKey', username),
  };
}
