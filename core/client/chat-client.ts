// Core side (runs in Node, Electron main and the browser page): one person's session with one server. Its
// public methods mirror the session part of the ChatApi (SESSION_METHODS in core/api/methods.ts) name for name, so an
// adapter only delegates. Private keys stay non-extractable CryptoKeys; the token and keys never leave here
// except through sessionSnapshot(), which exists for the desktop app's "stay signed in".
import type { AxiosResponse } from 'axios';
import { z } from 'zod';
import { MAX_KDF_ITERATIONS, MAX_PAGE_LIMIT, MIN_KDF_ITERATIONS } from '../protocol/constants.js';
import { decodeBase64, encodeBase64 } from '../protocol/base64.js';
import {
  authHashSchema,
  healthResponseSchema,
  kdfIterationsSchema,
  kdfSaltSchema,
  messageHeaderSchema,
  messageRecordSchema,
  messagesResponseSchema,
  tokenResponseSchema,
  userProfileSchema,
  usernameSchema,
  usersResponseSchema,
  type MessageHeader,
  type SendMessageRequest,
  type UserProfile,
} from '../protocol/schemas.js';
import { createAccount, openPrivateKey, openWithKek, resealPrivateKey } from '../crypto/account-crypto.js';
import { fingerprint, formatFingerprint } from '../crypto/fingerprint.js';
import { deriveAuthHash, deriveKek } from '../crypto/kdf.js';
import { newMessageId, openMessage, sealMessage, verifyOpened } from '../crypto/message-crypto.js';
import { canonicalSpki, importPrivateKey, importPublicKey, publicSpkiOfPrivateKey, type PrivateKeys, type PublicKeys } from '../crypto/rsa.js';
import { subtle, toHex, utf8 } from '../crypto/webcrypto.js';
import { BoundedMap, BoundedSet } from './bounded.js';
import { ConversationIndex } from './conversation-index.js';
import { ChatError, notSignedIn, toChatError, wrongPassword } from '../api/errors.js';
import { sessionSnapshotSchema, type SessionSnapshot } from '../api/session-snapshot.js';
import { errorFromResponse, HttpApi, isTransient, parseAnswer, type Transport } from './http-api.js';
import { LiveSync } from './live-sync.js';
import { Outbox } from './outbox.js';
import { Pins, type EarlierKey } from './pins.js';
import {
  conversationPageRequestSchema,
  credentialsSchema,
  markReadSchema,
  messageIdsSchema,
  MIN_NEW_PASSWORD_LENGTH,
  passwordChangeSchema,
  sendRequestSchema,
  sessionOptionsSchema,
  typedUsernameSchema,
  userSearchSchema,
} from '../api/schemas.js';
import type { KeyValueStore } from './store.js';
import { safeServerUrl } from './transport-safety.js';
import { VerifiedLog } from './verified-log.js';
import type {
  AccountView,
  ChatEvent,
  ConnectionState,
  ContactDetails,
  ContactView,
  ConversationPage,
  ConversationPageRequest,
  Credentials,
  KeyStatus,
  MessageHeaderView,
  MessageView,
  PasswordChange,
  ProgressPhase,
  SendRequest,
} from '../api/view.js';

export type { Transport } from './http-api.js';

export interface ChatClientOptions {
  serverUrl: string;
  store: KeyValueStore;
  transport?: Transport;
  /** PBKDF2 iterations for a new or re-sealed private key (at least 210000; default 210000). */
  kdfIterations?: number;
  /** Waits between automatic retries of a send after a network failure or 5xx. */
  retryDelaysMs?: number[];
  /** Waits between reconnections of the live connection. */
  reconnectDelaysMs?: number[];
}

export interface SessionOptions {
  /** Keep authHash and the PKCS#8 bytes in memory so sessionSnapshot() can hand them to a keychain helper. */
  keepSessionSecret?: boolean;
}

/** What "stay signed in" stores (encrypted by the desktop helper): enough to sign in again without a password. */
interface Session {
  username: string;
  privateKey: PrivateKeys;
  publicKey: PublicKeys;
  fingerprint: string;
  pins: Pins;
  index: ConversationIndex;
  outbox: Outbox;
  verified: VerifiedLog;
  secret: { authHash: string; pkcs8: string } | null;
}

interface PinState {
  /** base64 SPKI of the pinned key */
  pinned: string;
  pinnedFingerprint: string;
  /** Keys the person trusted before the pinned one, newest first. */
  earlier: EarlierKey[];
  /** What the server shows now; null when it could not be fetched. */
  server: ServerKey | null;
  changed: boolean;
}

interface ServerKey {
  profile: UserProfile;
  fingerprint: string;
  fetchedAt: number;
}

const DEFAULT_SEND_RETRY_DELAYS_MS = [500, 1_500, 4_000];
/** While live, a catch-up this often keeps the sliding token fresh (servers default to a 1-hour token). */
const LIVE_REFRESH_MS = 5 * 60_000;
const SERVER_KEY_TTL_MS = 30_000;
const MAX_SERVER_KEYS = 500;
const MAX_READ_CACHE = 2_000;
const MAX_TIMESTAMPS = 5_000;
const MAX_WARNED = 1_000;
const MAX_LISTED = 10_000;
const MAX_RECORDS = 200;
/** Entries of a catch-up page tried from its end before the page is given up (each costs one fetch). */
const CONFIRM_TRIES = 3;
const DEVICE_CREDENTIAL_PATTERN = /^[\x21-\x7e]{1,4096}$/;
const blocksResponseSchema = z.object({ blocked: z.array(usernameSchema).max(1_000_000) });
const MISPLACED_REASON = 'The server listed this message in the wrong conversation.';
const STALLED_SYNC = 'The server kept sending messages already seen; stopped syncing.';

interface Listing {
  header: MessageHeader;
  /** Conversations (peers) it was listed in. */
  peers: string[];
  /** Listed twice with different fields: an honest server never does that. */
  conflict: boolean;
}
const PROGRESS_LABELS: Record<ProgressPhase, string> = {
  generating_key: 'Making your encryption key',
  deriving_login_key: 'Checking your password',
  deriving_storage_key: 'Unlocking your key with your password',
  unlocking: 'Opening your key',
  sealing: 'Locking your key with your password',
};

export class ChatClient {
  readonly serverUrl: string;
  readonly #store: KeyValueStore;
  readonly #api: HttpApi;
  readonly #kdfIterations: number;
  readonly #retryDelays: number[];
  readonly #reconnectDelays: number[] | undefined;
  readonly #listeners = new Set<(event: ChatEvent) => void>();
  #session: Session | null = null;
  #live: LiveSync | null = null;
  #refresh: ReturnType<typeof setInterval> | undefined;
  #serial: Promise<unknown> = Promise.resolve();
  readonly #serverKeys = new BoundedMap<string, ServerKey>(MAX_SERVER_KEYS);
  readonly #readCache = new BoundedMap<string, MessageView>(MAX_READ_CACHE);
  readonly #timestamps = new BoundedMap<number, string>(MAX_TIMESTAMPS);
  readonly #warned = new BoundedSet<string>(MAX_WARNED);
  /** The header each id was listed or announced with, and the conversations it was listed in. */
  readonly #listed = new BoundedMap<string, Listing>(MAX_LISTED);
  /** Records fetched to confirm a list entry or event, kept briefly so reading them does not fetch again. */
  readonly #records = new BoundedMap<string, unknown>(MAX_RECORDS);
  #connectionState: ConnectionState = 'offline';

  constructor(options: ChatClientOptions) {
    this.serverUrl = safeServerUrl(options.serverUrl);
    this.#store = options.store;
    this.#api = new HttpApi(this.serverUrl, options.transport ?? {});
    const iterations = options.kdfIterations ?? MIN_KDF_ITERATIONS;
    if (!Number.isInteger(iterations) || iterations < MIN_KDF_ITERATIONS || iterations > MAX_KDF_ITERATIONS) {
      throw new ChatError('invalid_input', `kdfIterations must be a whole number from ${MIN_KDF_ITERATIONS} to ${MAX_KDF_ITERATIONS}.`);
    }
    this.#kdfIterations = iterations;
    this.#retryDelays = options.retryDelaysMs ?? DEFAULT_SEND_RETRY_DELAYS_MS;
    this.#reconnectDelays = options.reconnectDelaysMs;
  }

  /** Checks a server address is safe to use and answers GET /health; returns its normalized form. */
  static async checkServer(serverUrl: string, transport?: Transport): Promise<{ serverUrl: string; version: string }> {
    const url = safeServerUrl(serverUrl);
    const api = new HttpApi(url, transport ?? {});
    const response = await api.raw('GET', '/health');
    if (response.status === 503) throw new ChatError('server_error', `The server at ${url} is up but its database does not answer.`);
    if (response.status !== 200) {
      throw new ChatError('protocol_violation', `${url} does not look like an Encrypted Chat server (GET /health answered HTTP ${response.status}).`);
    }
    const health = parseAnswer(healthResponseSchema, response.data, 'GET /health');
    return { serverUrl: url, version: health.version };
  }

  /** Signs in again from a stay-signed-in snapshot: no password, no PBKDF2. */
  static async resume(options: ChatClientOptions, snapshot: SessionSnapshot): Promise<ChatClient> {
    const client = new ChatClient(options);
    await client.#resume(snapshot);
    return client;
  }

  // ---- events ----

  onEvent(listener: (event: ChatEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(event: ChatEvent): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(event);
      } catch {
        // one listener's failure must not stop the others or the session
      }
    }
  }

  #progress(phase: ProgressPhase, fraction: number | null): void {
    this.#emit({ type: 'progress', progress: { phase, fraction, label: PROGRESS_LABELS[phase] } });
  }

  // ---- account ----

  async register(credentials: Credentials, options?: SessionOptions): Promise<AccountView> {
    return this.#guard(async () => {
      const { username, password } = credentialsSchema.parse(credentials);
      const keep = sessionOptionsSchema.parse(options)?.keepSessionSecret ?? false;
      checkNewPassword(password);
      this.#requireSignedOut();
      const account = await createAccount(username, password, this.#kdfIterations, (step, fraction) => {
        this.#progress(step, step === 'generating_key' && fraction === 0 ? null : fraction);
      });
      try {
        const response = await this.#api.raw('POST', '/users', { body: account.request });
        if (response.status === 409) throw new ChatError('username_taken', `The username ${username} is already taken.`);
        if (response.status === 403) throw new ChatError('forbidden', 'This server does not accept new accounts.');
        if (response.status !== 201) throw this.#unexpected(response, 'POST /users');
        const token = parseAnswer(tokenResponseSchema, response.data, 'POST /users');
        if (token.username !== username) throw new ChatError('protocol_violation', 'The server registered a different username.');
        await this.#keepDeviceCredential(username, response);
        this.#api.token = token.token;
        const profile = await this.#ownProfile(username);
        this.#progress('unlocking', 0);
        await this.#openSession(username, account.pkcs8, profile, keep ? account.request.authHash : null);
        await this.#rememberKdf(username, account.request);
        this.#progress('unlocking', 1);
        return this.#accountView();
      } finally {
        account.pkcs8.fill(0);
      }
    });
  }

  async login(credentials: Credentials, options?: SessionOptions): Promise<AccountView> {
    return this.#guard(async () => {
      const { username, password } = credentialsSchema.parse(credentials);
      const keep = sessionOptionsSchema.parse(options)?.keepSessionSecret ?? false;
      this.#requireSignedOut();
      // The salt of the key-encryption key is known only after signing in — unless this device remembers it
      // from an earlier sign-in; then both derivations run side by side and the remembered salt is checked.
      const remembered = await this.#rememberedKdf(username);
      this.#progress('deriving_login_key', 0);
      if (remembered) this.#progress('deriving_storage_key', 0);
      const early = remembered ? deriveKek(password, decodeBase64(remembered.kdfSalt), remembered.kdfIterations) : null;
      early?.catch(() => undefined);
      const authHash = encodeBase64(await deriveAuthHash(username, password));
      this.#progress('deriving_login_key', 1);
      await this.#signIn(username, authHash);
      const profile = await this.#ownProfile(username);
      const sealed = sealedKeyOf(profile);
      const sameKdf = remembered !== null && remembered.kdfSalt === sealed.kdfSalt && remembered.kdfIterations === sealed.kdfIterations;
      if (!sameKdf) this.#progress('deriving_storage_key', 0);
      let pkcs8: Uint8Array;
      try {
        const kek = sameKdf ? await early! : await deriveKek(password, decodeBase64(sealed.kdfSalt), sealed.kdfIterations);
        pkcs8 = await openWithKek(kek, username, sealed.encryptedPrivateKey);
      } catch {
        this.#api.token = null;
        throw new ChatError('tampered', 'Your password was accepted, but your private key stored on the server does not open with it: the server copy was altered.');
      }
      this.#progress('deriving_storage_key', 1);
      if (!sameKdf) await this.#rememberKdf(username, sealed);
      try {
        this.#progress('unlocking', 0);
        await this.#openSession(username, pkcs8, profile, keep ? authHash : null);
        this.#progress('unlocking', 1);
      } finally {
        pkcs8.fill(0);
      }
      return this.#accountView();
    });
  }

  async #resume(snapshot: SessionSnapshot): Promise<void> {
    await this.#guard(async () => {
      const parsed = sessionSnapshotSchema.parse(snapshot);
      if (safeServerUrl(parsed.serverUrl) !== this.serverUrl) {
        throw new ChatError('invalid_input', 'The saved sign-in belongs to another server.');
      }
      try {
        await this.#signIn(parsed.username, parsed.authHash);
      } catch (error) {
        const e = toChatError(error);
        if (e.info.code === 'wrong_password') {
          throw new ChatError('unauthorized', 'Your saved sign-in no longer works (the password was changed). Sign in again.');
        }
        throw e;
      }
      const profile = await this.#ownProfile(parsed.username);
      const pkcs8 = decodeBase64(parsed.privateKeyPkcs8);
      try {
        await this.#openSession(parsed.username, pkcs8, profile, parsed.authHash);
      } finally {
        pkcs8.fill(0);
      }
    });
  }

  /** The stay-signed-in secret, when the session was opened with keepSessionSecret. */
  sessionSnapshot(): SessionSnapshot | null {
    const s = this.#session;
    if (!s?.secret) return null;
    return { serverUrl: this.serverUrl, username: s.username, authHash: s.secret.authHash, privateKeyPkcs8: s.secret.pkcs8 };
  }

  async currentAccount(): Promise<AccountView | null> {
    return this.#session ? this.#accountView() : null;
  }

  async logout(): Promise<void> {
    return this.#guard(async () => {
      if (!this.#session) return;
      let failure: unknown = null;
      try {
        await this.#api.callEmpty('POST', '/logout', { auth: true });
      } catch (error) {
        failure = error;
      }
      await this.#endSession('You signed out.');
      if (failure && toChatError(failure).info.code !== 'unauthorized') throw failure;
    });
  }

  async changePassword(change: PasswordChange): Promise<void> {
    return this.#guard(async () => {
      const { currentPassword, newPassword } = passwordChangeSchema.parse(change);
      checkNewPassword(newPassword);
      const s = this.#requireSession();
      const profile = await this.#ownProfile(s.username);
      this.#progress('deriving_login_key', 0);
      const [currentAuth, pkcs8] = await Promise.all([
        deriveAuthHash(s.username, currentPassword),
        openPrivateKey(s.username, currentPassword, sealedKeyOf(profile)).catch(() => null),
      ]);
      this.#progress('deriving_login_key', 1);
      if (!pkcs8) throw new ChatError('wrong_password', 'The current password is wrong.');
      try {
        this.#progress('sealing', 0);
        const [newAuth, sealed] = await Promise.all([
          deriveAuthHash(s.username, newPassword),
          resealPrivateKey(s.username, newPassword, pkcs8, this.#kdfIterations),
        ]);
        this.#progress('sealing', 1);
        const response = await this.#api.raw('POST', `/users/${s.username}/password`, {
          auth: true,
          headers: await this.#deviceCredentialHeaders(s.username),
          body: { authHash: encodeBase64(currentAuth), newAuthHash: encodeBase64(newAuth), ...sealed },
        });
        if (response.status === 401) throw new ChatError('wrong_password', 'The current password is wrong.');
        if (response.status !== 200) throw this.#unexpected(response, 'POST /users/{username}/password');
        const token = parseAnswer(tokenResponseSchema, response.data, 'POST /users/{username}/password');
        this.#api.token = token.token;
        await this.#keepDeviceCredential(s.username, response);
        if (s.secret) s.secret.authHash = encodeBase64(newAuth);
        await this.#rememberKdf(s.username, sealed);
      } finally {
        pkcs8.fill(0);
      }
    });
  }

  /** Stops live sync and forgets the session locally (the server token simply expires). */
  async close(): Promise<void> {
    await this.stopLive();
    this.#session = null;
    this.#api.token = null;
    this.#readCache.clear();
  }

  // ---- people and keys ----

  async searchUsers(query: string): Promise<string[]> {
    return this.#guard(async () => {
      const q = userSearchSchema.parse(query);
      const { data } = await this.#api.call('GET', '/users', usersResponseSchema, { query: { q: q || undefined, limit: 50 } });
      return data.users.map((u) => u.username).filter((u) => u.startsWith(q));
    });
  }

  async contacts(): Promise<ContactView[]> {
    return this.#guard(async () => {
      const s = this.#requireSession();
      // While live, what this sync finds first is announced here (the stream will skip it as already known).
      await this.#syncIndex(this.#live?.running ?? false);
      const entries = s.index.peers();
      const statuses = await Promise.all(entries.map(([peer]) => this.#keyStatus(peer).catch((): KeyStatus => 'unknown')));
      return entries
        .map(([username, entry], i): ContactView => ({
          username,
          keyStatus: statuses[i]!,
          unread: entry.unread.length,
          lastActivity: entry.lastActivity,
          lastSeq: entry.lastSeq,
        }))
        .sort((a, b) => (b.lastSeq ?? 0) - (a.lastSeq ?? 0) || a.username.localeCompare(b.username));
    });
  }

  async contactDetails(username: string): Promise<ContactDetails> {
    return this.#guard(async () => {
      const peer = typedUsernameSchema.parse(username);
      this.#requireSession();
      return this.#details(peer, true);
    });
  }

  async trustContactKey(username: string): Promise<ContactDetails> {
    return this.#guard(async () => {
      const peer = typedUsernameSchema.parse(username);
      const s = this.#requireSession();
      const server = await this.#serverKey(peer, true);
      if (peer === s.username && !(await sameKey(server.profile.publicKey, s.publicKey.spki))) {
        throw new ChatError('tampered', 'The server shows a key for you that is not yours; it cannot be accepted.');
      }
      await s.pins.set(peer, server.profile.publicKey, server.fingerprint);
      this.#forgetViewsOf(peer);
      return this.#details(peer, false);
    });
  }

  /** The person says every earlier key of this contact was never theirs: what those keys signed is failed. */
  async disownEarlierKeys(username: string): Promise<ContactDetails> {
    return this.#guard(async () => {
      const peer = typedUsernameSchema.parse(username);
      const s = this.#requireSession();
      await s.pins.disownEarlier(peer);
      this.#forgetViewsOf(peer);
      return this.#details(peer, false);
    });
  }

  /** PUT /blocks/{u}: the server refuses this contact's direct messages to the signed-in user. */
  async blockContact(username: string): Promise<ContactDetails> {
    return this.#guard(async () => {
      const peer = typedUsernameSchema.parse(username);
      const s = this.#requireSession();
      if (peer === s.username) throw new ChatError('invalid_input', 'You cannot block yourself.');
      await this.#setBlocked(peer, true);
      return this.#details(peer, false);
    });
  }

  /** DELETE /blocks/{u}. */
  async unblockContact(username: string): Promise<ContactDetails> {
    return this.#guard(async () => {
      const peer = typedUsernameSchema.parse(username);
      this.#requireSession();
      await this.#setBlocked(peer, false);
      return this.#details(peer, false);
    });
  }

  async #setBlocked(peer: string, blocked: boolean): Promise<void> {
    const method = blocked ? 'PUT' : 'DELETE';
    const response = await this.#api.raw(method, `/blocks/${peer}`, { auth: true });
    if (response.status === 204 || response.status === 200) return;
    if (response.status === 404 || response.status === 405 || response.status === 501) {
      if (response.status !== 404 || (await this.#blockedList()) === null) throw blockingUnsupported();
      throw new ChatError('not_found', `There is no user named ${peer}.`);
    }
    throw this.#unexpected(response, `${method} /blocks/{username}`);
  }

  /** GET /blocks; null when the server does not support blocking (404). */
  async #blockedList(): Promise<string[] | null> {
    const response = await this.#api.raw('GET', '/blocks', { auth: true });
    if (response.status === 404 || response.status === 405 || response.status === 501) return null;
    if (response.status !== 200) throw this.#unexpected(response, 'GET /blocks');
    return parseAnswer(blocksResponseSchema, response.data, 'GET /blocks').blocked;
  }

  /** GET /blocks for the details view: a failure other than a refused session shows "not blocked". */
  async #blockedOrUnknown(): Promise<string[] | null> {
    try {
      return await this.#blockedList();
    } catch (error) {
      if (toChatError(error).info.code === 'unauthorized') throw error;
      return null;
    }
  }

  /** Cached views of this sender were judged with the keys pinned then. */
  #forgetViewsOf(peer: string): void {
    for (const [id, view] of this.#readCache) if (view.sender === peer) this.#readCache.delete(id);
  }

  // ---- messages ----

  async conversation(request: ConversationPageRequest): Promise<ConversationPage> {
    return this.#guard(async () => {
      const req = conversationPageRequestSchema.parse(request);
      const s = this.#requireSession();
      const limit = req.limit ?? 100;
      if (s.index.open(req.peer)) await this.#exclusive(() => s.index.save());
      let headers: MessageHeader[];
      let fullPage: boolean;
      if (req.beforeSeq === undefined) {
        headers = await this.#listMessages({ peer: req.peer, order: 'desc', limit: limit + 1 });
        fullPage = headers.length === limit + 1;
      } else {
        // The protocol has no "before seq" filter: ask for messages up to the boundary's millisecond, then
        // drop anything at or after the boundary seq. A few extra cover messages sharing that millisecond.
        const boundary = await this.#timestampOf(req.peer, req.beforeSeq);
        const ask = Math.min(MAX_PAGE_LIMIT, limit + 1 + 20);
        const page = await this.#listMessages({ peer: req.peer, order: 'desc', limit: ask, until: boundary === null ? undefined : addMs(boundary, 1) });
        fullPage = page.length === ask;
        headers = page.filter((h) => h.seq < req.beforeSeq!);
      }
      const hasMore = headers.length > limit || (fullPage && headers.length < limit + 1);
      const messages = headers.slice(0, limit).reverse().map((h) => this.#headerView(h, s.username));
      return { messages, hasMore };
    });
  }

  /** Headers of the account's messages, oldest first: with `peer`, one conversation; the newest `limit`. */
  async recentMessages(options: { peer?: string; limit?: number } = {}): Promise<MessageHeaderView[]> {
    return this.#guard(async () => {
      const s = this.#requireSession();
      const peer = options.peer === undefined ? undefined : typedUsernameSchema.parse(options.peer);
      const limit = z.number().int().min(1).max(MAX_PAGE_LIMIT).parse(options.limit ?? 100);
      const headers = await this.#listMessages({ peer, order: 'desc', limit });
      return headers.reverse().map((h) => this.#headerView(h, s.username));
    });
  }

  async readMessages(ids: string[]): Promise<MessageView[]> {
    return this.#guard(async () => {
      const list = messageIdsSchema.parse(ids);
      const s = this.#requireSession();
      try {
        return await Promise.all(list.map((id) => this.#readOne(id)));
      } finally {
        await s.verified.flush();
      }
    });
  }

  async send(request: SendRequest): Promise<MessageView> {
    return this.#guard(async () => {
      const req = sendRequestSchema.parse(request);
      const s = this.#requireSession();
      const digest = await sha512Hex(`${req.recipient}\n${req.text}`);
      let entry = await s.outbox.get(req.id);
      if (entry && entry.digest !== digest) {
        throw new ChatError('invalid_input', 'This message id was already used for a different message.');
      }
      if (!entry) {
        const recipientKey = await this.#recipientKey(req.recipient);
        const payload = await sealMessage({
          id: req.id,
          sender: s.username,
          recipient: req.recipient,
          plaintext: utf8(req.text),
          senderPrivateKey: s.privateKey,
          senderPublicKey: s.publicKey,
          recipientPublicKey: recipientKey,
        });
        entry = { payload, digest, createdAt: new Date().toISOString() };
        await s.outbox.put(entry);
      }
      const header = await this.#postFromOutbox(s, entry.payload);
      this.#timestamps.set(header.seq, header.timestamp);
      const view: MessageView = { ...this.#headerView(header, s.username), text: req.text, status: 'verified', reason: null };
      this.#readCache.set(view.id, view);
      return view;
    });
  }

  /** Messages sealed but not yet acknowledged by the server (send them again with send() and the same id). */
  async pendingMessageIds(): Promise<string[]> {
    const s = this.#requireSession();
    return (await s.outbox.list()).map((e) => e.payload.id);
  }

  /**
   * Re-sends every message left in the outbox, byte for byte. Returns those the server acknowledged, and those
   * it refused for good (dropped from the outbox, with the reason); any other failure stops and is thrown.
   */
  async resendPending(): Promise<{ sent: MessageHeaderView[]; refused: Array<{ id: string; recipient: string; reason: string }> }> {
    return this.#guard(async () => {
      const s = this.#requireSession();
      const sent: MessageHeaderView[] = [];
      const refused: Array<{ id: string; recipient: string; reason: string }> = [];
      for (const entry of await s.outbox.list()) {
        try {
          sent.push(this.#headerView(await this.#postFromOutbox(s, entry.payload), s.username));
        } catch (error) {
          if (!isRefusal(error)) throw error;
          refused.push({ id: entry.payload.id, recipient: entry.payload.recipient, reason: toChatError(error).info.message });
        }
      }
      return { sent, refused };
    });
  }

  async markRead(peer: string, seq: number): Promise<void> {
    return this.#guard(async () => {
      const req = markReadSchema.parse({ peer, seq });
      const s = this.#requireSession();
      await this.#exclusive(async () => {
        s.index.markRead(req.peer, req.seq);
        await s.index.save();
      });
    });
  }

  /** A fresh UUID v4 for send(). */
  newMessageId(): string {
    return newMessageId();
  }

  // ---- live sync ----

  /** Starts GET /events with reconnection; new messages arrive as `message` events. */
  async startLive(): Promise<void> {
    const s = this.#requireSession();
    if (this.#live?.running) return;
    if (s.index.cursor === 0) await this.#guard(() => this.#syncIndex(false));
    const live = new LiveSync(
      {
        openEvents: (lastEventId, signal) => this.#api.openEvents(lastEventId, signal),
        cursor: () => s.index.cursor,
        catchUp: () => this.#syncIndex(true),
        deliver: (header) => this.#exclusive(() => this.#deliverEvent(s, header)),
        onState: (state, detail) => {
          this.#connectionState = state;
          this.#emit({ type: 'connection', state, detail });
        },
        onFatal: (error) => void this.#liveLost(live, error),
      },
      this.#reconnectDelays,
    );
    this.#live = live;
    live.start();
    // An open stream does not slide the token; a periodic catch-up does (and is a safety net for the stream).
    clearInterval(this.#refresh);
    this.#refresh = setInterval(() => {
      void this.#guard(() => this.#syncIndex(true)).catch(() => undefined);
    }, LIVE_REFRESH_MS);
    (this.#refresh as { unref?: () => void }).unref?.();
  }

  async stopLive(): Promise<void> {
    clearInterval(this.#refresh);
    this.#refresh = undefined;
    const live = this.#live;
    this.#live = null;
    await live?.stop();
  }

  /** The stream was refused for good: sign in again with the kept secret if there is one, else end the session. */
  async #liveLost(live: LiveSync, error: ChatError): Promise<void> {
    if (this.#live !== live) return;
    if (error.info.code === 'unauthorized' && (await this.#renewToken())) {
      this.#live = null;
      await this.startLive().catch(() => undefined);
      return;
    }
    await this.#sessionLost(error);
  }

  /** Signs in again with the kept authHash (stay-signed-in sessions only); true when that worked. */
  async #renewToken(): Promise<boolean> {
    const s = this.#session;
    if (!s?.secret) return false;
    try {
      await this.#signIn(s.username, s.secret.authHash);
      return this.#session === s;
    } catch {
      return false;
    }
  }

  // ---- internals: session ----

  async #guard<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      let e = toChatError(error);
      if (e.info.code === 'unauthorized' && this.#session) {
        if (await this.#renewToken()) {
          try {
            return await run();
          } catch (again) {
            e = toChatError(again);
          }
        }
        if (e.info.code === 'unauthorized') await this.#sessionLost(e);
      }
      throw e;
    }
  }

  async #sessionLost(error: ChatError): Promise<void> {
    if (!this.#session) return;
    await this.#endSession(error.info.message);
  }

  async #endSession(reason: string): Promise<void> {
    await this.stopLive();
    this.#session = null;
    this.#api.token = null;
    this.#readCache.clear();
    this.#serverKeys.clear();
    this.#emit({ type: 'signed_out', reason });
  }

  #requireSession(): Session {
    if (!this.#session) throw notSignedIn();
    return this.#session;
  }

  #requireSignedOut(): void {
    if (this.#session) throw new ChatError('invalid_input', `Already signed in as ${this.#session.username}; sign out first.`);
  }

  async #signIn(username: string, authHash: string): Promise<void> {
    const headers = await this.#deviceCredentialHeaders(username);
    const response = await this.#api.raw('POST', '/login', { body: { username, authHash }, headers });
    if (response.status === 401) throw wrongPassword();
    if (response.status !== 200) throw this.#unexpected(response, 'POST /login');
    const token = parseAnswer(tokenResponseSchema, response.data, 'POST /login');
    if (token.username !== username) throw new ChatError('protocol_violation', 'The server signed in a different username.');
    this.#api.token = token.token;
    await this.#keepDeviceCredential(username, response);
  }

  #deviceCredentialKey(username: string): string {
    return `device-credential/${this.serverUrl}|${username}`;
  }

  /** The credential this device got from the server at its last sign-in (sent, never logged or shown). */
  async #deviceCredentialHeaders(username: string): Promise<Record<string, string>> {
    const credential = await this.#store.get(this.#deviceCredentialKey(username));
    return credential !== null && DEVICE_CREDENTIAL_PATTERN.test(credential) ? { 'X-Device-Credential': credential } : {};
  }

  /** Keeps (replacing) the device credential a successful POST /login, POST /users or password change sent. */
  async #keepDeviceCredential(username: string, response: AxiosResponse): Promise<void> {
    const credential = response.headers['x-device-credential'];
    if (typeof credential !== 'string' || !DEVICE_CREDENTIAL_PATTERN.test(credential)) return;
    const key = this.#deviceCredentialKey(username);
    if ((await this.#store.get(key)) !== credential) await this.#store.set(key, credential);
  }

  #kdfKey(username: string): string {
    return `kdf/${this.serverUrl}|${username}`;
  }

  /** kdfSalt and kdfIterations from this device's last sign-in (not secret: useless without the password). */
  async #rememberedKdf(username: string): Promise<{ kdfSalt: string; kdfIterations: number } | null> {
    const raw = await this.#store.get(this.#kdfKey(username));
    if (raw === null) return null;
    try {
      const parsed = z.object({ kdfSalt: kdfSaltSchema, kdfIterations: kdfIterationsSchema.max(MAX_KDF_ITERATIONS) }).parse(JSON.parse(raw));
      return parsed;
    } catch {
      return null;
    }
  }

  async #rememberKdf(username: string, sealed: { kdfSalt: string; kdfIterations: number }): Promise<void> {
    await this.#store.set(this.#kdfKey(username), JSON.stringify({ kdfSalt: sealed.kdfSalt, kdfIterations: sealed.kdfIterations }));
  }

  async #ownProfile(username: string): Promise<UserProfile> {
    const { data } = await this.#api.call('GET', `/users/${username}`, userProfileSchema, { auth: true });
    if (data.username !== username) throw new ChatError('protocol_violation', 'The server answered with another account.');
    return data;
  }

  /** Checks the unlocked key against the server's copy and this device's pin, then holds it. */
  async #openSession(username: string, pkcs8: Uint8Array, profile: UserProfile, authHash: string | null): Promise<void> {
    let ownSpki: string;
    let privateKey: PrivateKeys;
    try {
      [ownSpki, privateKey] = await Promise.all([publicSpkiOfPrivateKey(pkcs8), importPrivateKey(pkcs8)]);
    } catch {
      this.#api.token = null;
      throw new ChatError('tampered', 'Your private key opened but is not a valid RSA-4096 key.');
    }
    if (!(await sameKey(ownSpki, profile.publicKey))) {
      this.#api.token = null;
      throw new ChatError('tampered', 'The server shows a public key for your account that does not match your private key. Do not use this server.');
    }
    const namespace = `${this.serverUrl}|${username}`;
    const pins = new Pins(this.#store, namespace);
    const ownFingerprint = await fingerprint(ownSpki);
    const pinned = await pins.get(username);
    if (pinned && !(await sameKey(pinned.publicKey, ownSpki))) {
      this.#api.token = null;
      throw new ChatError('tampered', 'Your account now has a different key than the one this device pinned for you. The account may have been replaced on the server.');
    }
    if (!pinned) await pins.set(username, ownSpki, ownFingerprint);
    this.#session = {
      username,
      privateKey,
      publicKey: await importPublicKey(ownSpki),
      fingerprint: ownFingerprint,
      pins,
      index: await ConversationIndex.load(this.#store, namespace),
      outbox: new Outbox(this.#store, namespace),
      verified: new VerifiedLog(this.#store, namespace),
      secret: authHash === null ? null : { authHash, pkcs8: encodeBase64(pkcs8) },
    };
  }

  #accountView(): AccountView {
    const s = this.#requireSession();
    return { username: s.username, fingerprint: formatFingerprint(s.fingerprint), serverUrl: this.serverUrl };
  }

  #unexpected(response: AxiosResponse, what: string): ChatError {
    if (response.status >= 400) return errorFromResponse(response, what);
    return new ChatError('protocol_violation', `The server gave an unexpected answer (HTTP ${response.status}) to ${what}.`);
  }

  // ---- internals: keys ----

  async #serverKey(username: string, fresh: boolean): Promise<ServerKey> {
    const cached = this.#serverKeys.get(username);
    if (!fresh && cached && Date.now() - cached.fetchedAt < SERVER_KEY_TTL_MS) return cached;
    const response = await this.#api.raw('GET', `/users/${username}`, { auth: this.#api.token !== null });
    if (response.status === 404) throw new ChatError('not_found', `There is no user named ${username}.`);
    if (response.status !== 200) throw this.#unexpected(response, 'GET /users/{username}');
    const profile = parseAnswer(userProfileSchema, response.data, `GET /users/${username}`);
    if (profile.username !== username) throw new ChatError('protocol_violation', `The server answered with another user than ${username}.`);
    try {
      await importPublicKey(profile.publicKey);
    } catch {
      throw new ChatError('protocol_violation', `The server shows a key for ${username} that is not a valid RSA-4096 public key.`);
    }
    const fp = await fingerprint(profile.publicKey);
    if (fp !== profile.fingerprint) throw new ChatError('protocol_violation', `The server shows a wrong fingerprint for ${username}'s key.`);
    const entry = { profile, fingerprint: fp, fetchedAt: Date.now() };
    this.#serverKeys.set(username, entry);
    return entry;
  }

  /** The pin, pinning the server's key on first use; warns (once per key) when the server shows another key. */
  async #pinAndCompare(username: string, fresh: boolean): Promise<PinState> {
    const s = this.#requireSession();
    let pin = await s.pins.get(username);
    let server: ServerKey | null = null;
    try {
      server = await this.#serverKey(username, fresh);
    } catch (error) {
      if (!pin) throw error;
    }
    if (!pin) pin = await s.pins.set(username, server!.profile.publicKey, server!.fingerprint);
    const changed = server !== null && server.profile.publicKey !== pin.publicKey;
    if (changed) this.#warnKeyChanged(username, pin.fingerprint, server!.fingerprint);
    return {
      pinned: pin.publicKey,
      pinnedFingerprint: pin.fingerprint,
      earlier: pin.previous ?? [],
      server,
      changed,
    };
  }

  #warnKeyChanged(username: string, pinnedFingerprint: string, newFingerprint: string): void {
    const key = `${username}:${newFingerprint}`;
    if (this.#warned.has(key)) return;
    this.#warned.add(key);
    this.#emit({
      type: 'key_changed',
      change: { username, pinnedFingerprint: formatFingerprint(pinnedFingerprint), newFingerprint: formatFingerprint(newFingerprint) },
    });
  }

  async #keyStatus(username: string): Promise<KeyStatus> {
    const state = await this.#pinAndCompare(username, false);
    if (state.server === null) return 'unknown';
    return state.changed ? 'changed' : 'pinned';
  }

  async #details(peer: string, fresh: boolean): Promise<ContactDetails> {
    const me = this.#requireSession().username;
    const [state, blocked] = await Promise.all([this.#pinAndCompare(peer, fresh), peer === me ? Promise.resolve([]) : this.#blockedOrUnknown()]);
    return {
      username: peer,
      keyStatus: state.server === null ? 'unknown' : state.changed ? 'changed' : 'pinned',
      pinnedFingerprint: formatFingerprint(state.pinnedFingerprint),
      serverFingerprint: state.changed ? formatFingerprint(state.server!.fingerprint) : null,
      createdAt: state.server?.profile.createdAt ?? null,
      blocked: blocked?.includes(peer) ?? false,
      earlierKeys: state.earlier.map((key) => ({ fingerprint: formatFingerprint(key.fingerprint), disowned: key.disowned === true })),
    };
  }

  async #recipientKey(recipient: string): Promise<PublicKeys> {
    const s = this.#requireSession();
    if (recipient === s.username) return s.publicKey;
    const state = await this.#pinAndCompare(recipient, false);
    if (state.changed) {
      throw new ChatError(
        'key_changed',
        `${recipient}'s key on the server has changed since you first used it. Compare fingerprints with ${recipient}, and accept the new key before sending.`,
      );
    }
    return importPublicKey(state.pinned);
  }

  // ---- internals: messages ----

  #headerView(header: MessageHeader, me: string): MessageHeaderView {
    this.#timestamps.set(header.seq, header.timestamp);
    return { id: header.id, seq: header.seq, sender: header.sender, recipient: header.recipient, timestamp: header.timestamp, outgoing: header.sender === me };
  }

  async #listMessages(query: { peer?: string; order?: 'asc' | 'desc'; limit?: number; after?: number; until?: string }): Promise<MessageHeader[]> {
    const { data } = await this.#api.call('GET', '/messages', messagesResponseSchema, { auth: true, query });
    const me = this.#requireSession().username;
    for (const h of data.messages) {
      if (h.sender !== me && h.recipient !== me) throw new ChatError('protocol_violation', 'The server listed a message that is not yours.');
      if (query.peer && h.sender !== query.peer && h.recipient !== query.peer) {
        throw new ChatError('protocol_violation', `The server listed a message outside the conversation with ${query.peer}.`);
      }
    }
    for (const h of data.messages) this.#noteListing(h, query.peer);
    return data.messages;
  }

  /** Remembers what the server said about a message before showing it, to compare with its record. */
  #noteListing(header: MessageHeader, peer: string | undefined): void {
    const known = this.#listed.get(header.id);
    const peers = known ? [...known.peers] : [];
    if (peer !== undefined && !peers.includes(peer)) peers.push(peer);
    this.#listed.set(header.id, {
      header: known?.header ?? header,
      peers: peers.slice(0, 4),
      conflict: (known?.conflict ?? false) || (known !== undefined && !sameHeader(known.header, header)) || peers.length > 4,
    });
  }

  async #timestampOf(peer: string, seq: number): Promise<string | null> {
    const known = this.#timestamps.get(seq);
    if (known) return known;
    const [first] = await this.#listMessages({ peer, after: seq - 1, limit: 1 });
    return first && first.seq === seq ? first.timestamp : null;
  }

  async #syncIndex(emit: boolean): Promise<void> {
    const s = this.#requireSession();
    let rewound = false;
    for (;;) {
      const before = s.index.cursor;
      let page: MessageHeader[];
      try {
        page = await this.#listMessages({ after: before, order: 'asc', limit: MAX_PAGE_LIMIT });
      } catch (error) {
        // A cursor the server refuses is not looped on: sync again from the start, once.
        if (before > 0 && !rewound && toChatError(error).info.code === 'invalid_input') {
          rewound = true;
          await this.#rewind(s, 0);
          continue;
        }
        throw error;
      }
      const dropped = await this.#exclusive(() => this.#deliver(s, page, emit));
      if (dropped > 0) this.#report(`The server listed ${dropped} message${dropped === 1 ? '' : 's'} it could not show as listed; ignored.`);
      if (page.length < MAX_PAGE_LIMIT) {
        if (page.length === 0 && before > 0 && !rewound && (await this.#cursorBeyondServer(s, before))) {
          rewound = true;
          continue;
        }
        return;
      }
      if (s.index.cursor <= before) throw new ChatError('protocol_violation', STALLED_SYNC);
    }
  }

  /**
   * A stored cursor above the server's newest (confirmed) message cannot be the server's: it was poisoned, or
   * the server was restored from a backup. Rewinds the cursor when so; true then.
   */
  async #cursorBeyondServer(s: Session, cursor: number): Promise<boolean> {
    const [newest] = await this.#listMessages({ order: 'desc', limit: 1 });
    if (newest && (newest.seq >= cursor || !(await this.#confirm(newest)))) return false;
    await this.#rewind(s, newest?.seq ?? 0);
    this.#report('The saved sync position was ahead of the server; syncing again from the start.');
    return true;
  }

  async #rewind(s: Session, highestKnown: number): Promise<void> {
    await this.#exclusive(async () => {
      if (this.#session !== s) return;
      s.index.rewind(highestKnown);
      await s.index.save();
    });
  }

  /** A sync problem that is not an error of the caller's request: shown as a detail of the connection state. */
  #report(detail: string): void {
    this.#emit({ type: 'connection', state: this.#connectionState, detail });
  }

  /**
   * Records headers in seq order (skipping what is already known) and announces the new ones. The cursor moves
   * only to a seq the server's record confirms: the last new entry is fetched (then the one before, up to
   * CONFIRM_TRIES) and must carry the same fields. Returns how many new entries were dropped.
   */
  async #deliver(s: Session, headers: MessageHeader[], emit: boolean): Promise<number> {
    if (this.#session !== s) return 0;
    const fresh = headers.filter((h) => h.seq > s.index.cursor).sort((a, b) => a.seq - b.seq);
    if (fresh.length === 0) return 0;
    let confirmed = -1;
    for (let i = fresh.length - 1; i >= 0 && fresh.length - 1 - i < CONFIRM_TRIES; i--) {
      if (await this.#confirm(fresh[i]!)) {
        confirmed = i;
        break;
      }
    }
    if (this.#session !== s) return 0;
    const recorded = fresh.slice(0, confirmed + 1).filter((h) => s.index.record(h, s.username));
    if (recorded.length > 0) {
      await s.index.save();
      if (emit) for (const h of recorded) this.#emit({ type: 'message', message: this.#headerView(h, s.username) });
    }
    return fresh.length - (confirmed + 1);
  }

  /** A live event: recorded once its record confirms it, else dropped with a reason. */
  async #deliverEvent(s: Session, header: MessageHeader): Promise<void> {
    if (this.#session !== s || header.seq <= s.index.cursor) return;
    this.#noteListing(header, undefined);
    if ((await this.#deliver(s, [header], true)) > 0) {
      throw new ChatError('protocol_violation', 'The server announced a message whose record does not match the announcement; it was ignored.');
    }
  }

  /** True when GET /messages/{id} shows a record with exactly this header (kept briefly for reading). */
  async #confirm(header: MessageHeader): Promise<boolean> {
    const response = await this.#api.raw('GET', `/messages/${header.id}`, { auth: true });
    if (response.status === 404) return false;
    if (response.status !== 200) throw this.#unexpected(response, 'GET /messages/{id}');
    const record = messageHeaderSchema.safeParse(response.data);
    if (!record.success || !sameHeader(record.data, header)) return false;
    this.#records.set(header.id, response.data);
    return true;
  }

  #exclusive<T>(run: () => Promise<T>): Promise<T> {
    const next = this.#serial.then(run, run);
    this.#serial = next.catch(() => undefined);
    return next;
  }

  /** Posts a sealed message; it leaves the outbox once acknowledged, or once the server refuses it for good. */
  async #postFromOutbox(s: Session, payload: SendMessageRequest): Promise<MessageHeader> {
    try {
      const header = await this.#post(payload, s.username);
      await s.outbox.remove(payload.id);
      return header;
    } catch (error) {
      if (isRefusal(error)) await s.outbox.remove(payload.id);
      throw error;
    }
  }

  async #post(payload: SendMessageRequest, me: string): Promise<MessageHeader> {
    for (let attempt = 0; ; attempt++) {
      try {
        const response = await this.#api.raw('POST', '/messages', { auth: true, body: payload });
        if (response.status === 404) throw new ChatError('not_found', `There is no user named ${payload.recipient}.`);
        if (response.status === 403) throw new ChatError('forbidden', `${payload.recipient} does not accept your messages.`);
        if (response.status === 409) throw new ChatError('invalid_input', 'A different message with this id is already on the server.');
        if (response.status !== 201 && response.status !== 200) throw this.#unexpected(response, 'POST /messages');
        const header = parseAnswer(messageHeaderSchema, response.data, 'POST /messages');
        if (header.id !== payload.id || header.sender !== me || header.recipient !== payload.recipient) {
          throw new ChatError('protocol_violation', 'The server acknowledged a different message than the one sent.');
        }
        return header;
      } catch (error) {
        const delay = this.#retryDelays[attempt];
        if (!isTransient(error) || delay === undefined) throw error;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  async #readOne(id: string): Promise<MessageView> {
    return this.#placed(await this.#readRecord(id));
  }

  /** What is shown comes from the record; a listing or event that said otherwise makes it 'misplaced'. */
  #placed(view: MessageView): MessageView {
    const listing = this.#listed.get(view.id);
    if (!listing || view.sender === '') return view;
    const h = listing.header;
    const wrong =
      listing.conflict ||
      h.seq !== view.seq ||
      h.sender !== view.sender ||
      h.recipient !== view.recipient ||
      h.timestamp !== view.timestamp ||
      listing.peers.some((peer) => view.sender !== peer && view.recipient !== peer);
    return wrong ? { ...view, text: null, status: 'misplaced', reason: MISPLACED_REASON } : view;
  }

  async #readRecord(id: string): Promise<MessageView> {
    const cached = this.#readCache.get(id);
    if (cached) return cached;
    const s = this.#requireSession();
    // Read from the server each time (not the copy fetched to check a seq): what is shown is what it stores now.
    this.#records.delete(id);
    let data: unknown;
    {
      const response = await this.#api.raw('GET', `/messages/${id}`, { auth: true });
      if (response.status === 404) throw new ChatError('not_found', 'This message is not on the server (or is not yours).');
      if (response.status !== 200) throw this.#unexpected(response, 'GET /messages/{id}');
      data = response.data;
    }
    const header = messageHeaderSchema.safeParse(data);
    if (!header.success || header.data.id !== id || (header.data.sender !== s.username && header.data.recipient !== s.username)) {
      return {
        id,
        seq: header.success ? header.data.seq : 0,
        sender: header.success ? header.data.sender : '',
        recipient: header.success ? header.data.recipient : '',
        timestamp: header.success ? header.data.timestamp : '',
        outgoing: header.success && header.data.sender === s.username,
        text: null,
        status: 'malformed',
        reason: 'The server sent this message in a form that is not a valid message.',
      };
    }
    const base = this.#headerView(header.data, s.username);
    const record = messageRecordSchema.safeParse(data);
    if (!record.success) return this.#cache({ ...base, text: null, status: 'malformed', reason: 'The server sent this message with missing or badly formed encrypted fields.' });
    const opened = await openMessage(record.data, s.username, s.privateKey);
    if (!opened.ok) return this.#cache({ ...base, text: null, status: opened.code, reason: opened.reason });
    return this.#verify(base, opened, record.data.sender);
  }

  async #verify(base: MessageHeaderView, opened: { text: string; signature: Uint8Array; signed: Uint8Array }, sender: string): Promise<MessageView> {
    const s = this.#requireSession();
    if (sender === s.username) {
      const ok = await verifyOpened(opened, s.publicKey);
      return this.#cache(ok ? { ...base, text: opened.text, status: 'verified', reason: null } : badSignature(base, sender));
    }
    let state: PinState;
    try {
      state = await this.#pinAndCompare(sender, false);
    } catch (error) {
      const detail = toChatError(error).info.message;
      return { ...base, text: null, status: 'unknown_sender_key', reason: `The sender's key could not be fetched, so this message cannot be checked. ${detail}` };
    }
    if (await verifyOpened(opened, await importPublicKey(state.pinned))) {
      await s.verified.add(sender, await signedDigest(opened), state.pinnedFingerprint);
      return this.#cache({ ...base, text: opened.text, status: 'verified', reason: null });
    }
    // Signed with a key the person replaced: verified only if this device verified these very bytes with it
    // before (server timestamps are not signed, so "written before the change" cannot be told otherwise).
    for (const earlier of state.earlier) {
      if (!(await verifyOpened(opened, await importPublicKey(earlier.publicKey)))) continue;
      if (earlier.disowned) {
        return this.#cache({ ...base, text: null, status: 'disowned_key', reason: `Signed with a key you said was never ${sender}'s.` });
      }
      if (await s.verified.has(sender, await signedDigest(opened), earlier.fingerprint)) {
        return this.#cache({ ...base, text: opened.text, status: 'verified', reason: null });
      }
      return this.#cache({
        ...base,
        text: null,
        status: 'earlier_key',
        reason: `Signed with an earlier key of ${sender}'s, which you replaced; it was not checked on this device before, so it may be forged.`,
      });
    }
    if (!state.changed) {
      // The key may have changed since the cached look: look again before concluding.
      state = await this.#pinAndCompare(sender, true).catch(() => state);
    }
    if (state.changed && state.server && (await verifyOpened(opened, await importPublicKey(state.server.profile.publicKey)))) {
      return {
        ...base,
        text: null,
        status: 'key_changed',
        reason: `Signed with a new key of ${sender} that you have not accepted. Compare fingerprints with ${sender}, then accept the new key to read it.`,
      };
    }
    return this.#cache(badSignature(base, sender));
  }

  #cache(view: MessageView): MessageView {
    this.#readCache.set(view.id, view);
    return view;
  }
}

/** The server will never accept this message as it is (bad request, unknown recipient, forbidden, conflict). */
function isRefusal(error: unknown): boolean {
  const code = toChatError(error).info.code;
  return code === 'invalid_input' || code === 'not_found' || code === 'forbidden';
}

function blockingUnsupported(): ChatError {
  return new ChatError('not_found', 'This server does not support blocking.');
}

function sameHeader(a: MessageHeader, b: MessageHeader): boolean {
  return a.id === b.id && a.seq === b.seq && a.sender === b.sender && a.recipient === b.recipient && a.timestamp === b.timestamp;
}

/** What identifies the verified content: the signed bytes and the signature, hashed. */
async function signedDigest(opened: { signature: Uint8Array; signed: Uint8Array }): Promise<string> {
  const length = new Uint8Array(4);
  new DataView(length.buffer).setUint32(0, opened.signed.length);
  const all = new Uint8Array(4 + opened.signed.length + opened.signature.length);
  all.set(length, 0);
  all.set(opened.signed, 4);
  all.set(opened.signature, 4 + opened.signed.length);
  return toHex(new Uint8Array(await subtle().digest('SHA-256', all)));
}

function badSignature(base: MessageHeaderView, sender: string): MessageView {
  return { ...base, text: null, status: 'bad_signature', reason: `The signature does not match ${sender}'s key: this message may be forged.` };
}

function checkNewPassword(password: string): void {
  if ([...password].length < MIN_NEW_PASSWORD_LENGTH) {
    throw new ChatError('weak_password', `Choose a password of at least ${MIN_NEW_PASSWORD_LENGTH} characters.`);
  }
}

function sealedKeyOf(profile: UserProfile): { encryptedPrivateKey: string; kdfSalt: string; kdfIterations: number } {
  const { encryptedPrivateKey, kdfSalt, kdfIterations } = profile;
  if (encryptedPrivateKey === undefined || kdfSalt === undefined || kdfIterations === undefined) {
    throw new ChatError('protocol_violation', 'The server did not send your sealed private key.');
  }
  if (kdfIterations > MAX_KDF_ITERATIONS) {
    throw new ChatError('protocol_violation', `The server asks for ${kdfIterations} key-stretching rounds, more than the ${MAX_KDF_ITERATIONS} this app accepts.`);
  }
  return { encryptedPrivateKey, kdfSalt, kdfIterations };
}

/** Two SPKI encodings of the same key compare equal (re-exported in canonical DER). */
async function sameKey(a: string, b: string): Promise<boolean> {
  if (a === b) return true;
  try {
    const [ca, cb] = await Promise.all([canonicalSpki(a), canonicalSpki(b)]);
    return ca === cb;
  } catch {
    return false;
  }
}

async function sha512Hex(text: string): Promise<string> {
  return toHex(new Uint8Array(await subtle().digest('SHA-512', utf8(text))));
}

function addMs(timestamp: string, ms: number): string {
  return new Date(Date.parse(timestamp) + ms).toISOString();
}
