// Core side (runs in Node, Electron main and the browser worker): files (PROTOCOL.md "Attachments") — each one
// sealed as it is read and uploaded as it is sealed, its answered digest checked, then one `file` message
// naming them; a received file streamed from the server through the opener into the caller's sink, which
// must throw away what it got unless the whole file verified. Progress arrives as `transfer` events.
import { ChatError, toChatError } from '../api/errors.js';
import { isGroupKey } from '../api/conversation-key.js';
import type { ChatEvent, ConversationKey, FileRef, FileView, MessageView, TransferEvent } from '../api/view.js';
import { blobLength } from '../crypto/attachment-crypto.js';
import { AttachmentError, bytesStream, openingStream, sealingStream } from '../crypto/attachment-stream.js';
import { newMessageId } from '../crypto/message-crypto.js';
import { jsSha512, type Sha512Factory } from '../crypto/sha512.js';
import { bytesEqual, randomBytes } from '../crypto/webcrypto.js';
import { decodeBase64, encodeBase64 } from '../protocol/base64.js';
import type { FileContent } from '../protocol/content.js';
import { safeFileName } from '../protocol/file-rules.js';
import { AttachmentsHttp, cancelled, STALL_MS } from './attachments-http.js';
import { fileViews, thumbnailUrl } from './content-view.js';
import type { HttpApi, Transport } from './http-api.js';
import type { MessageReader } from './message-reader.js';
import type { MessageViews } from './message-views.js';
import type { Sender, UnsentContent } from './sender.js';

/** One file to send, read as a stream (from memory, or from disk by a Node caller) of exactly `size` bytes. */
export interface FileSource {
  name: string;
  mime: string;
  size: number;
  /** Opens the file's bytes (again, should the upload start over after the session was renewed). */
  open(): ReadableStream<Uint8Array>;
  image?: { width: number; height: number; thumbnail: string };
}

export interface SendFileStreams {
  to: ConversationKey;
  files: FileSource[];
  text?: string;
  replyTo?: string;
  transfer?: string;
}

/** Where a received file's plaintext goes, chunk by chunk. */
export interface FileSink {
  write(chunk: Uint8Array): Promise<void>;
}

export interface AttachmentsOptions {
  http: HttpApi;
  transport: Transport;
  reader: MessageReader;
  views: MessageViews;
  sender: Sender;
  emit(event: ChatEvent): void;
  /** Called after a group message is sent, so the group's view is looked at again. */
  sentTo(conversation: ConversationKey): void;
}

/** Progress events at most this often per transfer (and always at its end). */
const PROGRESS_STEP = 1 / 100;

export class Attachments {
  readonly #o: AttachmentsOptions;
  readonly #http: AttachmentsHttp;
  readonly #sha512: Sha512Factory;
  /** Transfers under way, by the id their caller picked. */
  readonly #running = new Map<string, AbortController>();
  #knownLimit: number | null | undefined;

  constructor(options: AttachmentsOptions) {
    this.#o = options;
    this.#http = new AttachmentsHttp(options.http, options.transport);
    this.#sha512 = options.transport.sha512 ?? jsSha512;
  }

  /**
   * The largest file the server takes, when its GET /health says (`attachmentLimit`, bytes; PROTOCOL.md leaves
   * it unsaid); null otherwise: then a 413 says it.
   */
  async #limit(): Promise<number | null> {
    if (this.#knownLimit === undefined) {
      const answer = await this.#o.http.raw('GET', '/health').catch(() => null);
      const said = (answer?.status === 200 ? (answer.data as { attachmentLimit?: unknown } | null)?.attachmentLimit : undefined) ?? null;
      this.#knownLimit = typeof said === 'number' && Number.isSafeInteger(said) && said > 0 ? said : null;
    }
    return this.#knownLimit;
  }

  cancel(transfer: string): void {
    this.#running.get(transfer)?.abort(cancelled());
  }

  /** Uploads every file, then sends one `file` message naming them; answers the message as shown. */
  async send(request: SendFileStreams, signal?: AbortSignal): Promise<MessageView> {
    const { to, files } = request;
    if (request.replyTo !== undefined) {
      const original = await this.#o.views.one(request.replyTo);
      if (original.conversation !== to) throw new ChatError('invalid_input', 'A reply must be in the same conversation as the message it replies to.');
    }
    for (const file of files) {
      if (file.image && !thumbnailUrl(file.image.thumbnail)) throw new ChatError('invalid_input', `The thumbnail of ${safeFileName(file.name)} is not a JPEG or PNG of at most 8 KiB.`);
    }
    const total = files.reduce((n, f) => n + blobLength(f.size), 0);
    return this.#transfer(request.transfer, total, signal, async (abort, progress) => {
      const objects: FileContent['files'] = [];
      for (const file of files) objects.push(await this.#upload(file, abort, progress));
      const content: UnsentContent = { type: 'file', files: objects };
      if (request.text !== undefined) content.text = request.text;
      if (request.replyTo !== undefined) content.replyTo = request.replyTo;
      if (abort.aborted) throw abort.reason;
      const item = await this.#o.sender.send(to, content, newMessageId(), false, objects.map((f) => f.attachment));
      const view = await this.#o.views.sent(item);
      if (isGroupKey(to)) this.#o.sentTo(to);
      return view;
    });
  }

  async #upload(file: FileSource, abort: AbortSignal, progress: (bytes: number) => void): Promise<FileContent['files'][number]> {
    const name = safeFileName(file.name);
    const limit = await this.#limit();
    if (limit !== null && file.size > limit) {
      throw new ChatError('too_large', `${name} is ${sizeText(file.size)}; this server takes files of at most ${sizeText(limit)}.`);
    }
    const key = randomBytes(32);
    const sealing = sealingStream({ key, sha512: this.#sha512, expectedSize: file.size });
    const length = blobLength(file.size);
    const counted = file.open().pipeThrough(sealing.stream).pipeThrough(counter(progress));
    let answer;
    try {
      answer = await this.#http.upload(counted, length, abort);
    } catch (error) {
      const e = toChatError(error);
      if (e.info.code === 'too_large') throw new ChatError('too_large', `${name} (${sizeText(file.size)}) is larger than this server takes.`);
      throw error;
    }
    const sealed = await sealing.result.catch((error: unknown) => {
      throw error instanceof AttachmentError ? new ChatError('invalid_input', `${name}: ${error.message}`) : error;
    });
    if (answer.size !== sealed.blobSize || !bytesEqual(decodeBase64(answer.digest), sealed.digest)) {
      throw new ChatError('server_error', `The upload of ${name} failed: the server did not store the bytes that were sent. Try again.`);
    }
    const object: FileContent['files'][number] = { attachment: answer.id, name, mime: file.mime, size: file.size, key: encodeBase64(key), digest: answer.digest };
    if (file.image) object.image = { width: file.image.width, height: file.image.height, thumbnail: file.image.thumbnail };
    return object;
  }

  /** Streams one verified file into `sink`; resolves with its view only once all of it checked out. */
  async receive(ref: Omit<FileRef, 'transfer'> & { transfer?: string }, sink: FileSink, signal?: AbortSignal): Promise<FileView> {
    const { file, view } = await this.#fileOf(ref);
    const length = blobLength(file.size);
    return this.#transfer(ref.transfer, length, signal, async (abort, progress) => {
      const download = await this.#http.download(file.attachment, abort);
      if (download.length !== null && download.length !== length) {
        await download.body.cancel().catch(() => undefined);
        throw new ChatError('file_failed', `${view.name} did not verify: the server sent ${download.length} bytes where its sender's file has ${length}. It was not saved.`);
      }
      const opener = openingStream({ size: file.size, key: decodeBase64(file.key), digest: decodeBase64(file.digest), sha512: this.#sha512 });
      const plain = download.body.pipeThrough(counter(progress)).pipeThrough(opener, { signal: abort });
      try {
        const reader = plain.getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          await sink.write(value);
        }
      } catch (error) {
        if (abort.aborted) throw abort.reason;
        if (error instanceof AttachmentError) throw new ChatError('file_failed', `${view.name} did not verify: ${error.message} It was not saved.`);
        throw error;
      }
      return view;
    });
  }

  /** The file object a message names at `index`, from its verified content. */
  async #fileOf(ref: Omit<FileRef, 'transfer'>): Promise<{ file: FileContent['files'][number]; view: FileView }> {
    const [item] = await this.#o.reader.items([ref.messageId]);
    if (!item || item.view.conversation !== ref.conversation) throw new ChatError('not_found', 'There is no such message in this conversation.');
    if (item.erased) throw new ChatError('not_found', 'This message was deleted: its files are gone.');
    if (item.view.status !== 'verified') throw new ChatError('file_failed', `This message did not verify, so its files are not opened: ${item.view.reason ?? item.view.status}`);
    const content = item.content;
    if (content?.type !== 'file') throw new ChatError('invalid_input', 'This message holds no file.');
    const file = content.files[ref.index];
    if (!file) throw new ChatError('invalid_input', `This message holds ${content.files.length} file${content.files.length === 1 ? '' : 's'}; there is none at index ${ref.index}.`);
    return { file, view: fileViews(content)[ref.index]! };
  }

  /** Runs one transfer: registered for cancel, watched for stalls, its progress and its end announced. */
  async #transfer<T>(id: string | undefined, total: number, signal: AbortSignal | undefined, run: (abort: AbortSignal, progress: (bytes: number) => void) => Promise<T>): Promise<T> {
    if (id !== undefined && this.#running.has(id)) throw new ChatError('invalid_input', 'A transfer with this id is already under way.');
    const controller = new AbortController();
    const onAbort = () => controller.abort(cancelled());
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    if (id !== undefined) this.#running.set(id, controller);
    let done = 0;
    let shown = -1;
    let moved = Date.now();
    const event = (state: TransferEvent['state'], error?: string) => {
      if (id === undefined) return;
      const e: TransferEvent = { type: 'transfer', transfer: id, done, total, state };
      if (error !== undefined) e.error = error;
      this.#o.emit(e);
    };
    const progress = (bytes: number) => {
      done += bytes;
      moved = Date.now();
      if (total === 0 || done - shown >= total * PROGRESS_STEP || done === total) {
        shown = done;
        event('running');
      }
    };
    const watchdog = setInterval(() => {
      if (Date.now() - moved > STALL_MS) controller.abort(new ChatError('server_unreachable', 'The transfer stopped moving for a minute; try again.'));
    }, 5_000);
    try {
      event('running');
      const result = await run(controller.signal, progress);
      event('done');
      return result;
    } catch (error) {
      const e = controller.signal.aborted && controller.signal.reason instanceof ChatError ? controller.signal.reason : toChatError(error);
      event(e.info.code === 'cancelled' ? 'cancelled' : 'failed', e.info.message);
      throw e;
    } finally {
      clearInterval(watchdog);
      signal?.removeEventListener('abort', onAbort);
      if (id !== undefined && this.#running.get(id) === controller) this.#running.delete(id);
    }
  }
}

/** Sources of files held in memory (the window's OutgoingFile). */
export function memorySource(file: { name: string; mime: string; bytes: Uint8Array; image?: FileSource['image'] }): FileSource {
  const source: FileSource = { name: file.name, mime: file.mime, size: file.bytes.length, open: () => bytesStream(file.bytes) };
  if (file.image) source.image = file.image;
  return source;
}

function counter(progress: (bytes: number) => void): TransformStream<Uint8Array, Uint8Array> {
  return new TransformStream({
    transform(chunk, controller) {
      progress(chunk.length);
      controller.enqueue(chunk);
    },
  });
}

/** "4.9 KiB", "100 MiB", "12 bytes": a size as a person reads it. */
function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} byte${bytes === 1 ? '' : 's'}`;
  const [unit, size] = bytes < 1024 * 1024 ? ['KiB', bytes / 1024] : ['MiB', bytes / (1024 * 1024)];
  return `${size.toFixed(1).replace(/\.0$/, '')} ${unit}`;
}
