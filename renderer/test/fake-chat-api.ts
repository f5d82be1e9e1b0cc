// An in-memory ChatApi for component tests: records calls, lets a test queue failures and push events. It is
// held to the real adapters by the ChatApi contract (test/contract/): same validation, errors and normalising.
// One file on purpose: it stands in for the whole ChatApi, method for method. Sections: test controls, test
// data, bookkeeping, the call path, then the methods in the order of chat-api.ts.
import type {
  AccountRecovery, AccountView, ChatApi, DeviceView, KeyLogView, RecoveryStatus, Registration, ServerInfoView, ChatErrorInfo, ChatEvent, ClientSettings, ContactDetails, ContactView, ConversationKey, ConversationPage,
  ConversationPageRequest, Credentials, DeleteRequest, EditRequest, GroupRename, GroupView, MembersChange, MessageHeaderView, MessageView,
  NewGroup, PasswordChange, PreviewView, ReactionRequest, SendRequest, ServerChoice, SettingsUpdate, FileRef, FileView, SendFilesRequest,
} from '../../core/api/chat-api.js';
import { previewLine } from '../../core/client/preview-text.js';
import { thumbnailUrl } from '../../core/client/content-view.js';
import { safeFileName } from '../../core/protocol/file-rules.js';
import { groupKey, targetOf } from '../../core/api/conversation-key.js';
import { openEnvelope } from '../../core/api/envelope.js';
import { ChatError, notSignedIn, UNEXPECTED_ERROR, wrongPassword } from '../../core/api/errors.js';
import { SESSION_METHODS, type ChatReply, type ChatRequest } from '../../core/api/methods.js';
import { MIN_NEW_PASSWORD_LENGTH } from '../../core/api/schemas.js';
import { serveCall, type CallTarget } from '../../core/api/serve-call.js';
import { checkLink, REFUSED_LINK_MESSAGE } from '../../core/links/link-policy.js';
import { withDraft } from '../../core/api/drafts.js';
import { displayRecoveryCode, newRecoveryCode, parseRecoveryCode } from '../../core/crypto/recovery-code.js';

type Method = Exclude<keyof ChatApi, 'onEvent'>;

/** What a test may set on a message it stores (everything of a view but what follows from where it is). */
export type MessageFields = Partial<Omit<MessageView, 'seq' | 'conversation' | 'group'>>;

export const FINGERPRINT_A = '0123 4567 89ab cdef 0123 4567 89ab cdef 0123 4567 89ab cdef 0123 4567 89ab cdef';
export const FINGERPRINT_B = 'ffff eeee dddd cccc bbbb aaaa 9999 8888 7777 6666 5555 4444 3333 2222 1111 0000';

/** What the real session serves signed out too; every other session method refuses until someone signs in. */
const SIGNED_OUT_OK = new Set<Method>(['serverInfo', 'currentAccount', 'register', 'login', 'recoverAccount', 'logout', 'logoutEverywhere', 'changePassword', 'searchUsers', 'usernameTaken', 'reconnectNow', 'setVisible']);
const NEEDS_SESSION = new Set<Method>(SESSION_METHODS.filter((m) => !SIGNED_OUT_OK.has(m)));

/** A lowercase UUID v4 made of a prefix and a counter, so tests can read which is which. */
const uuid = (prefix: string, n: number) => `${prefix}-0000-4000-8000-${String(n).padStart(12, '0')}`;
const THIS_DEVICE = uuid('d0000000', 0);

const headerOf = ({ id, seq, sender, recipient, group, conversation, timestamp, outgoing }: MessageHeaderView): MessageHeaderView =>
  ({ id, seq, sender, recipient, group, conversation, timestamp, outgoing });
const noSuchUser = (username: string) => new ChatError('not_found', `There is no user named ${username}.`);
const noSuchMessage = () => new ChatError('not_found', 'This message is not on the server (or is not yours).');
const sorted = (names: Iterable<string>) => [...new Set(names)].sort();

/** Names as the core's announcements list them: "bob", "bob and carol", "bob, carol and dave". */
function list(names: readonly string[]): string {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

export class FakeChatApi implements ChatApi {
  settings: ClientSettings = { serverUrl: 'https://chat.example.org', caCertificatePem: null, lastUsername: null, theme: 'system', desktop: null };
  account: AccountView | null = null;
  /** The password of every account in `users`. */
  password = 'correct horse battery staple';
  /** The accounts on the (pretend) server: they can sign in, be found, written to and looked up. */
  users = ['alice', 'bob', 'bobby', 'carol'];
  /** Contacts as the session knows them; send, receive, conversation and markRead keep it up to date. */
  contactList: ContactView[] = [];
  /** Groups as the session verified them; a test may set members, serverMembers, sending and warnings apart. */
  groupList: GroupView[] = [];
  details = new Map<string, ContactDetails>();
  /** Every stored message, oldest first (change messages included). */
  messages: MessageView[] = [];
  /** What a hostile server lists a message as (by id): conversation() shows these names, readMessages the record. */
  listedAs = new Map<string, Partial<Pick<MessageHeaderView, 'sender' | 'recipient' | 'group'>>>();
  /** The links openLink let through its check, as opened. */
  opened: string[] = [];
  /** What GET /health says; with registration 'invite', register needs `inviteCode`. */
  server: ServerInfoView = { registration: 'open', retention: null };
  inviteCode = 'invite-for-you';
  /** The account's other signed-in devices (this one is listed first, always). */
  otherDevices: DeviceView[] = [];
  /** The recovery code set for the account (as displayed), and when. */
  recovery: { code: string; setAt: number } | null = null;
  /** Codes saved with saveRecoveryCode. */
  savedCodes: string[] = [];
  /** The composer drafts the app keeps (saveDraft), by key; they outlive a session, as on disk. */
  draftStore: Record<string, string> = {};
  /** What setVisible was last told (the window is visible until it says otherwise). */
  visible = true;
  /** Accounts deleted: their names stay taken. */
  deleted = new Set<string>();
  /** The key log as this device sees it; a test adds alarms or an offered log key. */
  keyLogState: KeyLogView = { available: true, size: 12, checkedSize: 12, logKeyFingerprint: FINGERPRINT_B, offeredKeyFingerprint: null, alarms: [] };
  /** The bytes of every file sent or added, by message id and index (`${id}/${index}`). */
  fileStore = new Map<string, Uint8Array>();
  /** Files whose download fails verification (as a tampered blob would), by `${id}/${index}`, with the reason. */
  failingFiles = new Map<string, string>();
  /** Files saved with saveFile, in order; set `saveAnswer` false to play a person cancelling the dialog. */
  savedFiles: FileRef[] = [];
  saveAnswer = true;
  /** Transfers cancelled with cancelTransfer. */
  cancelledTransfers = new Set<string>();
  calls: { method: Method; args: unknown[] }[] = [];
  /** The next call of a method rejects with this (once), after its arguments passed the check. */
  failNext = new Map<Method, ChatErrorInfo>();
  /** Calls of these methods wait until the test resolves them. */
  holds = new Map<Method, () => void>();
  #holdMethods = new Set<Method>();
  #listeners = new Set<(event: ChatEvent) => void>();
  #readSeq = new Map<ConversationKey, number>();
  #seq = 0;
  #groupCount = 0;

  constructor(init: Partial<Pick<FakeChatApi, 'settings' | 'account' | 'contactList' | 'users' | 'password' | 'server' | 'otherDevices' | 'recovery'>> = {}) {
    Object.assign(this, init);
  }

  // ---- test controls ----

  emit(event: ChatEvent): void {
    for (const l of [...this.#listeners]) l(structuredClone(event));
  }

  hold(method: Method): void {
    this.#holdMethods.add(method);
  }

  release(method: Method): void {
    this.#holdMethods.delete(method);
    this.holds.get(method)?.();
    this.holds.delete(method);
  }

  callsOf(method: Method): unknown[][] {
    return this.calls.filter((c) => c.method === method).map((c) => c.args);
  }

  get #me(): string {
    return this.account?.username ?? 'alice';
  }

  // ---- test data: stored as on the server, not counted as unread (receive* and send do that) ----

  /**
   * Stores a direct message between the account and `peer` (or between `sender` and `recipient`, when given),
   * as test data: the contact list does not count it (receive() does).
   */
  addMessage(peer: string, options: MessageFields = {}): MessageView {
    const me = this.#me;
    const outgoing = options.sender !== undefined ? options.sender === me : (options.outgoing ?? false);
    const sender = options.sender ?? (outgoing ? me : peer);
    return this.#store({ ...options, outgoing, sender, recipient: options.recipient ?? (outgoing ? peer : me) }, null, peer);
  }

  /** Stores a message of a group: from its first member other than the account, unless said otherwise. */
  addGroupMessage(group: string, options: MessageFields = {}): MessageView {
    const me = this.#me;
    const outgoing = options.sender !== undefined ? options.sender === me : (options.outgoing ?? false);
    const others = this.groupList.find((g) => g.id === group)?.members.filter((m) => m !== me) ?? [];
    const sender = options.sender ?? (outgoing ? me : (others[0] ?? 'bob'));
    return this.#store({ ...options, outgoing, sender, recipient: null }, group, groupKey(group));
  }

  /** A group this device verified (members sorted, the account included unless left out); no messages yet. */
  addGroup(init: Partial<GroupView> & { members: string[] }): GroupView {
    const id = init.id ?? uuid('c0000000', ++this.#groupCount);
    const members = sorted(init.members);
    const group: GroupView = {
      name: null, owner: members[0] ?? null, serverMembers: members, sending: 'ok', warnings: [], unread: 0, lastActivity: null, lastSeq: null,
      ...init, id, conversation: groupKey(id), members,
    };
    this.groupList.push(group);
    return group;
  }

  /** A group changes as the core would tell the window: stored, then announced as group_changed. */
  changeGroup(id: string, change: Partial<Omit<GroupView, 'id' | 'conversation'>>): GroupView {
    const group = this.#group(id);
    Object.assign(group, change);
    this.emit({ type: 'group_changed', group });
    return group;
  }

  /** A message from `sender` arrives like one from the server: stored, counted in the contacts, announced. */
  receive(sender: string, text: string): MessageView {
    return this.#arrive(this.addMessage(sender, { text }));
  }

  /** A group message (or, with kind 'announcement', a group change) from `sender` arrives from the server. */
  receiveInGroup(group: string, sender: string, text: string, options: MessageFields = {}): MessageView {
    return this.#arrive(this.addGroupMessage(group, { ...options, sender, text }));
  }

  /** A `file` message from `sender` arrives, its files' bytes kept for fileBytes and saveFile. */
  receiveFiles(sender: string, files: { name: string; mime: string; bytes: Uint8Array; image?: FileView['image'] }[], text: string | null = null): MessageView {
    const view = this.addMessage(sender, { text, files: files.map((f, index) => fileViewOf(f, index)) });
    files.forEach((f, index) => this.fileStore.set(`${view.id}/${index}`, new Uint8Array(f.bytes)));
    return this.#arrive(view);
  }

  /** A stored message changed (someone edited, deleted or reacted to it): the core says so with message_updated. */
  update(id: string, change: MessageFields): MessageView {
    const view = this.messages.find((m) => m.id === id);
    if (!view) throw new Error(`no message ${id}`);
    Object.assign(view, change);
    this.emit({ type: 'message_updated', message: view });
    return view;
  }

  #store(fields: MessageFields & Pick<MessageView, 'sender' | 'recipient' | 'outgoing'>, group: string | null, conversation: ConversationKey): MessageView {
    const seq = ++this.#seq;
    const view: MessageView = {
      id: uuid('00000000', seq),
      timestamp: new Date(Date.UTC(2026, 10, 25, 12, 0, seq % 60)).toISOString(),
      text: `message ${seq}`,
      status: 'verified', reason: null, kind: 'message', replyTo: null, edited: false, deleted: null, reactions: [], senderClock: null, warning: null,
      ...(definedOnly(fields) as typeof fields),
      seq, group, conversation,
    };
    this.messages.push(view);
    return view;
  }

  #arrive(view: MessageView): MessageView {
    this.#record(view);
    this.emit({ type: 'message', message: headerOf(view) });
    return view;
  }

  // ---- bookkeeping ----

  #contact(peer: string): ContactView {
    let contact = this.contactList.find((c) => c.username === peer);
    if (!contact) {
      contact = { username: peer, keyStatus: 'pinned', unread: 0, lastActivity: null, lastSeq: null };
      this.contactList.push(contact);
    }
    return contact;
  }

  /** Moves the contact's or group's last activity to a new message, and counts it unread if it is someone else's. */
  #record(view: MessageView): void {
    const entry = view.group !== null ? this.#group(view.group) : this.#contact(view.conversation);
    if (entry.lastSeq === null || view.seq > entry.lastSeq) Object.assign(entry, { lastSeq: view.seq, lastActivity: view.timestamp });
    if (!view.outgoing && view.seq > (this.#readSeq.get(view.conversation) ?? 0)) entry.unread++;
  }

  #exists(username: string): boolean {
    return username === this.#me || this.users.includes(username) || this.details.has(username);
  }

  #group(id: string): GroupView {
    const group = this.groupList.find((g) => g.id === id);
    if (!group) throw new ChatError('not_found', 'There is no such group, or you were never in it.');
    return group;
  }

  /** A group the account is in now: changing it or writing to it needs that. */
  #memberGroup(id: string): GroupView {
    const group = this.#group(id);
    if (!group.members.includes(this.#me)) throw new ChatError('forbidden', 'You are no longer a member of this group.');
    return group;
  }

  /** The conversation a message is listed in, seen from the account; null when it is not the account's at all. */
  #listedConversation(m: Pick<MessageHeaderView, 'sender' | 'recipient' | 'group'>): ConversationKey | null {
    if (m.group !== null) return groupKey(m.group);
    if (m.sender === this.#me) return m.recipient;
    return m.recipient === this.#me ? m.sender : null;
  }

  /** Writing to a conversation: a person who exists, or a group that sends now. */
  #checkWritable(conversation: ConversationKey): void {
    const target = targetOf(conversation);
    if (target.kind === 'direct') {
      if (!this.#exists(target.peer)) throw noSuchUser(target.peer);
      return;
    }
    const group = this.#memberGroup(target.group);
    if (group.sending !== 'ok') throw new ChatError('held', 'Messages to this group wait until its membership is confirmed.');
  }

  /**
   * An edit, delete or reaction: a message of its own (`id`) in the target's conversation, shown on the target
   * (the account's own message for an edit or delete, anyone's for a reaction). The same change again is stored once.
   */
  #change(targetId: string, id: string, own: boolean, apply: (target: MessageView) => void): MessageView {
    const target = this.messages.find((m) => m.id === targetId);
    if (!target || this.#listedConversation(target) === null) throw noSuchMessage();
    if (this.messages.some((m) => m.id === id)) return target;
    if (own && !target.outgoing) throw new ChatError('invalid_input', 'You can change only your own messages.');
    if (target.kind !== 'message') throw new ChatError('invalid_input', 'Only a message can be changed.');
    if (target.deleted) throw new ChatError('invalid_input', 'This message was deleted.');
    this.#checkWritable(target.conversation);
    const fields = { id, outgoing: true, kind: 'change' as const, text: null };
    const change = target.group !== null ? this.addGroupMessage(target.group, fields) : this.addMessage(target.conversation, fields);
    this.#record(change);
    apply(target);
    // The live stream echoes the change itself, and the core tells of the target it changed.
    this.emit({ type: 'message', message: headerOf(change) });
    this.emit({ type: 'message_updated', message: target });
    return target;
  }

  /** A group change as the core makes it: the change, one announcement line from the account, group_changed. */
  #announce(group: GroupView, text: string, change: Partial<GroupView>): GroupView {
    const line = this.addGroupMessage(group.id, { outgoing: true, kind: 'announcement', text });
    this.#record(line);
    Object.assign(group, change);
    this.emit({ type: 'message', message: headerOf(line) });
    this.emit({ type: 'group_changed', group });
    return group;
  }

  // ---- the call path ----

  /**
   * A call as every real boundary serves it (core/api/serve-call.ts): arguments checked and normalised by the
   * method's schema, then the signed-in check, then the work; every failure a ChatError carrying its info, every
   * answer a copy (like a structured clone over IPC or to the worker).
   */
  async #call<M extends Method>(method: M, args: ChatRequest<M>, run: (...parsed: ChatRequest<M>) => ChatReply<M>): Promise<ChatReply<M>> {
    this.calls.push({ method, args });
    if (this.#holdMethods.has(method)) await new Promise<void>((resolve) => this.holds.set(method, resolve));
    const work = async (...parsed: ChatRequest<M>) => {
      const failure = this.failNext.get(method);
      if (failure) {
        this.failNext.delete(method);
        throw ChatError.from(failure);
      }
      if (NEEDS_SESSION.has(method) && !this.account) throw notSignedIn();
      return structuredClone(run(...parsed));
    };
    return openEnvelope<ChatReply<M>>(serveCall({ [method]: work } as CallTarget, method, args), UNEXPECTED_ERROR);
  }

  // ---- settings and the session ----

  getSettings() {
    return this.#call('getSettings', [], () => this.settings);
  }
  setServer(choice: ServerChoice) {
    return this.#call('setServer', [choice], (checked) => {
      this.settings = { ...this.settings, ...checked };
      return this.settings;
    });
  }
  updateSettings(update: SettingsUpdate) {
    return this.#call('updateSettings', [update], ({ theme, ...desktop }) => {
      const kept = this.settings.desktop ? { ...this.settings.desktop, ...desktop } : null;
      this.settings = { ...this.settings, ...(theme ? { theme } : {}), desktop: kept };
      return this.settings;
    });
  }
  serverInfo() {
    return this.#call('serverInfo', [], () => this.server);
  }
  currentAccount() {
    return this.#call('currentAccount', [], () => this.account);
  }
  #signIn(username: string): AccountView {
    if (this.account) throw new ChatError('invalid_input', `Already signed in as ${this.account.username}; sign out first.`);
    this.account = { username, fingerprint: FINGERPRINT_A, serverUrl: this.settings.serverUrl ?? '' };
    this.settings = { ...this.settings, lastUsername: username };
    return this.account;
  }
  register(registration: Registration) {
    return this.#call('register', [registration], ({ username, password, invite }) => {
      checkNewPassword(password);
      if (this.server.registration === 'closed') throw new ChatError('forbidden', 'This server does not accept new accounts.');
      if (this.server.registration === 'invite' && invite !== this.inviteCode) {
        throw new ChatError('forbidden', invite === undefined
          ? 'This server takes new accounts by invitation only: ask its operator for an invite code.'
          : 'This invite code does not work: it is wrong, was used already, or has expired. Ask the server\'s operator for a new one.');
      }
      if (this.users.includes(username)) throw new ChatError('username_taken', `The username ${username} is already taken.`);
      const account = this.#signIn(username);
      this.users.push(username);
      this.password = password;
      return account;
    });
  }
  login(credentials: Credentials) {
    return this.#call('login', [credentials], ({ username, password }) => {
      if (!this.account && (!this.users.includes(username) || this.deleted.has(username) || password !== this.password)) throw wrongPassword();
      return this.#signIn(username);
    });
  }
  recoverAccount(recovery: AccountRecovery) {
    return this.#call('recoverAccount', [recovery], ({ username, code, newPassword }) => {
      checkNewPassword(newPassword);
      const typed = displayRecoveryCode(parseRecoveryCode(code)!);
      if (this.account) throw new ChatError('invalid_input', `Already signed in as ${this.account.username}; sign out first.`);
      if (!this.users.includes(username) || this.deleted.has(username) || this.recovery?.code !== typed) {
        throw new ChatError('wrong_password', 'That username and recovery code do not match (a code works only until it is used to set a new password).');
      }
      this.recovery = null;
      this.password = newPassword;
      this.otherDevices = [];
      return this.#signIn(username);
    });
  }
  logout() {
    return this.#call('logout', [], () => this.#signOut('You signed out.'));
  }
  logoutEverywhere() {
    return this.#call('logoutEverywhere', [], () => {
      this.otherDevices = [];
      this.#signOut('You signed out on every device.');
    });
  }
  #signOut(reason: string): void {
    if (!this.account) return;
    this.account = null;
    this.emit({ type: 'signed_out', reason });
  }
  #checkPassword(password: string): void {
    if (password !== this.password) throw new ChatError('wrong_password', 'The password is wrong.');
  }
  #devices(): DeviceView[] {
    const here: DeviceView = { id: THIS_DEVICE, name: 'Web, Chromium', signedInAt: 1_700_000_000_000, lastSeenAt: 1_700_000_000_000, current: true };
    return [here, ...this.otherDevices].sort((a, b) => a.signedInAt - b.signedInAt || a.id.localeCompare(b.id));
  }
  devices() {
    return this.#call('devices', [], () => this.#devices());
  }
  signOutDevice(id: string) {
    return this.#call('signOutDevice', [id], (target) => {
      if (target === THIS_DEVICE) throw new ChatError('invalid_input', 'That is this device: use Sign out to sign out here.');
      if (!this.otherDevices.some((d) => d.id === target)) throw new ChatError('not_found', 'That device is not signed in any more.');
      this.otherDevices = this.otherDevices.filter((d) => d.id !== target);
      return this.#devices();
    });
  }
  #recoveryStatus(): RecoveryStatus {
    return this.recovery ? { set: true, setAt: this.recovery.setAt, device: 'Web, Chromium' } : { set: false, setAt: null, device: null };
  }
  recoveryStatus() {
    return this.#call('recoveryStatus', [], () => this.#recoveryStatus());
  }
  createRecoveryCode(password: string) {
    return this.#call('createRecoveryCode', [password], (given) => {
      this.#checkPassword(given);
      this.recovery = { code: displayRecoveryCode(newRecoveryCode()), setAt: Date.now() };
      this.otherDevices = [];
      return { ...this.recovery };
    });
  }
  removeRecoveryCode(password: string) {
    return this.#call('removeRecoveryCode', [password], (given) => {
      this.#checkPassword(given);
      this.recovery = null;
      return this.#recoveryStatus();
    });
  }
  saveRecoveryCode(code: string) {
    return this.#call('saveRecoveryCode', [code], (checked) => {
      if (!this.account) throw notSignedIn();
      this.savedCodes.push(checked);
      return true;
    });
  }
  keyLog() {
    return this.#call('keyLog', [], () => this.keyLogState);
  }
  auditKeyLog() {
    return this.#call('auditKeyLog', [], () => ({ ...this.keyLogState, checkedSize: this.keyLogState.size ?? 0 }));
  }
  acceptLogKey() {
    return this.#call('acceptLogKey', [], () => {
      const s = this.keyLogState;
      if (s.offeredKeyFingerprint) {
        this.keyLogState = { ...s, logKeyFingerprint: s.offeredKeyFingerprint, offeredKeyFingerprint: null, alarms: s.alarms.filter((a) => a.kind !== 'log_key_changed') };
      }
      return this.keyLogState;
    });
  }
  dismissKeyLogAlarm(id: string) {
    return this.#call('dismissKeyLogAlarm', [id], (given) => {
      this.keyLogState = { ...this.keyLogState, alarms: this.keyLogState.alarms.filter((a) => a.id !== given || a.kind === 'log_key_changed') };
      return this.keyLogState;
    });
  }
  deleteAccount(password: string) {
    return this.#call('deleteAccount', [password], (given) => {
      this.#checkPassword(given);
      this.deleted.add(this.#me);
      this.recovery = null;
      this.otherDevices = [];
      this.#signOut('Your account was deleted.');
    });
  }
  changePassword(change: PasswordChange) {
    return this.#call('changePassword', [change], ({ currentPassword, newPassword }) => {
      checkNewPassword(newPassword);
      if (currentPassword !== this.password) throw wrongPassword();
      this.password = newPassword;
    });
  }

  // ---- people ----

  usernameTaken(username: string) {
    return this.#call('usernameTaken', [username], (name) => this.#exists(name) || this.deleted.has(name));
  }
  searchUsers(query: string) {
    return this.#call('searchUsers', [query], (q) => [...this.users].sort().filter((u) => u.startsWith(q)));
  }
  contacts() {
    return this.#call('contacts', [], () =>
      this.contactList
        .map((c) => ({ ...c, keyStatus: this.details.get(c.username)?.keyStatus ?? c.keyStatus }))
        .sort((a, b) => (b.lastSeq ?? 0) - (a.lastSeq ?? 0) || a.username.localeCompare(b.username)),
    );
  }
  contactDetails(username: string) {
    return this.#call('contactDetails', [username], (peer) => this.#detailsOf(peer));
  }
  #detailsOf(username: string): ContactDetails {
    if (!this.#exists(username)) throw noSuchUser(username);
    const createdAt = '2026-11-01T10:00:00.000Z';
    return this.details.get(username) ?? { username, keyStatus: 'pinned', pinnedFingerprint: FINGERPRINT_B, serverFingerprint: null, createdAt, blocked: false, earlierKeys: [], deleted: this.deleted.has(username), keyLog: 'confirmed', keyLogDetail: null };
  }
  #setDetails(after: ContactDetails): ContactDetails {
    this.details.set(after.username, after);
    return after;
  }
  trustContactKey(username: string) {
    return this.#call('trustContactKey', [username], (peer) => {
      const before = this.#detailsOf(peer);
      const replaced = before.serverFingerprint !== null && before.pinnedFingerprint !== null;
      return this.#setDetails({
        ...before,
        keyStatus: 'pinned',
        pinnedFingerprint: before.serverFingerprint ?? before.pinnedFingerprint,
        serverFingerprint: null,
        earlierKeys: [...(replaced ? [{ fingerprint: before.pinnedFingerprint!, disowned: false }] : []), ...before.earlierKeys],
      });
    });
  }
  disownEarlierKeys(username: string) {
    return this.#call('disownEarlierKeys', [username], (peer) => {
      const before = this.#detailsOf(peer);
      for (const m of this.messages) {
        if (m.sender === peer && m.status === 'earlier_key') Object.assign(m, { status: 'disowned_key', reason: `Signed with a key you said was never ${peer}’s.` });
      }
      return this.#setDetails({ ...before, earlierKeys: before.earlierKeys.map((k) => ({ ...k, disowned: true })) });
    });
  }
  blockContact(username: string) {
    return this.#call('blockContact', [username], (peer) => {
      if (peer === this.#me) throw new ChatError('invalid_input', 'You cannot block yourself.');
      return this.#setDetails({ ...this.#detailsOf(peer), blocked: true });
    });
  }
  unblockContact(username: string) {
    return this.#call('unblockContact', [username], (peer) => this.#setDetails({ ...this.#detailsOf(peer), blocked: false }));
  }

  // ---- groups ----

  groups() {
    return this.#call('groups', [], () => [...this.groupList].sort((a, b) => (b.lastSeq ?? 0) - (a.lastSeq ?? 0) || a.id.localeCompare(b.id)));
  }
  groupDetails(group: string) {
    return this.#call('groupDetails', [group], (id) => this.#group(id));
  }
  createGroup(group: NewGroup) {
    return this.#call('createGroup', [group], ({ name, members }) => {
      const me = this.#me;
      const others = members.filter((m) => m !== me);
      for (const m of others) if (!this.#exists(m)) throw noSuchUser(m);
      if (others.length === 0) throw new ChatError('invalid_input', 'A group needs at least one other person.');
      const created = this.addGroup({ members: [me, ...others], owner: me });
      return this.#announce(created, `${me} made the group “${name}” with ${list(sorted(others))}`, { name });
    });
  }
  changeGroupMembers(change: MembersChange) {
    return this.#call('changeGroupMembers', [change], ({ group: id, add = [], remove = [] }) => {
      const me = this.#me;
      const group = this.#memberGroup(id);
      for (const m of add) if (!this.#exists(m)) throw noSuchUser(m);
      if (remove.some((m) => m !== me) && group.owner !== me) throw new ChatError('forbidden', 'Only the group’s owner can remove people.');
      const added = sorted(add.filter((m) => !group.members.includes(m)));
      const removed = sorted(remove.filter((m) => group.members.includes(m)));
      if (added.length + removed.length === 0) throw new ChatError('invalid_input', 'That changes nobody’s membership.');
      const members = sorted([...group.members, ...added].filter((m) => !removed.includes(m)));
      const owner = removed.includes(group.owner ?? '') ? (members[0] ?? null) : group.owner;
      const parts = [...(added.length ? [`added ${list(added)}`] : []), ...(removed.length ? [`removed ${list(removed)}`] : [])];
      const sending = members.includes(me) ? group.sending : 'not_a_member';
      return this.#announce(group, `${me} ${parts.join(' and ')}`, { members, serverMembers: members, owner, sending });
    });
  }
  renameGroup(rename: GroupRename) {
    return this.#call('renameGroup', [rename], ({ group: id, name }) => this.#announce(this.#memberGroup(id), `${this.#me} named the group “${name}”`, { name }));
  }
  leaveGroup(group: string) {
    return this.#call('leaveGroup', [group], (id) => {
      const me = this.#me;
      const left = this.#memberGroup(id);
      const members = left.members.filter((m) => m !== me);
      const owner = left.owner === me ? (members[0] ?? null) : left.owner;
      const next = owner !== left.owner ? `; ${owner} is the owner now` : '';
      this.#announce(left, `${me} left the group${next}`, { members, serverMembers: members, owner, sending: 'not_a_member', warnings: [] });
    });
  }
  confirmGroupMembers(group: string) {
    return this.#call('confirmGroupMembers', [group], (id) => {
      const confirmed = this.#memberGroup(id);
      Object.assign(confirmed, { members: [...confirmed.serverMembers], sending: 'ok', warnings: confirmed.warnings.filter((w) => w.code !== 'unannounced_member') });
      this.emit({ type: 'group_changed', group: confirmed });
      return confirmed;
    });
  }

  // ---- messages ----

  conversation(request: ConversationPageRequest) {
    return this.#call('conversation', [request], ({ conversation, beforeSeq, limit = 100 }): ConversationPage => {
      const target = targetOf(conversation);
      if (target.kind === 'direct') this.#contact(target.peer);
      else this.#group(target.group);
      const all = this.messages
        .map((m) => {
          const listed = { ...m, ...this.listedAs.get(m.id) };
          return { ...listed, outgoing: listed.sender === this.#me, conversation: this.#listedConversation(listed) ?? '' };
        })
        .filter((m) => m.conversation === conversation);
      const older = beforeSeq === undefined ? all : all.filter((m) => m.seq < beforeSeq);
      const page = older.slice(Math.max(0, older.length - limit));
      return { messages: page.map(headerOf), hasMore: older.length > page.length };
    });
  }
  readMessages(ids: string[]) {
    return this.#call('readMessages', [ids], (list) =>
      list.map((id) => {
        const found = this.messages.find((m) => m.id === id);
        if (!found) throw noSuchMessage();
        return found;
      }),
    );
  }
  send(request: SendRequest) {
    return this.#call('send', [request], ({ conversation, text, id, replyTo }) => {
      const existing = this.messages.find((m) => m.id === id);
      if (existing) return existing;
      this.#checkWritable(conversation);
      if (replyTo !== undefined && this.messages.find((m) => m.id === replyTo)?.conversation !== conversation) {
        throw new ChatError('invalid_input', 'The message replied to is not in this conversation.');
      }
      const fields = { outgoing: true, text, id, replyTo: replyTo ?? null };
      const target = targetOf(conversation);
      const view = target.kind === 'group' ? this.addGroupMessage(target.group, fields) : this.addMessage(target.peer, fields);
      this.#record(view);
      return view;
    });
  }
  editMessage(request: EditRequest) {
    return this.#call('editMessage', [request], ({ target, text, id }) =>
      this.#change(target, id, true, (view) => Object.assign(view, { text, edited: true })),
    );
  }
  deleteMessage(request: DeleteRequest) {
    return this.#call('deleteMessage', [request], ({ target, id }) =>
      this.#change(target, id, true, (view) => Object.assign(view, { text: null, deleted: 'by_sender', reactions: [] })),
    );
  }
  react(request: ReactionRequest) {
    return this.#call('react', [request], ({ target, emoji, remove, id }) =>
      this.#change(target, id, false, (view) => {
        const others = view.reactions.find((r) => r.emoji === emoji)?.people.filter((p) => p !== this.#me) ?? [];
        const people = remove ? others : sorted([...others, this.#me]);
        const rest = view.reactions.filter((r) => r.emoji !== emoji);
        view.reactions = people.length > 0 ? [...rest, { emoji, people }] : rest;
      }),
    );
  }
  markRead(conversation: ConversationKey, seq: number) {
    return this.#call('markRead', [conversation, seq], (key, upTo) => {
      const readSeq = Math.max(this.#readSeq.get(key) ?? 0, upTo);
      this.#readSeq.set(key, readSeq);
      const target = targetOf(key);
      const entry = target.kind === 'group' ? this.#group(target.group) : this.#contact(target.peer);
      const unread = this.messages.filter((m) => m.conversation === key && !m.outgoing && m.seq > readSeq).length;
      entry.unread = Math.min(entry.unread, unread);
    });
  }
  previews(conversations: ConversationKey[]) {
    return this.#call('previews', [conversations], (keys) => keys.map((key) => this.#previewOf(key)));
  }
  /** As the core words it (the same wording): the newest message the conversation shows, changes skipped. */
  #previewOf(conversation: ConversationKey): PreviewView {
    const target = targetOf(conversation);
    const entry = target.kind === 'group' ? this.groupList.find((g) => g.id === target.group) : this.contactList.find((c) => c.username === target.peer);
    const lastSeq = entry?.lastSeq ?? null;
    const newestFirst = lastSeq === null ? [] : this.messages.filter((m) => m.conversation === conversation).reverse();
    for (const message of newestFirst) {
      const line = previewLine(message);
      if (line) return { conversation, lastSeq, ...line };
    }
    return { conversation, lastSeq, text: null, failed: false };
  }
  sendFiles(request: SendFilesRequest) {
    return this.#call('sendFiles', [request], ({ to, files, text, replyTo, transfer }) => {
      this.#checkWritable(to);
      if (replyTo !== undefined && this.messages.find((m) => m.id === replyTo)?.conversation !== to) {
        throw new ChatError('invalid_input', 'A reply must be in the same conversation as the message it replies to.');
      }
      const total = files.reduce((n, f) => n + f.bytes.length, 0);
      if (this.cancelledTransfers.has(transfer)) {
        this.emit({ type: 'transfer', transfer, done: 0, total, state: 'cancelled', error: 'The transfer was cancelled.' });
        throw new ChatError('cancelled', 'The transfer was cancelled.');
      }
      this.emit({ type: 'transfer', transfer, done: 0, total, state: 'running' });
      const fields = { outgoing: true, text: text ?? null, id: crypto.randomUUID(), replyTo: replyTo ?? null, files: files.map((f, index) => fileViewOf(f, index)) };
      const target = targetOf(to);
      const view = target.kind === 'group' ? this.addGroupMessage(target.group, fields) : this.addMessage(target.peer, fields);
      files.forEach((f, index) => this.fileStore.set(`${view.id}/${index}`, new Uint8Array(f.bytes)));
      this.#record(view);
      this.emit({ type: 'transfer', transfer, done: total, total, state: 'done' });
      return view;
    });
  }
  fileBytes(ref: FileRef) {
    return this.#call('fileBytes', [ref], (checked) => this.#download(checked));
  }
  cancelTransfer(transfer: string) {
    return this.#call('cancelTransfer', [transfer], (id) => void this.cancelledTransfers.add(id));
  }
  saveFile(ref: FileRef) {
    return this.#call('saveFile', [ref], (checked) => {
      if (!this.saveAnswer) return { saved: false };
      this.#download(checked);
      this.savedFiles.push(checked);
      return { saved: true };
    });
  }
  /** A file's bytes, verified as the core would (or failed as a tampered one), with its transfer events. */
  #download({ conversation, messageId, index, transfer }: FileRef): Uint8Array {
    const message = this.messages.find((m) => m.id === messageId && m.conversation === conversation);
    if (!message) throw noSuchMessage();
    const bytes = this.fileStore.get(`${messageId}/${index}`);
    const file = message.files?.[index];
    if (!file || !bytes) throw new ChatError('invalid_input', `This message holds no file at index ${index}.`);
    const failure = this.failingFiles.get(`${messageId}/${index}`);
    if (failure !== undefined) {
      this.emit({ type: 'transfer', transfer, done: 0, total: bytes.length, state: 'failed', error: failure });
      throw new ChatError('file_failed', `${file.name} did not verify: ${failure} It was not saved.`);
    }
    this.emit({ type: 'transfer', transfer, done: bytes.length, total: bytes.length, state: 'done' });
    return bytes;
  }
  openLink(url: string) {
    return this.#call('openLink', [url], (raw) => {
      // The policy both real adapters check a link with (core/links/link-policy.ts).
      const checked = checkLink(raw);
      if (!checked.ok) throw new ChatError('invalid_input', `${REFUSED_LINK_MESSAGE} ${checked.reason}`);
      this.opened.push(checked.url);
    });
  }
  reconnectNow() {
    return this.#call('reconnectNow', [], () => undefined);
  }
  setVisible(visible: boolean) {
    return this.#call('setVisible', [visible], (checked) => {
      this.visible = checked;
    });
  }
  drafts() {
    return this.#call('drafts', [], () => this.draftStore);
  }
  saveDraft(key: string, text: string) {
    return this.#call('saveDraft', [key, text], (k, t) => {
      this.draftStore = withDraft(this.draftStore, k, t);
    });
  }
  onEvent(listener: (event: ChatEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

/** The fields a test set (an option left undefined keeps the default). */
function definedOnly<T extends object>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function checkNewPassword(password: string): void {
  if ([...password].length < MIN_NEW_PASSWORD_LENGTH) {
    throw new ChatError('weak_password', `Choose a password of at least ${MIN_NEW_PASSWORD_LENGTH} characters.`);
  }
}

/** A file as the core shows it: the safe name, the claimed type, the size, a thumbnail only when real JPEG/PNG. */
function fileViewOf(file: { name: string; mime: string; bytes: Uint8Array; image?: FileView['image'] }, index: number): FileView {
  const view: FileView = { index, name: safeFileName(file.name), mime: file.mime, size: file.bytes.length };
  const url = thumbnailUrl(file.image?.thumbnail);
  if (file.image && url) view.image = { width: file.image.width, height: file.image.height, thumbnail: url };
  return view;
}
