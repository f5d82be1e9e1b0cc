// Test support for the CLI's unit tests: a fake ChatClient (io.newClient) that records what it was asked,
// view and group factories, and run(), which runs one command line against the fake and captures its output.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import type { ChatClient } from '../core/client/chat-client.js';
import { ChatError } from '../core/api/errors.js';
import { messageView } from '../core/test-fixtures/views.js';
import type {
  ChatEvent,
  ContactDetails,
  DeleteRequest,
  EditRequest,
  GroupRename,
  GroupView,
  KeyLogAlarm,
  KeyLogView,
  MembersChange,
  AccountRecovery,
  DeviceView,
  MessageView,
  NewGroup,
  ReactionRequest,
  RecoveryStatus,
  Registration,
  SendRequest,
  ServerInfoView,
} from '../core/api/view.js';
import type { CliIo } from './commands.js';
import { runCli } from './run-cli.js';

// The CLI prints times in the computer's time zone: the tests that compare lines read them in UTC.
process.env.TZ = 'UTC';

export const FP = (d: string) => Array(16).fill(d.repeat(4)).join(' ');

export const GID = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
export const GID2 = '7c9e1111-7425-40de-944b-e07fc1f90ae8';
export const MID = '3f1c2a9e-7b4d-4e2a-9c1f-5d6e7f8a9b0c';
export const NEW_ID = '11111111-2222-4333-8444-555555555555';
/** The fake's password for bob (run() puts it in ENCRYPTED_CHAT_PASSWORD). */
export const PASSWORD = 'bob password 1';
/** The recovery code createRecoveryCode makes. */
export const CODE = 'ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4567';
export const SET_AT = Date.parse('2026-11-25T12:00:00.000Z');
export const SESSION_ID = '0f8fad5b-d9cb-469f-a165-70867728950e';

export function details(username: string, extra: Partial<ContactDetails> = {}): ContactDetails {
  return { username, keyStatus: 'pinned', pinnedFingerprint: FP('a'), serverFingerprint: null, createdAt: null, blocked: false, earlierKeys: [], deleted: false, keyLog: null, keyLogDetail: null, ...extra };
}

/** A key log alarm as the core raises it (override what the test needs). */
export function alarm(kind: KeyLogAlarm['kind'], extra: Partial<KeyLogAlarm> = {}): KeyLogAlarm {
  const username = extra.username ?? (kind === 'missing_key' || kind === 'other_name' ? 'alice' : null);
  return { id: `${kind}:${username ?? ''}:${SET_AT}`, kind, username, message: `The ${kind} alarm's sentence.`, raisedAt: SET_AT, ...extra };
}

export function view(extra: Partial<MessageView> = {}): MessageView {
  return messageView({ id: MID, sender: 'alice', recipient: 'bob', conversation: 'alice', timestamp: '2026-11-25T12:00:00.000Z', ...extra });
}

/** A group message of alice's in GID (override what the test needs). */
export function groupView(extra: Partial<MessageView> = {}): MessageView {
  return view({ recipient: null, group: GID, conversation: `group:${GID}`, ...extra });
}

export function group(extra: Partial<GroupView> = {}): GroupView {
  const id = extra.id ?? GID;
  return {
    id,
    conversation: `group:${id}`,
    name: 'Family',
    members: ['alice', 'bob', 'carol'],
    owner: 'alice',
    serverMembers: ['alice', 'bob', 'carol'],
    sending: 'ok',
    warnings: [],
    unread: 0,
    lastActivity: null,
    lastSeq: null,
    ...extra,
  };
}

export class FakeClient {
  readonly serverUrl = 'http://127.0.0.1:1';
  readonly calls: string[] = [];
  /** The arguments of every call but login, in order. */
  readonly requests: Array<[string, unknown]> = [];
  readonly listeners = new Set<(event: ChatEvent) => void>();
  views: MessageView[] = [];
  groupList: GroupView[] = [];
  /** Run by startLive (e.g. emit connection events). */
  live: (emit: (event: ChatEvent) => void) => void = () => undefined;
  /** Run by recentMessages before it answers. */
  beforeList: (emit: (event: ChatEvent) => void) => void = () => undefined;
  closed = false;
  /** What GET /health says. */
  info: ServerInfoView = { registration: 'open', retention: null };
  /** Invite codes the fake server takes (each once), when info.registration is 'invite'. */
  invites = new Set<string>();
  /** The recovery code as the fake server holds it. */
  recovery: RecoveryStatus & { code: string | null } = { set: false, setAt: null, device: null, code: null };
  /** Names the fake server does not know: looking them up without signing in (GET /users/{u}) is not_found. */
  unknownPeople = new Set<string>();
  /** The names looked up without signing in, in order. */
  readonly lookedUp: string[] = [];
  /** People whose account was deleted: contactDetails says so, a send to them is refused (gone). */
  deletedPeople = new Set<string>();
  /** True once deleteAccount succeeded. */
  accountDeleted = false;
  signedIn = false;
  /** The key log as this device sees it (keyLog, auditKeyLog, acceptLogKey and dismissKeyLogAlarm answer it). */
  keyLogView: KeyLogView = { available: true, size: 3, checkedSize: 3, logKeyFingerprint: FP('e'), offeredKeyFingerprint: null, alarms: [] };
  /** Run by auditKeyLog before it answers (raise an alarm, emit a key_log event). */
  onAudit: (fromStart: boolean, fake: FakeClient) => void = () => undefined;
  /** The key log calls, in order (apart from `calls`, which the other tests compare whole). */
  readonly keyLogCalls: string[] = [];
  /** What the key log says of a contact's key (contactDetails); default: confirmed. */
  contactLog = new Map<string, Pick<ContactDetails, 'keyLog' | 'keyLogDetail'>>();

  /** GET /users/{u} without a token, as the CLI's pre-check makes it (io.lookUpUser). */
  async lookUp(name: string) {
    this.lookedUp.push(name);
    if (this.unknownPeople.has(name)) throw new ChatError('not_found', `There is no user named ${name}.`);
    if (this.deletedPeople.has(name)) throw new ChatError('gone', `The account ${name} was deleted.`);
  }
  emit = (event: ChatEvent) => {
    for (const l of this.listeners) l(event);
  };
  #record(name: string, arg: unknown) {
    this.calls.push(name);
    this.requests.push([name, arg]);
  }
  #group(id: string): GroupView {
    const found = this.groupList.find((g) => g.id === id);
    if (!found) throw new ChatError('not_found', 'No such group.');
    return found;
  }
  #message(id: string): MessageView {
    const found = this.views.find((v) => v.id === id);
    if (!found) throw new ChatError('not_found', 'No such message.');
    return found;
  }
  onEvent(listener: (event: ChatEvent) => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  #checkPassword(password: string) {
    if (password !== PASSWORD) throw new ChatError('wrong_password', 'The password is wrong.');
  }
  async login() {
    this.calls.push('login');
    this.signedIn = true;
    return this.account();
  }
  account() {
    return { username: 'bob', fingerprint: FP('b'), serverUrl: this.serverUrl };
  }
  async currentAccount() {
    return this.signedIn ? this.account() : null;
  }
  async serverInfo() {
    this.calls.push('serverInfo');
    return this.info;
  }
  async register(registration: Registration) {
    this.#record('register', registration);
    if (this.info.registration === 'closed') throw new ChatError('forbidden', 'This server does not accept new accounts.');
    if (this.info.registration === 'invite') {
      if (registration.invite === undefined) throw new ChatError('forbidden', 'This server takes new accounts by invitation only: ask its operator for an invite code.');
      if (!this.invites.delete(registration.invite)) {
        throw new ChatError('forbidden', "This invite code does not work: it is wrong, was used already, or has expired. Ask the server's operator for a new one.");
      }
    }
    this.signedIn = true;
    return { ...this.account(), username: registration.username };
  }
  async recoverAccount(recovery: AccountRecovery) {
    this.#record('recoverAccount', { ...recovery, code: '(hidden)', newPassword: '(hidden)' });
    if (this.recovery.code === null || recovery.code.replace(/[\s-]/g, '').toUpperCase() !== this.recovery.code.replace(/-/g, '')) {
      throw new ChatError('wrong_password', 'That username and recovery code do not match (a code works only until it is used to set a new password).');
    }
    this.recovery = { set: false, setAt: null, device: null, code: null };
    this.signedIn = true;
    return this.account();
  }
  async recoveryStatus() {
    this.calls.push('recoveryStatus');
    const { set, setAt, device } = this.recovery;
    return { set, setAt, device };
  }
  async createRecoveryCode(password: string) {
    this.calls.push('createRecoveryCode');
    this.#checkPassword(password);
    this.recovery = { set: true, setAt: SET_AT, device: 'Terminal, host', code: CODE };
    return { code: CODE, setAt: SET_AT };
  }
  async removeRecoveryCode(password: string) {
    this.calls.push('removeRecoveryCode');
    this.#checkPassword(password);
    this.recovery = { set: false, setAt: null, device: null, code: null };
    return this.recoveryStatus();
  }
  async deleteAccount(password: string) {
    this.calls.push('deleteAccount');
    this.#checkPassword(password);
    this.accountDeleted = true;
    this.signedIn = false;
  }
  deviceList: DeviceView[] = [{ id: SESSION_ID, name: 'Terminal, host', signedInAt: SET_AT, lastSeenAt: SET_AT, current: true }];
  async devices() {
    this.calls.push('devices');
    return this.deviceList;
  }
  async signOutDevice(id: string) {
    this.#record('signOutDevice', id);
    this.deviceList = this.deviceList.filter((d) => d.id !== id);
    return this.deviceList;
  }
  async recentMessages(options: { conversation?: string; limit?: number }) {
    this.#record('recentMessages', options);
    this.beforeList(this.emit);
    return this.views
      .filter((v) => options.conversation === undefined || v.conversation === options.conversation)
      .slice(-(options.limit ?? Infinity))
      .map(({ id, seq, sender, recipient, group, conversation, timestamp, outgoing }) => ({ id, seq, sender, recipient, group, conversation, timestamp, outgoing }));
  }
  async readMessages(ids: string[]) {
    return this.views.filter((v) => ids.includes(v.id));
  }
  async markRead(conversation: string, seq: number) {
    this.#record('markRead', [conversation, seq]);
  }
  async resendPending() {
    return { sent: [], refused: [] };
  }
  newMessageId() {
    return NEW_ID;
  }
  async send(request: SendRequest) {
    this.#record('send', request);
    if (this.deletedPeople.has(request.conversation)) throw new ChatError('gone', `the account ${request.conversation} was deleted`);
    const target = request.conversation.startsWith('group:') ? { group: request.conversation.slice(6), recipient: null } : { group: null, recipient: request.conversation };
    return view({ id: request.id, sender: 'bob', ...target, conversation: request.conversation, text: request.text, replyTo: request.replyTo ?? null, outgoing: true });
  }
  async editMessage(request: EditRequest) {
    this.#record('editMessage', request);
    return { ...this.#message(request.target), text: request.text, edited: true };
  }
  async deleteMessage(request: DeleteRequest) {
    this.#record('deleteMessage', request);
    return { ...this.#message(request.target), text: null, deleted: 'by_sender' as const };
  }
  async react(request: ReactionRequest) {
    this.#record('react', request);
    const target = this.#message(request.target);
    return { ...target, reactions: request.remove ? [] : [{ emoji: request.emoji, people: ['bob'] }] };
  }
  async groups() {
    this.calls.push('groups');
    return this.groupList;
  }
  async groupDetails(id: string) {
    this.#record('groupDetails', id);
    return this.#group(id);
  }
  async createGroup(request: NewGroup) {
    this.#record('createGroup', request);
    const created = group({ name: request.name, members: ['bob', ...request.members].sort(), owner: 'bob' });
    this.groupList.push(created);
    return created;
  }
  async changeGroupMembers(change: MembersChange) {
    this.#record('changeGroupMembers', change);
    const g = this.#group(change.group);
    const members = [...new Set([...g.members, ...(change.add ?? [])])].filter((m) => !(change.remove ?? []).includes(m)).sort();
    return { ...g, members, serverMembers: members };
  }
  async renameGroup(rename: GroupRename) {
    this.#record('renameGroup', rename);
    return { ...this.#group(rename.group), name: rename.name };
  }
  async leaveGroup(id: string) {
    this.#record('leaveGroup', id);
    this.#group(id);
  }
  async confirmGroupMembers(id: string) {
    this.#record('confirmGroupMembers', id);
    const g = this.#group(id);
    return { ...g, members: g.serverMembers, warnings: [], sending: 'ok' as const };
  }
  async startLive() {
    this.live(this.emit);
  }
  /** The command ended its session on the server (logout of the current session, or --everywhere). */
  loggedOut: 'this' | 'everywhere' | null = null;
  async logout() {
    this.loggedOut = 'this';
    this.signedIn = false;
  }
  async logoutEverywhere() {
    this.loggedOut = 'everywhere';
    this.signedIn = false;
  }
  async close() {
    this.closed = true;
    this.signedIn = false;
  }
  async contactDetails(name: string) {
    return details(name, { deleted: this.deletedPeople.has(name), keyLog: 'confirmed', ...this.contactLog.get(name) });
  }
  #keyLogCall(name: string): KeyLogView {
    this.keyLogCalls.push(name);
    if (!this.signedIn) throw new ChatError('unauthorized', 'Not signed in.');
    return structuredClone(this.keyLogView);
  }
  async keyLog() {
    return this.#keyLogCall('keyLog');
  }
  async auditKeyLog(options: { fromStart?: boolean } = {}) {
    this.#keyLogCall(options.fromStart ? 'audit fromStart' : 'audit');
    this.onAudit(options.fromStart === true, this);
    return structuredClone(this.keyLogView);
  }
  /** Raises `raised` as the core does: kept in the view (once per kind and name), announced in a key_log event. */
  raise(raised: KeyLogAlarm) {
    if (this.keyLogView.alarms.some((a) => a.kind === raised.kind && a.username === raised.username)) return;
    this.keyLogView = { ...this.keyLogView, alarms: [...this.keyLogView.alarms, raised] };
    this.emit({ type: 'key_log', keyLog: structuredClone(this.keyLogView) });
  }
  async acceptLogKey() {
    this.#keyLogCall('acceptLogKey');
    const v = this.keyLogView;
    if (v.offeredKeyFingerprint !== null) {
      this.keyLogView = { ...v, logKeyFingerprint: v.offeredKeyFingerprint, offeredKeyFingerprint: null, size: null, checkedSize: 0, alarms: v.alarms.filter((a) => a.kind !== 'log_key_changed') };
    }
    return structuredClone(this.keyLogView);
  }
  async dismissKeyLogAlarm(id: string) {
    this.#keyLogCall(`dismiss ${id}`);
    this.keyLogView = { ...this.keyLogView, alarms: this.keyLogView.alarms.filter((a) => a.id !== id || a.kind === 'log_key_changed') };
    return structuredClone(this.keyLogView);
  }
  async blockContact(name: string) {
    this.calls.push(`block ${name}`);
    return details(name, { blocked: true, deleted: this.deletedPeople.has(name) });
  }
  async unblockContact(name: string) {
    this.calls.push(`unblock ${name}`);
    return details(name, { deleted: this.deletedPeople.has(name) });
  }
  async disownEarlierKeys(name: string) {
    this.calls.push(`disown ${name}`);
    return details(name, { earlierKeys: [{ fingerprint: FP('c'), disowned: true }], deleted: this.deletedPeople.has(name) });
  }
}

function sink() {
  const stream = new PassThrough();
  let text = '';
  stream.setEncoding('utf8').on('data', (c: string) => (text += c));
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => text };
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  signal?: AbortSignal;
  /** What standard input holds (default: nothing). */
  stdin?: string;
  /** Standard input is a terminal (the hidden prompts read it like one). */
  tty?: boolean;
  /** Environment beside (or, as undefined, instead of) the default server, user and password. */
  env?: Record<string, string | undefined>;
  /** The data folder (default: a new one). */
  dataDir?: string;
}

/** Standard input holding `text`; as a terminal, a stream whose raw mode can be set. */
function input(text: string, tty: boolean): NodeJS.ReadStream {
  const stream = Readable.from([text]) as unknown as NodeJS.ReadStream;
  if (tty) Object.assign(stream, { isTTY: true, setRawMode: () => stream });
  return stream;
}

/** Runs one command line against `fake`. */
export async function run(argv: string[], fake: FakeClient, options: RunOptions = {}): Promise<RunResult> {
  const stdout = sink();
  const stderr = sink();
  const env: NodeJS.ProcessEnv = { ENCRYPTED_CHAT_SERVER: 'http://127.0.0.1:1', ENCRYPTED_CHAT_USER: 'bob', ENCRYPTED_CHAT_PASSWORD: PASSWORD };
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  const io: CliIo = {
    env,
    stdin: input(options.stdin ?? '', options.tty ?? false),
    stdout: stdout.stream,
    stderr: stderr.stream,
    newClient: () => fake as unknown as ChatClient,
    lookUpUser: (_options, name) => fake.lookUp(name),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const code = await runCli([...argv, '--data-dir', options.dataDir ?? mkdtempSync(join(tmpdir(), 'ec-cli-unit-'))], io);
  await new Promise((r) => setImmediate(r));
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}
