// An in-memory ChatApi for component tests: records calls, lets a test queue failures and push events. It is
// held to the real adapters by the ChatApi contract (test/contract/): same validation, errors and normalising.
// One file of about 320 lines on purpose: it stands in for the whole ChatApi, method for method.
import type {
  AccountView, ChatApi, ChatErrorInfo, ChatEvent, ClientSettings, ContactDetails, ContactView, ConversationPage, ConversationPageRequest,
  Credentials, MessageHeaderView, MessageView, PasswordChange, SendRequest, ServerChoice, SettingsUpdate,
} from '../../core/api/chat-api.js';
import { openEnvelope } from '../../core/api/envelope.js';
import { ChatError, notSignedIn, UNEXPECTED_ERROR, wrongPassword } from '../../core/api/errors.js';
import type { ChatReply, ChatRequest } from '../../core/api/methods.js';
import { MIN_NEW_PASSWORD_LENGTH } from '../../core/api/schemas.js';
import { serveCall, type CallTarget } from '../../core/api/serve-call.js';
import { checkLink, REFUSED_LINK_MESSAGE } from '../../core/links/link-policy.js';

type Method = Exclude<keyof ChatApi, 'onEvent'>;

export const FINGERPRINT_A = '0123 4567 89ab cdef 0123 4567 89ab cdef 0123 4567 89ab cdef 0123 4567 89ab cdef';
export const FINGERPRINT_B = 'ffff eeee dddd cccc bbbb aaaa 9999 8888 7777 6666 5555 4444 3333 2222 1111 0000';

/** What the real session refuses while nobody is signed in (searchUsers, login and the like work signed out). */
const NEEDS_SESSION = new Set<Method>(['contacts', 'contactDetails', 'trustContactKey', 'disownEarlierKeys', 'blockContact', 'unblockContact', 'conversation', 'readMessages', 'send', 'markRead']);

const headerOf = ({ id, seq, sender, recipient, timestamp, outgoing }: MessageHeaderView): MessageHeaderView => ({ id, seq, sender, recipient, timestamp, outgoing });
const noSuchUser = (username: string) => new ChatError('not_found', `There is no user named ${username}.`);

export class FakeChatApi implements ChatApi {
  settings: ClientSettings = { serverUrl: 'https://chat.example.org', caCertificatePem: null, lastUsername: null, theme: 'system', desktop: null };
  account: AccountView | null = null;
  /** The password of every account in `users`. */
  password = 'correct horse battery staple';
  /** The accounts on the (pretend) server: they can sign in, be found, written to and looked up. */
  users = ['alice', 'bob', 'bobby', 'carol'];
  /** Contacts as the session knows them; send, receive, conversation and markRead keep it up to date. */
  contactList: ContactView[] = [];
  details = new Map<string, ContactDetails>();
  /** Every stored message, oldest first. */
  messages: MessageView[] = [];
  /** What a hostile server lists a message as (by id): conversation() shows these names, readMessages the record. */
  listedAs = new Map<string, { sender: string; recipient: string }>();
  /** The links openLink let through its check, as opened. */
  opened: string[] = [];
  calls: { method: Method; args: unknown[] }[] = [];
  /** The next call of a method rejects with this (once), after its arguments passed the check. */
  failNext = new Map<Method, ChatErrorInfo>();
  /** Calls of these methods wait until the test resolves them. */
  holds = new Map<Method, () => void>();
  #holdMethods = new Set<Method>();
  #listeners = new Set<(event: ChatEvent) => void>();
  #readSeq = new Map<string, number>();
  #seq = 0;

  constructor(init: Partial<Pick<FakeChatApi, 'settings' | 'account' | 'contactList' | 'users' | 'password'>> = {}) {
    Object.assign(this, init);
  }

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

  /**
   * Stores a message between the account and `peer` (or between `sender` and `recipient`, when given), as
   * test data: the contact list does not count it (receive() does).
   */
  addMessage(
    peer: string,
    options: Partial<Pick<MessageView, 'outgoing' | 'text' | 'status' | 'reason' | 'timestamp' | 'sender' | 'recipient' | 'id'>> = {},
  ): MessageView {
    const me = this.#me;
    const outgoing = options.sender !== undefined ? options.sender === me : (options.outgoing ?? false);
    const seq = ++this.#seq;
    const view: MessageView = {
      id: options.id ?? `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
      seq,
      sender: options.sender ?? (outgoing ? me : peer),
      recipient: options.recipient ?? (outgoing ? peer : me),
      timestamp: options.timestamp ?? new Date(Date.UTC(2026, 10, 25, 12, 0, seq % 60)).toISOString(),
      outgoing,
      text: options.text === undefined ? `message ${seq}` : options.text,
      status: options.status ?? 'verified',
      reason: options.reason ?? null,
    };
    this.messages.push(view);
    return view;
  }

  /** A message from `sender` arrives like one from the server: stored, counted in the contacts, announced. */
  receive(sender: string, text: string): MessageView {
    const view = this.addMessage(sender, { text });
    this.#record(view);
    this.emit({ type: 'message', message: headerOf(view) });
    return view;
  }

  #contact(peer: string): ContactView {
    let contact = this.contactList.find((c) => c.username === peer);
    if (!contact) {
      contact = { username: peer, keyStatus: 'pinned', unread: 0, lastActivity: null, lastSeq: null };
      this.contactList.push(contact);
    }
    return contact;
  }

  #record(view: MessageView): void {
    const peer = view.outgoing ? view.recipient : view.sender;
    const contact = this.#contact(peer);
    if (contact.lastSeq === null || view.seq > contact.lastSeq) Object.assign(contact, { lastSeq: view.seq, lastActivity: view.timestamp });
    if (!view.outgoing && view.seq > (this.#readSeq.get(peer) ?? 0)) contact.unread++;
  }

  #exists(username: string): boolean {
    return username === this.#me || this.users.includes(username) || this.details.has(username);
  }

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
  currentAccount() {
    return this.#call('currentAccount', [], () => this.account);
  }
  #signIn(username: string): AccountView {
    if (this.account) throw new ChatError('invalid_input', `Already signed in as ${this.account.username}; sign out first.`);
    this.account = { username, fingerprint: FINGERPRINT_A, serverUrl: this.settings.serverUrl ?? '' };
    this.settings = { ...this.settings, lastUsername: username };
    return this.account;
  }
  register(credentials: Credentials) {
    return this.#call('register', [credentials], ({ username, password }) => {
      checkNewPassword(password);
      if (this.users.includes(username)) throw new ChatError('username_taken', `The username ${username} is already taken.`);
      const account = this.#signIn(username);
      this.users.push(username);
      this.password = password;
      return account;
    });
  }
  login(credentials: Credentials) {
    return this.#call('login', [credentials], ({ username, password }) => {
      if (!this.account && (!this.users.includes(username) || password !== this.password)) throw wrongPassword();
      return this.#signIn(username);
    });
  }
  logout() {
    return this.#call('logout', [], () => {
      if (!this.account) return;
      this.account = null;
      this.emit({ type: 'signed_out', reason: 'You signed out.' });
    });
  }
  changePassword(change: PasswordChange) {
    return this.#call('changePassword', [change], ({ currentPassword, newPassword }) => {
      checkNewPassword(newPassword);
      if (currentPassword !== this.password) throw wrongPassword();
      this.password = newPassword;
    });
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
    return this.details.get(username) ?? { username, keyStatus: 'pinned', pinnedFingerprint: FINGERPRINT_B, serverFingerprint: null, createdAt, blocked: false, earlierKeys: [] };
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
  conversation(request: ConversationPageRequest) {
    return this.#call('conversation', [request], ({ peer, beforeSeq, limit = 100 }): ConversationPage => {
      const me = this.#me;
      this.#contact(peer);
      const all = this.messages
        .map((m) => {
          const listed = this.listedAs.get(m.id);
          return listed ? { ...m, ...listed, outgoing: listed.sender === me } : m;
        })
        .filter((m) => (m.sender === peer && m.recipient === me) || (m.sender === me && m.recipient === peer));
      const older = beforeSeq === undefined ? all : all.filter((m) => m.seq < beforeSeq);
      const page = older.slice(Math.max(0, older.length - limit));
      return { messages: page.map(headerOf), hasMore: older.length > page.length };
    });
  }
  readMessages(ids: string[]) {
    return this.#call('readMessages', [ids], (list) =>
      list.map((id) => {
        const found = this.messages.find((m) => m.id === id);
        if (!found) throw new ChatError('not_found', 'This message is not on the server (or is not yours).');
        return found;
      }),
    );
  }
  send(request: SendRequest) {
    return this.#call('send', [request], ({ recipient, text, id }) => {
      const existing = this.messages.find((m) => m.id === id);
      if (existing) return existing;
      if (!this.#exists(recipient)) throw noSuchUser(recipient);
      const view = this.addMessage(recipient, { outgoing: true, text, id });
      this.#record(view);
      return view;
    });
  }
  markRead(peer: string, seq: number) {
    return this.#call('markRead', [peer, seq], (who, upTo) => {
      const readSeq = Math.max(this.#readSeq.get(who) ?? 0, upTo);
      this.#readSeq.set(who, readSeq);
      const contact = this.#contact(who);
      const unread = this.messages.filter((m) => m.sender === who && m.recipient === this.#me && m.seq > readSeq).length;
      contact.unread = Math.min(contact.unread, unread);
    });
  }
  openLink(url: string) {
    return this.#call('openLink', [url], (raw) => {
      // The policy both real adapters check a link with (core/links/link-policy.ts).
      const checked = checkLink(raw);
      if (!checked.ok) throw new ChatError('invalid_input', `${REFUSED_LINK_MESSAGE} ${checked.reason}`);
      this.opened.push(checked.url);
    });
  }
  onEvent(listener: (event: ChatEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

function checkNewPassword(password: string): void {
  if ([...password].length < MIN_NEW_PASSWORD_LENGTH) {
    throw new ChatError('weak_password', `Choose a password of at least ${MIN_NEW_PASSWORD_LENGTH} characters.`);
  }
}
