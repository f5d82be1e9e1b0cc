// Core side (runs in Node, Electron main and the browser worker): sending — each content object sealed once
// into the outbox, the very same bytes posted again after a network failure or 5xx, refusals dropped; a group
// message re-sealed for the new membership when the server answers members_changed.
import type { SignedTreeHead } from '../keylog/entries.js';
import type { DirectSendRequest } from '../protocol/schemas-v2.js';
import type { KnownContent } from '../protocol/content.js';
import { messageHeader, openSealed } from '../crypto/message-crypto.js';
import { directHeaderV2, groupHeader, sealDirectV2, sealGroupMessage } from '../crypto/message-v2.js';
import { subtle, toHex, utf8 } from '../crypto/webcrypto.js';
import { ChatError, toChatError } from '../api/errors.js';
import { groupKey, targetOf } from '../api/conversation-key.js';
import type { ConversationKey, MessageHeaderView } from '../api/view.js';
import { backoffDelay } from './backoff.js';
import { isTransient } from './http-errors.js';
import type { KeyDirectory } from './key-directory.js';
import type { Listings } from './listings.js';
import { itemOfContent, type ReadItem } from './message-reader.js';
import type { OutboxEntry } from './outbox.js';
import type { GroupSendPayload, ServerApi } from './server-api.js';
import type { CurrentSession, Session } from './session.js';

/** A content object as the caller gives it: the sender's clock (`sentAt`) is put in when it is sealed. */
export type UnsentContent = { type: string } & Record<string, unknown>;

export interface SenderOptions {
  api: ServerApi;
  keys: KeyDirectory;
  listings: Listings;
  session: CurrentSession;
  /** Who a group message goes to now (announcements: the server's list; others: refused while held). */
  groupRecipients(group: string, announcement: boolean): Promise<string[]>;
  /** Waits between automatic retries of a post; after the last one the failure is thrown. */
  retryDelaysMs?: number[];
  /** The newest verified key-log head, carried in every message (PROTOCOL.md "Key transparency", rule 5). */
  gossipHead?: () => SignedTreeHead | null;
}

export interface Refused {
  id: string;
  conversation: ConversationKey;
  reason: string;
}

export const DEFAULT_SEND_RETRY_DELAYS_MS = [500, 1_500, 4_000];
/** A sealed content object this size stays under the server's 256 KiB request limit once in base64 (text of many escaped characters grows). */
const MAX_CONTENT_BYTES = 160 * 1024;
/** Re-seals after members_changed before giving up: each one follows a change of the group on the server. */
const MAX_RESEALS = 3;

export class Sender {
  readonly #options: SenderOptions;
  readonly #retryDelays: number[];

  constructor(options: SenderOptions) {
    this.#options = options;
    this.#retryDelays = options.retryDelaysMs ?? DEFAULT_SEND_RETRY_DELAYS_MS;
  }

  /**
   * Seals `content` (unless this id is in the outbox already, for this very content) and posts it; a `file`
   * message names its uploaded blobs in `attachments` (PROTOCOL.md "Attachments").
   */
  async send(conversation: ConversationKey, content: UnsentContent, id: string, announcement = false, attachments?: string[]): Promise<ReadItem> {
    const s = this.#options.session();
    const digest = await sha512Hex(`${conversation}\n${JSON.stringify(content)}`);
    let entry = await s.outbox.get(id);
    if (entry && entry.digest !== digest) throw new ChatError('invalid_input', 'This message id was already used for a different message.');
    if (!entry) {
      // Format 2 (PROTOCOL.md "v2 message content"): the content object, with the sender's clock.
      const head = this.#options.gossipHead?.() ?? null;
      const plaintext = utf8(JSON.stringify({ ...content, sentAt: new Date().toISOString(), ...(head ? { head } : {}) }));
      if (plaintext.length > MAX_CONTENT_BYTES) throw new ChatError('invalid_input', 'This message is too long to send; split it into shorter ones.');
      const target = targetOf(conversation);
      const payload =
        target.kind === 'direct'
          ? await this.#sealDirect(s, target.peer, id, plaintext)
          : await this.#sealGroup(s, target.group, id, await this.#options.groupRecipients(target.group, announcement), plaintext);
      entry = { payload: attachments ? { ...payload, attachments } : payload, digest, createdAt: new Date().toISOString(), conversation, announcement };
      await s.outbox.put(entry);
    }
    const { header, plaintext } = await this.#postFromOutbox(s, entry);
    const sent = JSON.parse(plaintext) as KnownContent;
    return itemOfContent(this.#options.listings.view(header, s.username), sent, 'recipients' in header ? header.recipients : null);
  }

  /** Messages sealed but not yet acknowledged by the server. */
  async pending(): Promise<string[]> {
    const s = this.#options.session();
    return (await s.outbox.list()).map((e) => e.payload.id);
  }

  /** Re-sends the outbox byte for byte; a failure other than a refusal stops and is thrown. */
  async resendPending(): Promise<{ sent: MessageHeaderView[]; refused: Refused[] }> {
    const s = this.#options.session();
    const sent: MessageHeaderView[] = [];
    const refused: Refused[] = [];
    for (const entry of await s.outbox.list()) {
      try {
        sent.push(this.#options.listings.view((await this.#postFromOutbox(s, entry)).header, s.username));
      } catch (error) {
        if (!isRefusal(error)) throw error;
        refused.push({ id: entry.payload.id, conversation: conversationOf(entry), reason: toChatError(error).info.message });
      }
    }
    return { sent, refused };
  }

  async #sealDirect(s: Session, peer: string, id: string, plaintext: Uint8Array): Promise<DirectSendRequest> {
    const recipientPublicKey = await this.#options.keys.recipientKey(peer);
    return sealDirectV2({ id, sender: s.username, recipient: peer, plaintext, senderPrivateKey: s.privateKey, senderPublicKey: s.publicKey, recipientPublicKey });
  }

  async #sealGroup(s: Session, group: string, id: string, recipients: string[], plaintext: Uint8Array): Promise<GroupSendPayload> {
    if (recipients.length === 0) throw new ChatError('invalid_input', 'There is nobody else in this group to send to.');
    const keyed = await Promise.all(recipients.map(async (username) => ({ username, publicKey: await this.#options.keys.recipientKey(username) })));
    return sealGroupMessage({ id, sender: s.username, group, recipients: keyed, plaintext, senderPrivateKey: s.privateKey, senderPublicKey: s.publicKey });
  }

  /** Posts a sealed message; it leaves the outbox once acknowledged, or once the server refuses it for good. */
  async #postFromOutbox(s: Session, entry: OutboxEntry) {
    try {
      const posted = 'group' in entry.payload ? await this.#postGroup(s, entry, entry.payload) : await this.#postDirect(s, entry.payload);
      await s.outbox.remove(entry.payload.id);
      return posted;
    } catch (error) {
      if (isRefusal(error)) await s.outbox.remove(entry.payload.id);
      throw error;
    }
  }

  async #postDirect(s: Session, payload: DirectSendRequest) {
    const header = await this.#retrying(() => this.#options.api.postMessage(payload, s.username));
    return { header, plaintext: await this.#ownPlaintext(s, directHeaderOf(s, payload), payload) };
  }

  /** members_changed: read the group again, open our own copy, seal it for the members of now, post again. */
  async #postGroup(s: Session, entry: OutboxEntry, first: GroupSendPayload) {
    let payload = first;
    for (let reseals = 0; ; reseals++) {
      const answer = await this.#retrying(() => this.#options.api.postGroupMessage(payload, s.username));
      const plaintext = await this.#ownPlaintext(s, groupHeader(s.username, payload.group, payload.id, Object.keys(payload.keys).sort()), payload);
      if (answer !== 'members_changed') return { header: answer, plaintext };
      if (reseals >= MAX_RESEALS) throw new ChatError('server_error', 'The group’s members kept changing while this message was sent; try again.');
      const recipients = await this.#options.groupRecipients(payload.group, entry.announcement === true);
      const resealed = await this.#sealGroup(s, payload.group, payload.id, recipients, utf8(plaintext));
      payload = payload.attachments ? { ...resealed, attachments: payload.attachments } : resealed;
      await s.outbox.put({ ...entry, payload });
    }
  }

  /** What we sealed, from our own copy (the outbox keeps only the sealed bytes). */
  async #ownPlaintext(s: Session, header: string, payload: { senderSessionKey: string; body: string; signature: string }): Promise<string> {
    const opened = await openSealed(header, payload.senderSessionKey, payload.body, payload.signature, s.privateKey);
    if (!opened.ok) throw new ChatError('server_error', 'A message waiting to be sent could not be opened on this device; it was dropped.');
    return opened.text;
  }

  async #retrying<T>(post: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await post();
      } catch (error) {
        const delay = backoffDelay(this.#retryDelays, attempt, 'give_up');
        if (!isTransient(error) || delay === undefined) throw error;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }
}

function directHeaderOf(s: Session, payload: DirectSendRequest): string {
  // Entries sealed before format 2 have no format: v1's header.
  return payload.format === 2 ? directHeaderV2(s.username, payload.recipient, payload.id) : messageHeader(s.username, payload.recipient, payload.id);
}

function conversationOf(entry: OutboxEntry): ConversationKey {
  if (entry.conversation) return entry.conversation;
  return 'group' in entry.payload ? groupKey(entry.payload.group) : entry.payload.recipient;
}

/** The server will never accept this message as it is (bad request, unknown recipient, forbidden, conflict). */
function isRefusal(error: unknown): boolean {
  const code = toChatError(error).info.code;
  return code === 'invalid_input' || code === 'not_found' || code === 'forbidden' || code === 'gone';
}

async function sha512Hex(text: string): Promise<string> {
  return toHex(new Uint8Array(await subtle().digest('SHA-512', utf8(text))));
}
