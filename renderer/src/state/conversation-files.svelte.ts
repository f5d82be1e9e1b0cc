// Window: the files of one conversation — those picked in the composer (chips, with a thumbnail made here for
// images), the upload under way with its progress and Cancel, and each received file's download: shown full
// size (only once its bytes are a JPEG, PNG, GIF or WebP image), saved, or failed with the reason and never
// saved. Progress comes as `transfer` events (ChatState routes them here).
import { SvelteMap } from 'svelte/reactivity';
import type { ChatApi, ChatErrorInfo, ConversationKey, FileView, MessageView, OutgoingFile, TransferEvent } from '../../../core/api/chat-api.js';
import { toChatErrorInfo } from '../../../core/api/errors.js';
import { inlineImageType } from '../../../core/protocol/file-rules.js';
import { describeError } from '../lib/errors.js';
import { MAX_MESSAGE_ATTACHMENTS } from '../lib/file-labels.js';
import { makeThumbnail, type ThumbnailInfo } from '../lib/thumbnail.js';

export interface PickedFile {
  id: string;
  file: File;
  /** The name as picked (the core and every reader cut it to a safe base name). */
  name: string;
  mime: string;
  size: number;
  /** The thumbnail once made (images only); null for other files or one the browser cannot decode. */
  image: ThumbnailInfo | null;
}

/** How far a transfer got; `starting` until its first event. */
export interface TransferProgress {
  transfer: string;
  done: number;
  total: number;
  state: TransferEvent['state'] | 'starting';
}

/** A received file that could not be shown or saved: `failed` when it did not verify (it never will). */
export interface FileProblem {
  reason: string;
  failed: boolean;
}

/** A verified image shown full size, from a Blob URL revoked when it closes. */
export interface OpenImage {
  key: string;
  name: string;
  url: string;
  messageId: string;
  file: FileView;
}

export const NOT_AN_IMAGE = 'This file is not a JPEG, PNG, GIF or WebP image, so it is not shown here. Save it to open it with another program.';
export const UPLOAD_CANCELLED = 'Sending was cancelled. The files are still here: send them again or remove them.';

/** The key of one file of a message, for its progress and problems. */
export const fileKey = (messageId: string, index: number) => `${messageId}/${index}`;

/** The name a dropped or pasted file without one gets (a pasted screenshot is often "image.png"). */
const UNNAMED = 'attachment';

type FilesApi = Pick<ChatApi, 'sendFiles' | 'fileBytes' | 'cancelTransfer' | 'saveFile'>;

export class ConversationFiles {
  picked = $state<PickedFile[]>([]);
  /** Why some picked files were left out (too many). */
  pickError = $state<string | null>(null);
  upload = $state<TransferProgress | null>(null);
  /** Why the last sending failed, in words, shown beside the files (they stay picked). */
  sendError = $state<string | null>(null);
  /** Downloads under way, by fileKey. */
  readonly downloads = new SvelteMap<string, TransferProgress>();
  readonly problems = new SvelteMap<string, FileProblem>();
  /** Files saved from here this session, by fileKey. */
  readonly saved = new SvelteMap<string, true>();
  viewer = $state<OpenImage | null>(null);

  readonly #api: FilesApi;
  readonly #conversation: ConversationKey;
  readonly #newId: () => string;
  readonly #onSent: (view: MessageView) => void;
  /** Thumbnails being made, by picked id: sending waits for them. */
  readonly #thumbnails = new Map<string, Promise<void>>();
  /** The file each download transfer is for. */
  readonly #downloadKeys = new Map<string, string>();

  constructor(api: FilesApi, conversation: ConversationKey, newId: () => string, onSent: (view: MessageView) => void) {
    this.#api = api;
    this.#conversation = conversation;
    this.#newId = newId;
    this.#onSent = onSent;
  }

  get busy(): boolean {
    return this.upload !== null;
  }

  /** Files from the button, a drop or a paste; at most MAX_MESSAGE_ATTACHMENTS in one message. */
  add(files: Iterable<File>): void {
    if (this.busy) return;
    const all = [...files];
    const room = MAX_MESSAGE_ATTACHMENTS - this.picked.length;
    const taken = all.slice(0, Math.max(0, room));
    const left = all.length - taken.length;
    this.pickError = left > 0 ? `At most ${MAX_MESSAGE_ATTACHMENTS} files go in one message: ${left} ${left === 1 ? 'was' : 'were'} left out.` : null;
    this.sendError = null;
    const fresh = taken.map((file) => ({ id: this.#newId(), file, name: file.name || UNNAMED, mime: file.type || 'application/octet-stream', size: file.size, image: null }));
    this.picked = [...this.picked, ...fresh];
    for (const pick of fresh) {
      this.#thumbnails.set(
        pick.id,
        makeThumbnail(pick.file).then((image) => {
          if (image) this.picked = this.picked.map((p) => (p.id === pick.id ? { ...p, image } : p));
        }),
      );
    }
  }

  remove(id: string): void {
    if (this.busy) return;
    this.picked = this.picked.filter((p) => p.id !== id);
    this.#thumbnails.delete(id);
    this.pickError = null;
    this.sendError = null;
  }

  /** Sends the picked files as one message with `text` as its caption; true once the core accepted it. */
  async send(text: string, replyTo: string | null = null): Promise<boolean> {
    const picked = this.picked;
    if (picked.length === 0 || this.busy) return false;
    const transfer = `upload-${this.#newId()}`;
    this.upload = { transfer, done: 0, total: picked.reduce((n, p) => n + p.size, 0), state: 'starting' };
    this.sendError = null;
    this.pickError = null;
    try {
      await Promise.all(picked.map((p) => this.#thumbnails.get(p.id)));
      const files = await Promise.all(this.picked.map(outgoing));
      const caption = text.trim() === '' ? {} : { text: text.trimEnd() };
      const view = await this.#api.sendFiles({ to: this.#conversation, files, transfer, ...caption, ...(replyTo === null ? {} : { replyTo }) });
      this.picked = [];
      this.#thumbnails.clear();
      this.#onSent(view);
      return true;
    } catch (error) {
      const info = toChatErrorInfo(error);
      this.sendError = info.code === 'cancelled' ? UPLOAD_CANCELLED : describeError(info);
      return false;
    } finally {
      this.upload = null;
    }
  }

  cancelUpload(): void {
    if (this.upload) void this.#api.cancelTransfer(this.upload.transfer).catch(() => undefined);
  }

  /** A `transfer` event: moves the bar of the upload or download it is for. */
  transferred(event: TransferEvent): void {
    const moved = (p: TransferProgress): TransferProgress => ({ ...p, done: event.done, total: event.total, state: event.state });
    if (this.upload?.transfer === event.transfer) this.upload = moved(this.upload);
    const key = this.#downloadKeys.get(event.transfer);
    const download = key === undefined ? undefined : this.downloads.get(key);
    if (key !== undefined && download) this.downloads.set(key, moved(download));
  }

  /** Saves one received file where the person chooses (desktop dialog, web download). */
  async save(messageId: string, file: FileView): Promise<void> {
    const key = fileKey(messageId, file.index);
    const result = await this.#download(key, messageId, file, (ref) => this.#api.saveFile(ref));
    if (result?.saved) this.saved.set(key, true);
  }

  /** Shows a received image full size: downloaded, verified, and only then checked to be an image by its bytes. */
  async open(messageId: string, file: FileView): Promise<void> {
    const key = fileKey(messageId, file.index);
    const bytes = await this.#download(key, messageId, file, (ref) => this.#api.fileBytes(ref));
    if (!bytes) return;
    const type = inlineImageType(bytes);
    if (type === null) {
      this.problems.set(key, { reason: NOT_AN_IMAGE, failed: false });
      return;
    }
    this.closeViewer();
    this.viewer = { key, name: file.name, url: URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type })), messageId, file };
  }

  closeViewer(): void {
    if (this.viewer) URL.revokeObjectURL(this.viewer.url);
    this.viewer = null;
  }

  cancelDownload(key: string): void {
    const download = this.downloads.get(key);
    if (download) void this.#api.cancelTransfer(download.transfer).catch(() => undefined);
  }

  async #download<T>(key: string, messageId: string, file: FileView, run: (ref: { conversation: ConversationKey; messageId: string; index: number; transfer: string }) => Promise<T>): Promise<T | null> {
    if (this.downloads.has(key) || this.problems.get(key)?.failed) return null;
    const transfer = `download-${this.#newId()}`;
    this.#downloadKeys.set(transfer, key);
    this.downloads.set(key, { transfer, done: 0, total: file.size, state: 'starting' });
    this.problems.delete(key);
    try {
      return await run({ conversation: this.#conversation, messageId, index: file.index, transfer });
    } catch (error) {
      const info: ChatErrorInfo = toChatErrorInfo(error);
      if (info.code !== 'cancelled') this.problems.set(key, { reason: describeError(info), failed: info.code === 'file_failed' });
      return null;
    } finally {
      this.downloads.delete(key);
      this.#downloadKeys.delete(transfer);
    }
  }
}

async function outgoing(pick: PickedFile): Promise<OutgoingFile> {
  const file: OutgoingFile = { name: pick.name, mime: pick.mime, bytes: new Uint8Array(await pick.file.arrayBuffer()) };
  if (pick.image) file.image = pick.image;
  return file;
}
