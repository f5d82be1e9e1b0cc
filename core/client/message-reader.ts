// Core side (runs in Node, Electron main and the browser worker): reading messages — each record opened and its
// signature checked against the pinned key (or an earlier one verified here), never trusting the listing.
import { messageHeaderSchema, messageRecordSchema } from '../protocol/schemas.js';
import { verifyOpened } from '../crypto/message-crypto.js';
import { openRecord } from '../crypto/message-v2.js';
import { readContent } from '../protocol/content.js';
import { importPublicKey } from '../crypto/rsa.js';
import { subtle, toHex } from '../crypto/webcrypto.js';
import { ChatError, toChatError } from '../api/errors.js';
import type { MessageHeaderView, MessageView } from '../api/view.js';
import { BoundedMap } from './bounded.js';
import type { KeyDirectory, PinState } from './key-directory.js';
import type { Listings } from './listings.js';
import type { ServerApi } from './server-api.js';
import type { CurrentSession } from './session.js';

interface Opened {
  text: string;
  signature: Uint8Array;
  signed: Uint8Array;
  /** 2: the text is a content object (PROTOCOL.md "v2 message content"), read only once verified. */
  format?: 1 | 2;
}

const MAX_READ_CACHE = 2_000;

export class MessageReader {
  readonly #api: ServerApi;
  readonly #keys: KeyDirectory;
  readonly #listings: Listings;
  readonly #session: CurrentSession;
  readonly #cache = new BoundedMap<string, MessageView>(MAX_READ_CACHE);

  constructor(api: ServerApi, keys: KeyDirectory, listings: Listings, session: CurrentSession) {
    this.#api = api;
    this.#keys = keys;
    this.#listings = listings;
    this.#session = session;
  }

  /** Reads each message; what was verified is written to the verified log once, after the batch. */
  async read(ids: string[]): Promise<MessageView[]> {
    const s = this.#session();
    try {
      return await Promise.all(ids.map(async (id) => this.#listings.placed(await this.#readRecord(id))));
    } finally {
      await s.verified.flush();
    }
  }

  /** A view known without reading the server again (a message this device just sent). */
  remember(view: MessageView): MessageView {
    this.#cache.set(view.id, view);
    return view;
  }

  /** Cached views of this sender were judged with the keys pinned then. */
  forgetViewsOf(peer: string): void {
    for (const [id, view] of this.#cache) if (view.sender === peer) this.#cache.delete(id);
  }

  clear(): void {
    this.#cache.clear();
  }

  async #readRecord(id: string): Promise<MessageView> {
    const cached = this.#cache.get(id);
    if (cached) return cached;
    const s = this.#session();
    // Read from the server each time (not the copy fetched to check a seq): what is shown is what it stores now.
    const found = await this.#api.messageRecord(id);
    if (found === null) throw new ChatError('not_found', 'This message is not on the server (or is not yours).');
    const header = messageHeaderSchema.safeParse(found.data);
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
    const base = this.#listings.view(header.data, s.username);
    const record = messageRecordSchema.safeParse(found.data);
    if (!record.success) return this.remember({ ...base, text: null, status: 'malformed', reason: 'The server sent this message with missing or badly formed encrypted fields.' });
    const opened = await openRecord(record.data, s.username, s.privateKey);
    if (!opened.ok) return this.remember({ ...base, text: null, status: opened.code, reason: opened.reason });
    return this.#verify(base, opened, record.data.sender);
  }

  async #verify(base: MessageHeaderView, opened: Opened, sender: string): Promise<MessageView> {
    const s = this.#session();
    if (sender === s.username) {
      const ok = await verifyOpened(opened, s.publicKey);
      return this.remember(ok ? shown(base, opened) : badSignature(base, sender));
    }
    let state: PinState;
    try {
      state = await this.#keys.pinAndCompare(sender, false);
    } catch (error) {
      const detail = toChatError(error).info.message;
      return { ...base, text: null, status: 'unknown_sender_key', reason: `The sender's key could not be fetched, so this message cannot be checked. ${detail}` };
    }
    if (await verifyOpened(opened, await importPublicKey(state.pinned))) {
      await s.verified.add(sender, await signedDigest(opened), state.pinnedFingerprint);
      return this.remember(shown(base, opened));
    }
    const byEarlier = await this.#byEarlierKey(base, opened, sender, state);
    if (byEarlier) return byEarlier;
    if (!state.changed) {
      // The key may have changed since the cached look: look again before concluding.
      state = await this.#keys.pinAndCompare(sender, true).catch(() => state);
    }
    if (state.changed && state.server && (await verifyOpened(opened, await importPublicKey(state.server.profile.publicKey)))) {
      return {
        ...base,
        text: null,
        status: 'key_changed',
        reason: `Signed with a new key of ${sender} that you have not accepted. Compare fingerprints with ${sender}, then accept the new key to read it.`,
      };
    }
    return this.remember(badSignature(base, sender));
  }

  /**
   * Signed with a key the person replaced: verified only if this device verified these very bytes with it
   * before (server timestamps are not signed, so "written before the change" cannot be told otherwise).
   * Null when no earlier key made the signature.
   */
  async #byEarlierKey(base: MessageHeaderView, opened: Opened, sender: string, state: PinState): Promise<MessageView | null> {
    const s = this.#session();
    for (const earlier of state.earlier) {
      if (!(await verifyOpened(opened, await importPublicKey(earlier.publicKey)))) continue;
      if (earlier.disowned) {
        return this.remember({ ...base, text: null, status: 'disowned_key', reason: `Signed with a key you said was never ${sender}'s.` });
      }
      if (await s.verified.has(sender, await signedDigest(opened), earlier.fingerprint)) {
        return this.remember(shown(base, opened));
      }
      return this.remember({
        ...base,
        text: null,
        status: 'earlier_key',
        reason: `Signed with an earlier key of ${sender}'s, which you replaced; it was not checked on this device before, so it may be forged.`,
      });
    }
    return null;
  }
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

/**
 * A verified message as shown. Format 1 is text. Format 2 is a content object: this version shows text (a
 * reply's text too); a kind it cannot show yet, or one it does not know, says so instead of failing.
 */
function shown(base: MessageHeaderView, opened: Opened): MessageView {
  if (opened.format !== 2) return { ...base, text: opened.text, status: 'verified', reason: null };
  const content = readContent(opened.text, 'direct');
  if (content.kind === 'malformed') return { ...base, text: null, status: 'malformed', reason: content.reason };
  if (content.kind === 'known' && content.content.type === 'text') return { ...base, text: content.content.text, status: 'verified', reason: null };
  return { ...base, text: null, status: 'unreadable_format', reason: 'This message needs a newer version of Encrypted Chat to be shown.' };
}
