// Core side (runs in Node, Electron main and the browser worker): what a ChatClient is made with (its options)
// and of (its modules, wired to one another and to the facade's session, events and write queue).
import { MAX_KDF_ITERATIONS, MIN_KDF_ITERATIONS } from '../protocol/constants.js';
import { ChatError } from '../api/errors.js';
import { DEVICE_MAX_CHARS, deviceSchema } from '../protocol/schemas-accounts.js';
import { groupKey, targetOf } from '../api/conversation-key.js';
import type { ChatEvent, ConnectionState, MessageView, Progress } from '../api/view.js';
import { Account } from './account.js';
import { AccountStateApi } from './account-state-api.js';
import { Attachments } from './attachments.js';
import { Devices } from './devices.js';
import { KeyLog } from './key-log.js';
import { KeyLogApi } from './key-log-api.js';
import { RecoveryCodes } from './recovery-codes.js';
import { Blocking } from './blocking.js';
import { Contacts } from './contacts.js';
import { Conversations } from './conversations.js';
import { HttpApi, type Transport } from './http-api.js';
import { IndexSync } from './index-sync.js';
import { KeyDirectory } from './key-directory.js';
import { Listings } from './listings.js';
import { LiveConnection, type LiveLoss } from './live-connection.js';
import { MessageReader, type ReadItem } from './message-reader.js';
import { MessageActions } from './message-actions.js';
import { MessageViews } from './message-views.js';
import { Previews } from './previews.js';
import { ReadCursorSync } from './read-cursor-sync.js';
import { Groups } from './groups.js';
import { Sender, type UnsentContent } from './sender.js';
import { ServerApi } from './server-api.js';
import type { CurrentSession, Session } from './session.js';
import type { KeyValueStore } from './store.js';

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
  /** The time now, in ms (tests move it on; default Date.now). */
  clock?: () => number;
  /** What this device is called in the account's device list, e.g. "Terminal, myhost" (1–64 chars). */
  device?: string;
  /** The stay-signed-in snapshot changed (the session was renewed): whoever keeps it saves it again. */
  onSnapshotChange?: () => void;
}

export interface SessionOptions {
  /** Keep authHash and the PKCS#8 bytes in memory so sessionSnapshot() can hand them to a keychain helper. */
  keepSessionSecret?: boolean;
}

/** What the facade lends its modules: the session, its events and its one-writer-at-a-time queue. */
export interface FacadeHooks {
  session: CurrentSession;
  current(): Session | null;
  hold(session: Session): void;
  exclusive<T>(run: () => Promise<T>): Promise<T>;
  /** Runs a request as the facade's own calls run: an expired token is renewed, a refused one ends the session. */
  guard<T>(run: () => Promise<T>): Promise<T>;
  emit(event: ChatEvent): void;
  connectionState(): ConnectionState;
  /** The live connection's state changed. */
  onState(state: ConnectionState, detail: string | null): void;
  liveLoss: LiveLoss;
}

export interface ClientParts {
  api: ServerApi;
  account: Account;
  keys: KeyDirectory;
  reader: MessageReader;
  views: MessageViews;
  actions: MessageActions;
  groups: Groups;
  sync: IndexSync;
  sender: Sender;
  contacts: Contacts;
  conversations: Conversations;
  live: LiveConnection;
  keyLog: KeyLog;
  devices: Devices;
  recovery: RecoveryCodes;
  attachments: Attachments;
  previews: Previews;
  readCursors: ReadCursorSync;
}

/** `serverUrl` was checked with safeServerUrl() already. */
export function assembleParts(serverUrl: string, options: ChatClientOptions, hooks: FacadeHooks): ClientParts {
  const { session, emit, exclusive, onState } = hooks;
  const http = new HttpApi(serverUrl, options.transport ?? {});
  const api = new ServerApi(http);
  const keyLog = new KeyLog({ api: new KeyLogApi(http), serverUrl, store: options.store, session, changed: (view) => emit({ type: 'key_log', keyLog: view }) });
  const kdfIterations = kdfIterationsOf(options);
  const progress = (progress: Progress) => emit({ type: 'progress', progress });
  const device = options.device === undefined ? undefined : deviceName(options.device);
  const account = new Account({ api, store: options.store, serverUrl, kdfIterations, progress, hold: hooks.hold, device });
  const keys = new KeyDirectory(api, keyLog, session, (change) => emit({ type: 'key_changed', change }));
  const listings = new Listings(api, session);
  const reader = new MessageReader(api, keys, listings, session, keyLog);
  const serverRecipients = async (group: string) => {
    const me = session().username;
    const listed = await api.group(group, me);
    if (!listed) throw new ChatError('forbidden', 'You are not a member of this group (any more).');
    return listed.members.filter((n) => n !== me);
  };
  const sender: Sender = new Sender({
    api,
    keys,
    listings,
    session,
    groupRecipients: (group, announcement): Promise<string[]> => (announcement ? serverRecipients(group) : groups.recipients(group)),
    retryDelaysMs: options.retryDelaysMs,
    gossipHead: () => keyLog.gossipHead(),
  });
  const groups: Groups = new Groups({
    api,
    reader,
    listings,
    session,
    announce: (group, content, id): Promise<ReadItem> => sender.send(groupKey(group), content as UnsentContent, id, true),
    changed: (group) => emit({ type: 'group_changed', group }),
    now: options.clock,
  });
  const notNews = (quiet: readonly MessageView[]) =>
    void exclusive(async () => {
      const s = hooks.current();
      if (!s) return;
      let changed = false;
      for (const view of quiet) changed = s.index.notNews(view.conversation, [view.seq]) || changed;
      if (changed) await s.index.save();
    }).catch(() => undefined);
  const updated = (message: MessageView) => {
    previews.forget(message.conversation);
    emit({ type: 'message_updated', message });
  };
  const views = new MessageViews(reader, listings, groups, updated, notNews);
  const previews: Previews = new Previews(listings, views, session);
  const refreshGroup = (conversation: string) => {
    const target = targetOf(conversation);
    if (target.kind === 'group') groups.touch(target.group);
  };
  const actions = new MessageActions(api, sender, views, refreshGroup);
  const sync = new IndexSync({
    api,
    listings,
    session,
    current: hooks.current,
    exclusive,
    announce: (message) => {
      emit({ type: 'message', message });
      refreshGroup(message.conversation);
    },
    // A sync problem that is not an error of the caller's request: shown as a detail of the connection state.
    report: (detail) => emit({ type: 'connection', state: hooks.connectionState(), detail }),
  });
  const blocking = new Blocking(api);
  const contacts = new Contacts(keys, blocking, reader, session);
  const readCursors = new ReadCursorSync({
    api: new AccountStateApi(http),
    current: hooks.current,
    exclusive,
    guard: hooks.guard,
    report: (detail) => emit({ type: 'connection', state: hooks.connectionState(), detail }),
    merged: () => emit({ type: 'read_elsewhere' }),
    // Straight from the API: only the seq counts (capped later by a confirmed cursor), and noting the header
    // in the listings would change what a later record of that message is compared with.
    newestSeq: async () => (await api.listMessages({ order: 'desc', limit: 1 }))[0]?.seq ?? 0,
    clock: options.clock,
  });
  const conversations = new Conversations(listings, session, exclusive, () => readCursors.noteRead());
  const live = new LiveConnection({ api, sync, reconnectDelaysMs: options.reconnectDelaysMs, exclusive, onState }, hooks.liveLoss);
  const devices = new Devices(api);
  const recovery = new RecoveryCodes(api, account, session);
  const attachments = new Attachments({ http, transport: options.transport ?? {}, reader, views, sender, emit, sentTo: refreshGroup });
  return { api, account, keys, keyLog, reader, views, actions, groups, sync, sender, contacts, conversations, live, devices, recovery, attachments, previews, readCursors };
}

/** A device name as the protocol takes it: whatever the caller made of its platform, cut to 64 characters. */
function deviceName(device: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what is taken out
  const cleaned = [...device.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').trim()].slice(0, DEVICE_MAX_CHARS).join('');
  const parsed = deviceSchema.safeParse(cleaned);
  if (!parsed.success) throw new ChatError('invalid_input', 'The device name must be 1 to 64 characters.');
  return parsed.data;
}

function kdfIterationsOf(options: ChatClientOptions): number {
  const iterations = options.kdfIterations ?? MIN_KDF_ITERATIONS;
  if (!Number.isInteger(iterations) || iterations < MIN_KDF_ITERATIONS || iterations > MAX_KDF_ITERATIONS) {
    throw new ChatError('invalid_input', `kdfIterations must be a whole number from ${MIN_KDF_ITERATIONS} to ${MAX_KDF_ITERATIONS}.`);
  }
  return iterations;
}
