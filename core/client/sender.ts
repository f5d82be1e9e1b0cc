// Core side (runs in Node, Electron main and the browser worker): sending — each message sealed once into the
// outbox, the very same bytes posted again after a network failure or 5xx, refusals dropped.
import type { MessageHeader } from '../protocol/schemas.js';
import type { DirectSendRequest } from '../protocol/schemas-v2.js';
import { sealDirectV2 } from '../crypto/message-v2.js';
import { subtle, toHex, utf8 } from '../crypto/webcrypto.js';
import { ChatError, toChatError } from '../api/errors.js';
import type { MessageHeaderView, MessageView, SendRequest } from '../api/view.js';
import { backoffDelay } from './backoff.js';
import { isTransient } from './http-errors.js';
import type { KeyDirectory } from './key-directory.js';
import type { Listings } from './listings.js';
import type { MessageReader } from './message-reader.js';
import type { ServerApi } from './server-api.js';
import type { CurrentSession, Session } from './session.js';

export interface SenderOptions {
  api: ServerApi;
  keys: KeyDirectory;
  listings: Listings;
  reader: MessageReader;
  session: CurrentSession;
  /** Waits between automatic retries of a post; after the last one the failure is thrown. */
  retryDelaysMs?: number[];
}

export interface Refused {
  id: string;
  recipient: string;
  reason: string;
}

export const DEFAULT_SEND_RETRY_DELAYS_MS = [500, 1_500, 4_000];
/** A sealed content object this size stays under the server's 256 KiB request limit once in base64 (text of many escaped characters grows). */
const MAX_CONTENT_BYTES = 160 * 1024;

export class Sender {
  readonly #options: SenderOptions;
  readonly #retryDelays: number[];

  constructor(options: SenderOptions) {
    this.#options = options;
    this.#retryDelays = options.retryDelaysMs ?? DEFAULT_SEND_RETRY_DELAYS_MS;
  }

  /** Seals (unless this id is in the outbox already, for this very text) and posts. */
  async send(req: SendRequest): Promise<MessageView> {
    const s = this.#options.session();
    const digest = await sha512Hex(`${req.recipient}\n${req.text}`);
    let entry = await s.outbox.get(req.id);
    if (entry && entry.digest !== digest) {
      throw new ChatError('invalid_input', 'This message id was already used for a different message.');
    }
    if (!entry) {
      // Format 2 (PROTOCOL.md "v2 message content"): the text inside a content object, with the sender's clock.
      const plaintext = utf8(JSON.stringify({ type: 'text', text: req.text, sentAt: new Date().toISOString() }));
      if (plaintext.length > MAX_CONTENT_BYTES) throw new ChatError('invalid_input', 'This message is too long to send; split it into shorter ones.');
      const recipientKey = await this.#options.keys.recipientKey(req.recipient);
      const payload = await sealDirectV2({
        id: req.id,
        sender: s.username,
        recipient: req.recipient,
        plaintext,
        senderPrivateKey: s.privateKey,
        senderPublicKey: s.publicKey,
        recipientPublicKey: recipientKey,
      });
      entry = { payload, digest, createdAt: new Date().toISOString() };
      await s.outbox.put(entry);
    }
    const header = await this.#postFromOutbox(s, entry.payload);
    return this.#options.reader.remember({ ...this.#options.listings.view(header, s.username), text: req.text, status: 'verified', reason: null });
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
        sent.push(this.#options.listings.view(await this.#postFromOutbox(s, entry.payload), s.username));
      } catch (error) {
        if (!isRefusal(error)) throw error;
        refused.push({ id: entry.payload.id, recipient: entry.payload.recipient, reason: toChatError(error).info.message });
      }
    }
    return { sent, refused };
  }

  /** Posts a sealed message; it leaves the outbox once acknowledged, or once the server refuses it for good. */
  async #postFromOutbox(s: Session, payload: DirectSendRequest): Promise<MessageHeader> {
    try {
      const header = await this.#post(payload, s.username);
      await s.outbox.remove(payload.id);
      return header;
    } catch (error) {
      if (isRefusal(error)) await s.outbox.remove(payload.id);
      throw error;
    }
  }

  async #post(payload: DirectSendRequest, me: string): Promise<MessageHeader> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#options.api.postMessage(payload, me);
      } catch (error) {
        const delay = backoffDelay(this.#retryDelays, attempt, 'give_up');
        if (!isTransient(error) || delay === undefined) throw error;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }
}

/** The server will never accept this message as it is (bad request, unknown recipient, forbidden, conflict). */
function isRefusal(error: unknown): boolean {
  const code = toChatError(error).info.code;
  return code === 'invalid_input' || code === 'not_found' || code === 'forbidden';
}

async function sha512Hex(text: string): Promise<string> {
  return toHex(new Uint8Array(await subtle().digest('SHA-512', utf8(text))));
}
