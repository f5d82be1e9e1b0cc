// Preload: people — search, contacts, key details, accepting a changed key, disowning earlier keys, blocking.
import type { EncryptedChatBridge } from '../../renderer/src/api/ipc-contract.js';
import type { Invoke } from './invoke.js';

export function contactsBridge(invoke: Invoke): Pick<
  EncryptedChatBridge,
  'searchUsers' | 'contacts' | 'contactDetails' | 'trustContactKey' | 'disownEarlierKeys' | 'blockContact' | 'unblockContact'
> {
  return {
    searchUsers: (query) => invoke('searchUsers', query),
    contacts: () => invoke('contacts'),
    contactDetails: (username) => invoke('contactDetails', username),
    trustContactKey: (username) => invoke('trustContactKey', username),
    disownEarlierKeys: (username) => invoke('disownEarlierKeys', username),
    blockContact: (username) => invoke('blockContact', username),
    unblockContact: (username) => invoke('unblockContact', username),
  };
}
