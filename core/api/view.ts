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
  | 'unreadable_format'; // a message format or content type this version cannot show

export type MessageStatus = 'verified' | FailureCode;

/** A message's place in a conversation, known before (and without) decrypting it. */
export interface MessageHeaderView {
  id: string;
  seq: number;
  sender: string;
  recipient: string;
  /** ISO 8601 UTC, assigned by the server. */
  timestamp: string;
  /** True when the signed-in user sent it. */
  outgoing: boolean;
}

export interface MessageView extends MessageHeaderView {
  /** The plaintext when it opened; null when it did not. */
  text: string | null;
  status: MessageStatus;
  /** A sentence for a person when status is not 'verified'. */
  reason: string | null;
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
  | { type: 'key_changed'; change: KeyChange }
  | { type: 'connection'; state: ConnectionState; detail: string | null }
  | { type: 'progress'; progress: Progress }
  | { type: 'signed_out'; reason: string };

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
  | 'quota_exceeded'; // the server's per-user storage quota is full

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

export interface PasswordChange {
  currentPassword: string;
  newPassword: string;
}

export interface ConversationPageRequest {
  peer: string;
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
  recipient: string;
  text: string;
  /** A UUID v4 the caller made; sending again with the same id retries the same message, never a duplicate. */
  id: string;
}
