// What a person is shown: decrypted text and verification state, never keys, tokens or ciphertext.
// These types cross every client boundary (CLI output, Electron IPC, the window), so they live here once.

/** Why a message cannot be shown as a normal, verified message. */
export type FailureCode =
  | 'decrypt_failed' // the session key, body or signature did not open (tampered, or not meant for us)
  | 'bad_signature' // opened, but the signature does not match the pinned key of the sender
  | 'key_changed' // the sender's key on the server differs from the pinned one, and was not accepted yet
  | 'unknown_sender_key' // the sender's key could not be fetched or parsed
  | 'malformed' // the record from the server is not a valid message
  | 'misplaced' // the list entry or event naming it differs from the record (e.g. listed in the wrong conversation)
  | 'earlier_key' // signed with a key of the sender's that was replaced, and not verified on this device before that
  | 'disowned_key' // signed with an earlier key the person said was never the sender's
  | 'unreadable_format' // a message format or content type this version cannot show
  | 'may_not_change' // an edit, delete or reaction aimed at a message of another conversation (or, for edit/delete, another sender)
  | 'invalid_announcement'; // a group announcement its sender may not make, or whose lists do not add up

export type MessageStatus = 'verified' | FailureCode;

/**
 * A conversation as the window and the CLI name it: a direct one is the other person's username, a group one
 * is "group:" followed by the group's id (usernames hold no colon, so the two never meet). conversation-key.ts
 * builds and reads them.
 */
export type ConversationKey = string;

/** A message's place in a conversation, known before (and without) decrypting it. */
export interface MessageHeaderView {
  id: string;
  seq: number;
  sender: string;
  /** The recipient of a direct message; null for a group message (its members are in the group). */
  recipient: string | null;
  /** The group id of a group message; null for a direct one. */
  group: string | null;
  /** The conversation it belongs to, seen from the signed-in user: the other person, or the group. */
  conversation: ConversationKey;
  /** ISO 8601 UTC, assigned by the server. */
  timestamp: string;
  /** True when the signed-in user sent it. */
  outgoing: boolean;
}

export interface MessageView extends MessageHeaderView {
  /** The text to show (the latest edit's, for an edited message); null when it did not open, or has none. */
  text: string | null;
  status: MessageStatus;
  /** A sentence for a person when status is not 'verified'. */
  reason: string | null;
  /**
   * 'message': a bubble. 'change': an edit, delete or reaction — shown on its target, so the window shows
   * nothing for it unless it failed (status then says why). 'announcement': a group change, one line whose
   * `text` says what changed ("alice added carol").
   */
  kind: 'message' | 'change' | 'announcement';
  /** The id of the message this one replies to. */
  replyTo: string | null;
  /** True when the text shown is a later edit of the sender's. */
  edited: boolean;
  /** 'by_sender': withdrawn by its sender (a verified delete); 'by_server': the server erased it without one. */
  deleted: 'by_sender' | 'by_server' | null;
  /** Reactions that count now, one entry per emoji, people sorted. */
  reactions: ReactionView[];
  /** The sender's own clock (ISO 8601) when it differs from the server's timestamp by more than 10 minutes. */
  senderClock: string | null;
  /** A group message whose sender or recipients differ from the membership its members announced: why. */
  warning: string | null;
  /** A `file` message's files (its caption stays in `text`). */
  files?: FileView[];
}

/** One file of a `file` message, as the window may show it (claims cut to what is safe). */
export interface FileView {
  /** Its place in the message's `files`. */
  index: number;
  /** safeFileName(claimed name). */
  name: string;
  /** The sender's claim, shown as a type only. */
  mime: string;
  /** Plaintext bytes. */
  size: number;
  /** Only when the thumbnail's bytes really are JPEG or PNG (magic bytes): a data: URL of it. */
  image?: { width: number; height: number; thumbnail: string };
}

export interface OutgoingFile {
  name: string;
  mime: string;
  bytes: Uint8Array;
  /** Made by the window (canvas) for images: JPEG or PNG of at most 8 KiB, base64. */
  image?: { width: number; height: number; thumbnail: string };
}

export interface SendFilesRequest {
  to: ConversationKey;
  files: OutgoingFile[];
  text?: string;
  replyTo?: string;
  /** An id the window picks, for progress events and cancel. */
  transfer: string;
}

/** Which file; `transfer` is an id the window picks, for progress events and cancel. */
export interface FileRef {
  conversation: ConversationKey;
  messageId: string;
  index: number;
  transfer: string;
}

/** ChatEvent member: progress of an upload or download, in bytes. */
export interface TransferEvent {
  type: 'transfer';
  transfer: string;
  done: number;
  total: number;
  state: 'running' | 'done' | 'failed' | 'cancelled';
  error?: string;
}

export interface ReactionView {
  emoji: string;
  people: string[];
}

/** A group as this device verified it from its members' announcements, beside what the server lists. */
export interface GroupView {
  id: string;
  /** Its ConversationKey ("group:" + id). */
  conversation: ConversationKey;
  /** The name its members announced; null until this device read an announcement. */
  name: string | null;
  /** The verified membership (sorted), the signed-in user included while a member. */
  members: string[];
  owner: string | null;
  /** What GET /groups/{id} lists now (sorted). */
  serverMembers: string[];
  /**
   * 'ok': messages go to the verified members. 'held': the server lists someone no announcement explains;
   * messages wait (up to a minute) for one. 'blocked': past that minute — a loud warning, messages wait until
   * an announcement arrives or the person confirms the server's list on this device. 'not_a_member': left or
   * removed; nothing can be sent.
   */
  sending: 'ok' | 'held' | 'blocked' | 'not_a_member';
  warnings: GroupWarning[];
  unread: number;
  lastActivity: string | null;
  lastSeq: number | null;
}

export interface GroupWarning {
  code: 'unannounced_member' | 'removed_without_announcement';
  user: string;
  /** True for the warnings a person must not miss: shown as a red banner. */
  loud: boolean;
  /** A sentence for a person, e.g. "The server lists carol in this group, but no member added her." */
  text: string;
}

export type KeyStatus =
  | 'pinned' // the key on the server is the one pinned on first use (or accepted later)
  | 'changed' // the server now shows a different key: warn loudly until the person accepts it
  | 'unknown'; // not fetched yet, or it could not be fetched

export interface ContactView {
  username: string;
  keyStatus: KeyStatus;
  unread: number;
  /** Timestamp of the newest message with this contact, if any. */
  lastActivity: string | null;
  lastSeq: number | null;
}

/**
 * The line under a conversation's name in the list: its newest shown message in a few words, as the core
 * words it (the window shows `text` as it is, as text). Edits, deletions and reactions are applied to their
 * target, never shown themselves.
 */
export interface PreviewView {
  conversation: ConversationKey;
  /** The conversation's newest seq (of any message, a change too) when this was made; null: no message yet. */
  lastSeq: number | null;
  /**
   * One line of at most about 80 characters ("You: see you at 8", "alice: Photo", "File: report.pdf", "This
   * message was deleted"); null when the conversation holds no message to show.
   */
  text: string | null;
  /** The message shown did not open or verify: `text` says so ("Message could not be verified"), never what it claimed. */
  failed: boolean;
}

export interface ContactDetails {
  username: string;
  keyStatus: KeyStatus;
  /** Fingerprint of the pinned key, 16 groups of 4 hex digits. */
  pinnedFingerprint: string | null;
  /** Fingerprint of the key the server shows now, when it differs from the pinned one. */
  serverFingerprint: string | null;
  createdAt: string | null;
  /** True when the signed-in user blocked this contact (the server refuses their direct messages). */
  blocked: boolean;
  /** Keys of this contact the person trusted before the pinned one, newest first. */
  earlierKeys: EarlierKeyView[];
  /** The contact deleted their account: the conversation stays readable, nothing can be sent to it. */
  deleted: boolean;
  /** What the server's key log says of the key the server shows now; null when it could not be asked. */
  keyLog: KeyLogState | null;
  /** Why the log refused the key, for a person. */
  keyLogDetail: string | null;
}

export interface EarlierKeyView {
  /** 16 groups of 4 hex digits. */
  fingerprint: string;
  /** True once the person said this key was never the contact's: messages signed with it are failed. */
  disowned: boolean;
}

export interface KeyChange {
  username: string;
  pinnedFingerprint: string;
  newFingerprint: string;
}

export interface AccountView {
  username: string;
  /** Fingerprint of the account's own key, grouped for reading aloud. */
  fingerprint: string;
  serverUrl: string;
}

/** What the server's key log (PROTOCOL.md "Key transparency") says of a contact's key. */
export type KeyLogState =
  /** the log holds exactly this key for this name, in a head this device verified */
  | 'confirmed'
  /** the server keeps no key log (an older server) */
  | 'unavailable'
  /** the log does not prove this key: it must not be used */
  | 'refused';

export type KeyLogAlarmKind =
  /** a contact's key the log does not contain */
  | 'missing_key'
  /** the server shows different key histories to different people (or would not prove its log) */
  | 'fork'
  /** a key was registered in the signed-in person's name */
  | 'own_name'
  /** a second key was registered in a contact's name */
  | 'other_name'
  /** the log is signed with another key than the one this device pinned */
  | 'log_key_changed'
  /** a head the log key did not sign */
  | 'bad_head'
  /** the newest head is more than an hour old (a warning) */
  | 'stale';

export interface KeyLogAlarm {
  id: string;
  kind: KeyLogAlarmKind;
  username: string | null;
  /** What happened and what to do, for a person. */
  message: string;
  raisedAt: number;
}

/** This device's view of the server's key log. */
export interface KeyLogView {
  /** The server keeps a key log and this device pinned its key. */
  available: boolean;
  /** Entries in the newest head this device verified. */
  size: number | null;
  /** Entries this device read and checked itself. */
  checkedSize: number;
  logKeyFingerprint: string | null;
  /** A different log key the server shows now, waiting for the person to accept it. */
  offeredKeyFingerprint: string | null;
  alarms: KeyLogAlarm[];
}

/** One signed-in device of the account: a session on the server (PROTOCOL.md "Accounts (v2)", Sessions). */
export interface DeviceView {
  id: string;
  /** What the device called itself when it signed in ("Desktop, Linux"); null when it gave no name. */
  name: string | null;
  signedInAt: number;
  lastSeenAt: number;
  /** This device. */
  current: boolean;
}

/** Whether the account has a recovery code, and when and on which device it was made. */
export interface RecoveryStatus {
  set: boolean;
  setAt: number | null;
  device: string | null;
}

/** A new recovery code, shown to the person once: 8 groups of 4 letters and digits joined by "-". */
export interface RecoveryCodeView {
  code: string;
  setAt: number;
}

/** What a server tells everyone before sign-in (GET /health). */
export interface ServerInfoView {
  /** Whether it takes new accounts; null when the server does not say (a v1 server: open or closed). */
  registration: 'open' | 'invite' | 'closed' | null;
  /** Messages older than this are deleted by the server's operator; null when the server keeps everything. */
  retention: { days: number; purgedAt: number | null } | null;
}

export type ProgressPhase = 'generating_key' | 'deriving_login_key' | 'deriving_storage_key' | 'unlocking' | 'sealing';

export interface Progress {
  phase: ProgressPhase;
  /** 0 to 1; null when the step cannot report how far it is. */
  fraction: number | null;
  /** A short sentence for a person, e.g. "Making your encryption key". */
  label: string;
}

export type ConnectionState = 'online' | 'connecting' | 'offline';

export type ChatEvent =
  | { type: 'message'; message: MessageHeaderView }
  /** A message already read changed: an edit, delete or reaction aimed at it was read. */
  | { type: 'message_updated'; message: MessageView }
  /** A group's verified membership, name, server list or warnings changed. */
  | { type: 'group_changed'; group: GroupView }
  | { type: 'key_changed'; change: KeyChange }
  | { type: 'connection'; state: ConnectionState; detail: string | null }
  | { type: 'progress'; progress: Progress }
  | { type: 'signed_out'; reason: string }
  /** Read positions from the person's other devices came in: unread counts of contacts and groups changed. */
  | { type: 'read_elsewhere' }
  /** The key log's alarms or state changed. */
  | { type: 'key_log'; keyLog: KeyLogView }
  /** An upload or download moved on, ended, failed or was cancelled. */
  | TransferEvent;

/** Every failure a person can hit, as a code a program can branch on and a message a person understands. */
export type ChatErrorCode =
  | 'wrong_password'
  | 'username_taken'
  | 'weak_password'
  | 'invalid_input'
  | 'not_found'
  | 'unauthorized'
  | 'forbidden'
  | 'rate_limited'
  | 'server_unreachable'
  | 'bad_certificate'
  | 'insecure_transport'
  | 'server_error'
  | 'protocol_violation'
  | 'tampered'
  | 'key_changed' // a contact's key differs from the pinned one: sending is refused until the person accepts it
  | 'locked'
  | 'keychain_unavailable'
  | 'quota_exceeded' // the server's per-user storage quota is full
  | 'gone' // the account was deleted (410)
  | 'held' // a group message waits: the server lists a member no announcement explains (GroupView.sending)
  | 'cancelled' // the person cancelled an upload or download (cancelTransfer, or the caller's AbortSignal)
  | 'file_failed' // a downloaded file did not verify (digest, a chunk, its length): never shown or saved
  | 'too_large'; // a file above the server's ATTACHMENT_LIMIT

/** The plain-data form of an error, as it crosses IPC or is printed by the CLI. */
export interface ChatErrorInfo {
  code: ChatErrorCode;
  message: string;
  /** For rate_limited: seconds until a retry can succeed. */
  retryAfterSeconds?: number;
}

// ---- requests a client makes of its session (the ChatApi and the CLI pass these through) ----

export interface Credentials {
  username: string;
  password: string;
}

/** A registration: an invite code too, when the server takes new accounts by invitation only. */
export interface Registration extends Credentials {
  invite?: string;
}

/** "Forgot password": the recovery code as typed (case, spaces and "-" do not matter) and the new password. */
export interface AccountRecovery {
  username: string;
  code: string;
  newPassword: string;
}

export interface PasswordChange {
  currentPassword: string;
  newPassword: string;
}

export interface ConversationPageRequest {
  conversation: ConversationKey;
  /** Load messages older than this seq; omitted for the newest page. */
  beforeSeq?: number;
  /** At most this many headers (default 100). */
  limit?: number;
}

export interface ConversationPage {
  /** Oldest first. Headers only: the window asks to decrypt what it shows. */
  messages: MessageHeaderView[];
  /** True when older messages exist before the first one returned. */
  hasMore: boolean;
}

export interface SendRequest {
  conversation: ConversationKey;
  text: string;
  /** A UUID v4 the caller made; sending again with the same id retries the same message, never a duplicate. */
  id: string;
  /** The id of a message of the same conversation this one replies to. */
  replyTo?: string;
}

/** New text for one of the signed-in user's own messages. */
export interface EditRequest {
  target: string;
  text: string;
  /** A UUID v4 for the edit message itself (as SendRequest's). */
  id: string;
}

/** Withdraws one of the signed-in user's own messages for everyone: a delete message, then DELETE /messages/{id}. */
export interface DeleteRequest {
  target: string;
  id: string;
}

export interface ReactionRequest {
  target: string;
  /** One emoji (at most 32 UTF-8 bytes). */
  emoji: string;
  /** True takes the signed-in user's reaction with this emoji back. */
  remove?: boolean;
  id: string;
}

export interface NewGroup {
  /** 1 to 100 characters. */
  name: string;
  /** The others to add (the creator is added and is the owner). */
  members: string[];
}

export interface MembersChange {
  group: string;
  add?: string[];
  remove?: string[];
}

export interface GroupRename {
  group: string;
  name: string;
}
