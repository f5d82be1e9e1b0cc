// Preload: the account — sign in, register, sign out, password. Passwords go to main and nowhere else.
import type { EncryptedChatBridge } from '../../renderer/src/api/ipc-contract.js';
import type { Invoke } from './invoke.js';

export function accountBridge(
  invoke: Invoke,
): Pick<EncryptedChatBridge, 'currentAccount' | 'register' | 'login' | 'logout' | 'changePassword'> {
  return {
    currentAccount: () => invoke('currentAccount'),
    register: (credentials) => invoke('register', credentials),
    login: (credentials) => invoke('login', credentials),
    logout: () => invoke('logout'),
    changePassword: (change) => invoke('changePassword', change),
  };
}
