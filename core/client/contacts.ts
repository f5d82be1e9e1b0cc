// Core side (runs in Node, Electron main and the browser worker): the people an account talks with — the list
// from the conversation index, one contact's keys and blocked state, and the person's decisions about them.
import { formatFingerprint } from '../crypto/fingerprint.js';
import type { ContactDetails, ContactView, KeyStatus } from '../api/view.js';
import { ChatError } from '../api/errors.js';
import { isGroupKey } from '../api/conversation-key.js';
import type { Blocking } from './blocking.js';
import { statusOf, type KeyDirectory } from './key-directory.js';
import type { MessageReader } from './message-reader.js';
import type { CurrentSession, Session } from './session.js';

export class Contacts {
  readonly #keys: KeyDirectory;
  readonly #blocking: Blocking;
  readonly #reader: MessageReader;
  readonly #session: CurrentSession;

  constructor(keys: KeyDirectory, blocking: Blocking, reader: MessageReader, session: CurrentSession) {
    this.#keys = keys;
    this.#blocking = blocking;
    this.#reader = reader;
    this.#session = session;
  }

  /** Accepts the key the server shows now; what the old key signed is judged again. */
  async trust(peer: string): Promise<ContactDetails> {
    await this.#keys.trust(peer);
    this.#reader.forgetViewsOf(peer);
    return this.details(peer, false);
  }

  /** Every earlier key of this contact was never theirs: what those keys signed is failed. */
  async disownEarlierKeys(peer: string): Promise<ContactDetails> {
    await this.#session().pins.disownEarlier(peer);
    this.#reader.forgetViewsOf(peer);
    return this.details(peer, false);
  }

  async setBlocked(peer: string, blocked: boolean): Promise<ContactDetails> {
    const s = this.#session();
    if (blocked && peer === s.username) throw new ChatError('invalid_input', 'You cannot block yourself.');
    await this.#blocking.set(peer, blocked);
    return this.details(peer, false);
  }

  /** Everyone in the index of `s` (the caller synced it first; groups are listed apart), most recent conversation first. */
  async list(s: Session): Promise<ContactView[]> {
    const entries = s.index.peers().filter(([key]) => !isGroupKey(key));
    const statuses = await Promise.all(entries.map(([peer]) => this.#keys.keyStatus(peer).catch((): KeyStatus => 'unknown')));
    return entries
      .map(([username, entry], i): ContactView => ({
        username,
        keyStatus: statuses[i]!,
        unread: entry.unread.length,
        lastActivity: entry.lastActivity,
        lastSeq: entry.lastSeq,
      }))
      .sort((a, b) => (b.lastSeq ?? 0) - (a.lastSeq ?? 0) || a.username.localeCompare(b.username));
  }

  /** With `fresh`, the server's key is fetched again rather than taken from the short-lived cache. */
  async details(peer: string, fresh: boolean): Promise<ContactDetails> {
    const me = this.#session().username;
    const [state, blocked] = await Promise.all([this.#keys.pinAndCompare(peer, fresh), peer === me ? Promise.resolve([]) : this.#blocking.listOrUnknown()]);
    return {
      username: peer,
      keyStatus: statusOf(state),
      pinnedFingerprint: formatFingerprint(state.pinnedFingerprint),
      serverFingerprint: state.changed ? formatFingerprint(state.server!.fingerprint) : null,
      createdAt: state.server?.profile.createdAt ?? null,
      blocked: blocked?.includes(peer) ?? false,
      earlierKeys: state.earlier.map((key) => ({ fingerprint: formatFingerprint(key.fingerprint), disowned: key.disowned === true })),
      deleted: state.deleted,
      keyLog: state.server?.log.state ?? null,
      keyLogDetail: state.server?.log.state === 'refused' ? state.server.log.reason : null,
    };
  }
}
