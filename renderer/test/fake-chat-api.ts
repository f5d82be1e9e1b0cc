// An in-memory ChatApi for component tests: records calls, lets a test queue failures and push events.
import type {
  AccountView,
  ChatApi,
  ChatErrorInfo,
  ChatEvent,
  ClientSettings,
  ContactDetails,
  ContactView,
  ConversationPage,
  ConversationPageRequest,
  Credentials,
  MessageHeaderView,
  MessageView,
  PasswordChange,
  SendRequest,
  ServerChoice,
  SettingsUpdate,
} from '../../core/api/chat-api.js';

type Method = Exclude<keyof ChatApi, 'onEvent'>;

export const FINGERPRINT_A = '0123 4567 89ab cdef 0123 4567 89ab cdef 0123 4567 89ab cdef 0123 4567 89ab cdef';
export const FINGERPRINT_B = 'ffff eeee dddd cccc bbbb aaaa 9999 8888 7777 6666 5555 4444 3333 2222 1111 0000';

export class FakeChatApi implements ChatApi {
  settings: ClientSettings = {
    serverUrl: 'https://chat.example.org',
    caCertificatePem: null,
    lastUsername: null,
    theme: 'system',
    desktop: null,
  };
  account: AccountView | null = null;
  password = 'correct horse battery staple';
  users = ['alice', 'bob', 'bobby', 'carol'];
  contactList: ContactView[] = [];
  details = new Map<string, ContactDetails>();
  /** Every stored message, oldest first. */
  messages: MessageView[] = [];
  /**
   * What a hostile server lists a message as (by id): the conversation list shows these sender/recipient
   * names, while readMessages returns the record as it is.
   */
  listedAs = new Map<string, { sender: string; recipient: string }>();
  calls: { method: Method; args: unknown[] }[] = [];
  /** The next call of a method rejects with this (once). */
  failNext = new Map<Method, ChatErrorInfo>();
  /** Calls of these methods wait until the test resolves them. */
  holds = new Map<Method, () => void>();
  #holdMethods = new Set<Method>();
  #listeners = new Set<(event: ChatEvent) => void>();
  #seq = 0;

  constructor(init: Partial<Pick<FakeChatApi, 'settings' | 'account' | 'contactList' | 'users'>> = {}) {
    Object.assign(this, init);
  }

  emit(event: ChatEvent): void {
    for (const l of this.#listeners) l(event);
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

  /** Adds a stored message between the account and `peer` (or between `sender` and `recipient`, when given). */
  addMessage(
    peer: string,
    options: {
      outgoing?: boolean;
      text?: string | null;
      status?: MessageView['status'];
      reason?: string | null;
      timestamp?: string;
      sender?: string;
      recipient?: string;
    } = {},
  ): MessageView {
    const me = this.account?.username ?? 'alice';
    const outgoing = options.sender !== undefined ? options.sender === me : (options.outgoing ?? false);
    const seq = ++this.#seq;
    const view: MessageView = {
      id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
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

  async #call<T>(method: Method, args: unknown[], result: () => T): Promise<T> {
    this.calls.push({ method, args });
    if (this.#holdMethods.has(method)) await new Promise<void>((resolve) => this.holds.set(method, resolve));
    const failure = this.failNext.get(method);
    if (failure) {
      this.failNext.delete(method);
      throw Object.assign(new Error(failure.message), { info: failure });
    }
    return result();
  }

  getSettings() {
    return this.#call('getSettings', [], () => ({ ...this.settings }));
  }
  setServer(choice: ServerChoice) {
    return this.#call('setServer', [choice], () => {
      this.settings = { ...this.settings, ...choice };
      return { ...this.settings };
    });
  }
  updateSettings(update: SettingsUpdate) {
    return this.#call('updateSettings', [update], () => {
      const { theme, ...desktop } = update;
      this.settings = {
        ...this.settings,
        ...(theme ? { theme } : {}),
        desktop: this.settings.desktop ? { ...this.settings.desktop, ...desktop } : null,
      };
      return { ...this.settings };
    });
  }
  currentAccount() {
    return this.#call('currentAccount', [], () => this.account);
  }
  register(credentials: Credentials) {
    return this.#call('register', [credentials], () => {
      this.account = { username: credentials.username, fingerprint: FINGERPRINT_A, serverUrl: this.settings.serverUrl ?? '' };
      return this.account;
    });
  }
  login(credentials: Credentials) {
    return this.#call('login', [credentials], () => {
      if (credentials.password !== this.password) {
        throw Object.assign(new Error('Wrong username or password.'), {
          info: { code: 'wrong_password', message: 'Wrong username or password.' } satisfies ChatErrorInfo,
        });
      }
      this.account = { username: credentials.username, fingerprint: FINGERPRINT_A, serverUrl: this.settings.serverUrl ?? '' };
      return this.account;
    });
  }
  logout() {
    return this.#call('logout', [], () => {
      this.account = null;
    });
  }
  changePassword(change: PasswordChange) {
    return this.#call('changePassword', [change], () => {
      this.password = change.newPassword;
    });
  }
  searchUsers(query: string) {
    return this.#call('searchUsers', [query], () => this.users.filter((u) => u.startsWith(query)));
  }
  contacts() {
    return this.#call('contacts', [], () =>
      this.contactList.map((c) => ({ ...c, keyStatus: this.details.get(c.username)?.keyStatus ?? c.keyStatus })),
    );
  }
  contactDetails(username: string) {
    return this.#call('contactDetails', [username], () => {
      return this.#detailsOf(username);
    });
  }
  #detailsOf(username: string): ContactDetails {
    return (
      this.details.get(username) ?? {
        username,
        keyStatus: 'pinned' as const,
        pinnedFingerprint: FINGERPRINT_B,
        serverFingerprint: null,
        createdAt: '2026-11-01T10:00:00.000Z',
        blocked: false,
        earlierKeys: [],
      }
    );
  }
  trustContactKey(username: string) {
    return this.#call('trustContactKey', [username], () => {
      const before = this.details.get(username);
      const trusted: ContactDetails = {
        username,
        keyStatus: 'pinned',
        pinnedFingerprint: before?.serverFingerprint ?? FINGERPRINT_B,
        serverFingerprint: null,
        createdAt: before?.createdAt ?? null,
        blocked: before?.blocked ?? false,
        earlierKeys: [
          ...(before?.pinnedFingerprint && before.serverFingerprint ? [{ fingerprint: before.pinnedFingerprint, disowned: false }] : []),
          ...(before?.earlierKeys ?? []),
        ],
      };
      this.details.set(username, trusted);
      return trusted;
    });
  }
  disownEarlierKeys(username: string) {
    return this.#call('disownEarlierKeys', [username], () => {
      const before = this.#detailsOf(username);
      const after: ContactDetails = { ...before, earlierKeys: before.earlierKeys.map((k) => ({ ...k, disowned: true })) };
      this.details.set(username, after);
      for (const m of this.messages) {
        if (m.sender === username && m.status === 'earlier_key') {
          m.status = 'disowned_key';
          m.reason = `Signed with a key you said was never ${username}’s.`;
        }
      }
      return after;
    });
  }
  blockContact(username: string) {
    return this.#call('blockContact', [username], () => {
      const after: ContactDetails = { ...this.#detailsOf(username), blocked: true };
      this.details.set(username, after);
      return after;
    });
  }
  unblockContact(username: string) {
    return this.#call('unblockContact', [username], () => {
      const after: ContactDetails = { ...this.#detailsOf(username), blocked: false };
      this.details.set(username, after);
      return after;
    });
  }
  conversation(request: ConversationPageRequest) {
    return this.#call('conversation', [request], (): ConversationPage => {
      const me = this.account?.username ?? 'alice';
      const all = this.messages
        .map((m) => {
          const listed = this.listedAs.get(m.id);
          return listed ? { ...m, ...listed, outgoing: listed.sender === me } : m;
        })
        .filter((m) => (m.sender === request.peer && m.recipient === me) || (m.sender === me && m.recipient === request.peer));
      const before = request.beforeSeq;
      const older = before === undefined ? all : all.filter((m) => m.seq < before);
      const limit = request.limit ?? 100;
      const page = older.slice(Math.max(0, older.length - limit));
      const headers: MessageHeaderView[] = page.map(({ id, seq, sender, recipient, timestamp, outgoing }) => ({
        id,
        seq,
        sender,
        recipient,
        timestamp,
        outgoing,
      }));
      return { messages: headers, hasMore: older.length > page.length };
    });
  }
  readMessages(ids: string[]) {
    return this.#call('readMessages', [ids], () => this.messages.filter((m) => ids.includes(m.id)).map((m) => ({ ...m })));
  }
  send(request: SendRequest) {
    return this.#call('send', [request], () => {
      const existing = this.messages.find((m) => m.id === request.id);
      if (existing) return { ...existing };
      const view = this.addMessage(request.recipient, { outgoing: true, text: request.text });
      const stored = { ...view, id: request.id };
      this.messages[this.messages.length - 1] = stored;
      return { ...stored };
    });
  }
  markRead(peer: string, seq: number) {
    return this.#call('markRead', [peer, seq], () => undefined);
  }
  openLink(url: string) {
    return this.#call('openLink', [url], () => undefined);
  }
  onEvent(listener: (event: ChatEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
