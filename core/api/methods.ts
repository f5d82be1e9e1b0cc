// The ChatApi's methods as a list (no schemas here, so the sandboxed preload can bundle it without zod).
// The preload, the main process, the worker and both window adapters are built from this list, so a new
// ChatApi method needs no code of its own in any of them.
import type { ChatApi } from './chat-api.js';

/**
 * Every request/reply method of the ChatApi (all but the event subscription) with how many arguments it
 * takes: the preload forwards exactly that many, whatever the page passes. The type below proves each count
 * against the interface, and that no method is missing or extra.
 */
export const METHOD_ARITY = {
  getSettings: 0,
  setServer: 1,
  updateSettings: 1,
  serverInfo: 0,
  currentAccount: 0,
  register: 1,
  login: 1,
  recoverAccount: 1,
  logout: 0,
  logoutEverywhere: 0,
  changePassword: 1,
  devices: 0,
  signOutDevice: 1,
  recoveryStatus: 0,
  createRecoveryCode: 1,
  removeRecoveryCode: 1,
  saveRecoveryCode: 1,
  usernameTaken: 1,
  deleteAccount: 1,
  searchUsers: 1,
  contacts: 0,
  contactDetails: 1,
  trustContactKey: 1,
  disownEarlierKeys: 1,
  blockContact: 1,
  unblockContact: 1,
  groups: 0,
  groupDetails: 1,
  createGroup: 1,
  changeGroupMembers: 1,
  renameGroup: 1,
  leaveGroup: 1,
  confirmGroupMembers: 1,
  conversation: 1,
  readMessages: 1,
  send: 1,
  editMessage: 1,
  deleteMessage: 1,
  react: 1,
  markRead: 2,
  previews: 1,
  sendFiles: 1,
  fileBytes: 1,
  cancelTransfer: 1,
  saveFile: 1,
  keyLog: 0,
  auditKeyLog: 0,
  acceptLogKey: 0,
  dismissKeyLogAlarm: 1,
  openLink: 1,
  reconnectNow: 0,
  setVisible: 1,
  drafts: 0,
  saveDraft: 2,
} as const satisfies { readonly [M in Exclude<keyof ChatApi, 'onEvent'>]: Parameters<ChatApi[M]>['length'] };

export type ChatMethod = keyof typeof METHOD_ARITY;

export const CHAT_METHODS = Object.keys(METHOD_ARITY) as ChatMethod[];

/** The arguments a method carries, as the tuple an `invoke` spreads. */
export type ChatRequest<M extends ChatMethod> = Parameters<ChatApi[M]>;

/** What a method answers with when it succeeds. */
export type ChatReply<M extends ChatMethod> = Awaited<ReturnType<ChatApi[M]>>;

/**
 * What the session itself serves (ChatClient has these, name for name); the rest — settings, links and
 * saving a file — belong to the app around it (the desktop main process, the web page).
 */
export const SESSION_METHODS = [
  'serverInfo',
  'currentAccount',
  'register',
  'login',
  'recoverAccount',
  'logout',
  'logoutEverywhere',
  'changePassword',
  'devices',
  'signOutDevice',
  'recoveryStatus',
  'createRecoveryCode',
  'removeRecoveryCode',
  'deleteAccount',
  'searchUsers',
  'contacts',
  'contactDetails',
  'trustContactKey',
  'disownEarlierKeys',
  'blockContact',
  'unblockContact',
  'groups',
  'groupDetails',
  'createGroup',
  'changeGroupMembers',
  'renameGroup',
  'leaveGroup',
  'confirmGroupMembers',
  'conversation',
  'readMessages',
  'send',
  'editMessage',
  'deleteMessage',
  'react',
  'markRead',
  'previews',
  'sendFiles',
  'fileBytes',
  'cancelTransfer',
  'keyLog',
  'auditKeyLog',
  'acceptLogKey',
  'dismissKeyLogAlarm',
  'usernameTaken',
  'reconnectNow',
  'setVisible',
] as const satisfies readonly ChatMethod[];
export type SessionMethod = (typeof SESSION_METHODS)[number];

/** The session methods that sign someone in: after them, the serving side starts live updates. */
export const SIGN_IN_METHODS = ['register', 'login', 'recoverAccount'] as const satisfies readonly SessionMethod[];

export function isSignInMethod(value: unknown): value is (typeof SIGN_IN_METHODS)[number] {
  return (SIGN_IN_METHODS as readonly unknown[]).includes(value);
}

export function isChatMethod(value: unknown): value is ChatMethod {
  return typeof value === 'string' && Object.hasOwn(METHOD_ARITY, value);
}

export function isSessionMethod(value: unknown): value is SessionMethod {
  return typeof value === 'string' && (SESSION_METHODS as readonly string[]).includes(value);
}
