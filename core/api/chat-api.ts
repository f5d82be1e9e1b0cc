// The one interface the window talks to. Types only: the Electron bridge (electron/ + preload) and the
// client core in the page's worker (renderer/src/api/web/) both implement it, method for method as listed in
// methods.ts. Nothing that crosses it is a private key, a token or ciphertext. Every method rejects with a
// ChatError (errors.ts), whose `info` is a ChatErrorInfo.
import type {
  AccountRecovery,
  AccountView,
  ChatEvent,
  ContactDetails,
  ContactView,
  ConversationPage,
  ConversationKey,
  ConversationPageRequest,
  Credentials,
  DeleteRequest,
  DeviceView,
  EditRequest,
  FileRef,
  GroupRename,
  GroupView,
  KeyLogView,
  MembersChange,
  MessageView,
  NewGroup,
  PasswordChange,
  PreviewView,
  ReactionRequest,
  RecoveryCodeView,
  RecoveryStatus,
  Registration,
  SendFilesRequest,
  SendRequest,
  ServerInfoView,
} from './view.js';
import type { ClientSettings, ServerChoice, SettingsUpdate } from './settings.js';

export type * from './view.js';
export type * from './settings.js';

export interface ChatApi {
  getSettings(): Promise<ClientSettings>;
  /** Checks the server answers (GET /health) over a safe transport, then remembers it. */
  setServer(choice: ServerChoice): Promise<ClientSettings>;
  updateSettings(update: SettingsUpdate): Promise<ClientSettings>;
  /** What the server says before sign-in: whether it takes new accounts, and how long it keeps messages. */
  serverInfo(): Promise<ServerInfoView>;

  /** The signed-in account, if a session is open (or restored from "stay signed in"). */
  currentAccount(): Promise<AccountView | null>;
  register(registration: Registration): Promise<AccountView>;
  login(credentials: Credentials): Promise<AccountView>;
  /** "Forgot password": signs in with the recovery code and sets a new password; the code is used up. */
  recoverAccount(recovery: AccountRecovery): Promise<AccountView>;
  logout(): Promise<void>;
  /** Ends every session of the account, on every device, this one too. */
  logoutEverywhere(): Promise<void>;
  /** Also ends every other session of the account (PROTOCOL.md "Accounts (v2)"). */
  changePassword(change: PasswordChange): Promise<void>;
  /** The account's signed-in devices, oldest sign-in first. */
  devices(): Promise<DeviceView[]>;
  /** Signs one of the other devices out; answers the devices left. */
  signOutDevice(id: string): Promise<DeviceView[]>;
  recoveryStatus(): Promise<RecoveryStatus>;
  /**
   * Makes a new recovery code behind the current password (replacing any earlier one, and ending every other
   * session); answers it so the window can show it once. It is never stored on this device.
   */
  createRecoveryCode(password: string): Promise<RecoveryCodeView>;
  removeRecoveryCode(password: string): Promise<RecoveryStatus>;
  /** Saves a recovery code as a text file where the person chooses; false when they cancelled. */
  saveRecoveryCode(code: string): Promise<boolean>;
  /** Whether a username is taken on the server (a deleted account's name stays taken); no sign-in needed. */
  usernameTaken(username: string): Promise<boolean>;
  /** Deletes the account on the server for good, behind the password; this device is signed out. */
  deleteAccount(password: string): Promise<void>;

  /** Registered users whose name starts with `query`. */
  searchUsers(query: string): Promise<string[]>;
  /** People the user has exchanged messages with (or opened), newest activity first. */
  contacts(): Promise<ContactView[]>;
  contactDetails(username: string): Promise<ContactDetails>;
  /** Accepts a contact's changed key: pins the key the server shows now. */
  trustContactKey(username: string): Promise<ContactDetails>;
  /** The person says the contact's earlier keys were never theirs: messages signed with them become failed. */
  disownEarlierKeys(username: string): Promise<ContactDetails>;
  /** Blocks a contact: the server refuses their direct messages to the signed-in user (PUT /blocks/{u}). */
  blockContact(username: string): Promise<ContactDetails>;
  unblockContact(username: string): Promise<ContactDetails>;

  /** The groups the user is in (or was, and still has messages of), newest activity first. */
  groups(): Promise<GroupView[]>;
  /** One group, its server list fetched again and compared with the verified membership. */
  groupDetails(group: string): Promise<GroupView>;
  /** Creates the group on the server and announces it (name, members) to its members. */
  createGroup(group: NewGroup): Promise<GroupView>;
  /** Adds (any member) or removes (the owner) people: additions are made then announced, removals announced then made. */
  changeGroupMembers(change: MembersChange): Promise<GroupView>;
  renameGroup(rename: GroupRename): Promise<GroupView>;
  /** Leaves the group: announced to the others first (naming the next owner when the owner leaves), then made. */
  leaveGroup(group: string): Promise<void>;
  /** The person accepts, on this device, the members the server lists that no announcement explains. */
  confirmGroupMembers(group: string): Promise<GroupView>;

  conversation(request: ConversationPageRequest): Promise<ConversationPage>;
  /** Decrypts and verifies these messages (results are cached, so asking twice is cheap). */
  readMessages(ids: string[]): Promise<MessageView[]>;
  send(request: SendRequest): Promise<MessageView>;
  /** Edits one of the user's own messages; answers the edited message as shown now. */
  editMessage(request: EditRequest): Promise<MessageView>;
  /** Withdraws one of the user's own messages for everyone; answers it as shown now ("deleted"). */
  deleteMessage(request: DeleteRequest): Promise<MessageView>;
  /** Adds (or, with remove, takes back) the user's reaction; answers the message as shown now. */
  react(request: ReactionRequest): Promise<MessageView>;
  /** Marks everything in the conversation up to `seq` as read. */
  markRead(conversation: ConversationKey, seq: number): Promise<void>;
  /**
   * The line under each conversation's name (at most MAX_PREVIEW_BATCH of them, core/api/preview-batch.ts): its
   * newest shown message, read and verified like any other, worded by the core. Cached per conversation until
   * its newest seq moves or a message of it changes, so asking again is cheap. A conversation whose messages
   * cannot be fetched now is left out of the answer; when none can, the call rejects with the reason.
   */
  previews(conversations: ConversationKey[]): Promise<PreviewView[]>;

  /**
   * Seals and uploads each file (`transfer` events), checks each answered digest, then sends one `file` message
   * naming them. A file above the server's limit is refused before uploading; cancelTransfer → `cancelled`.
   */
  sendFiles(request: SendFilesRequest): Promise<MessageView>;
  /** Downloads one file of a message and verifies it (digest, every chunk, its length); `file_failed` otherwise. */
  fileBytes(ref: FileRef): Promise<Uint8Array>;
  /** Stops an upload or download under way: it rejects with `cancelled`. */
  cancelTransfer(transfer: string): Promise<void>;
  /**
   * Saves one verified file where the person chooses (desktop: a save dialog; web: a download under its safe
   * name); `saved: false` when they cancelled the dialog. Nothing is left behind of a file that fails.
   */
  saveFile(ref: FileRef): Promise<{ saved: boolean }>;

  /** This device's view of the server's key log (PROTOCOL.md "Key transparency"): size, log key, alarms. */
  keyLog(): Promise<KeyLogView>;
  /** Reads the log since the last check and recomputes its root now (it also runs after sign-in and hourly). */
  auditKeyLog(): Promise<KeyLogView>;
  /** Accepts the log key the server shows now, in place of the pinned one. */
  acceptLogKey(): Promise<KeyLogView>;
  /** The person dealt with an alarm (a changed log key is dealt with only by accepting it). */
  dismissKeyLogAlarm(id: string): Promise<KeyLogView>;

  /** Opens an http(s) link from a message in the system browser (desktop) or a new tab (web), after a check. */
  openLink(url: string): Promise<void>;

  /** The live connection tries again now (a "Retry now", the network back, the page visible again). */
  reconnectNow(): Promise<void>;
  /** Whether a person can see the window: while they can, reconnecting waits at most a few seconds. */
  setVisible(visible: boolean): Promise<void>;
  /** The composer drafts this device keeps, by key (core/api/drafts.ts: server, account, conversation). */
  drafts(): Promise<Record<string, string>>;
  /** Keeps a draft under its key (blank text deletes it); the app keeps drafts, signed in or not. */
  saveDraft(key: string, text: string): Promise<void>;

  /** Live events; returns the function that stops listening. */
  onEvent(listener: (event: ChatEvent) => void): () => void;
}

