// Window: what a person does to a message already in the conversation — reply to it, edit or delete their own,
// react. Each change is a message of its own (with a fresh id); the core answers the target as shown now,
// which replaces it in the conversation.
import type { ChatApi, ChatErrorInfo, MessageView } from '../../../core/api/chat-api.js';
import { toChatErrorInfo } from '../../../core/api/errors.js';

export const REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🙏'] as const;

export interface ReplyTarget {
  id: string;
  /** "yourself", or the sender's name. */
  sender: string;
  preview: string;
}

export interface ActionHost {
  api: Pick<ChatApi, 'editMessage' | 'deleteMessage' | 'react'>;
  newId: () => string;
  me: () => string | null;
  /** The composer's text: edit mode borrows it and gives the draft back after. */
  getDraft: () => string;
  setDraft: (text: string) => void;
  /** The target as the core answered it. */
  apply: (view: MessageView) => void;
}

/** One line of a message's text, short enough for a reply bar or a quote. */
export function previewOf(text: string | null, length = 80): string {
  const line = (text ?? '').replace(/\s+/g, ' ').trim();
  return line.length > length ? `${line.slice(0, length - 1)}…` : line;
}

/** A message the person can reply to, react to, and (their own) edit or delete. */
export function isActionable(view: MessageView | undefined): view is MessageView {
  return view !== undefined && view.kind === 'message' && view.status === 'verified' && view.deleted === null && view.warning === null;
}

export class MessageActions {
  replyingTo = $state<ReplyTarget | null>(null);
  /** The message being edited, its text before, and the draft it set aside. */
  editing = $state<{ id: string; original: string; stashed: string } | null>(null);
  /** The message whose "Delete for everyone?" is asked. */
  deleting = $state<MessageView | null>(null);
  /** The message whose reaction picker is open. */
  picking = $state<string | null>(null);
  busy = $state(false);
  error = $state<ChatErrorInfo | null>(null);

  readonly #host: ActionHost;

  constructor(host: ActionHost) {
    this.#host = host;
  }

  reply(view: MessageView): void {
    this.cancelEdit();
    this.replyingTo = { id: view.id, sender: view.outgoing ? 'yourself' : view.sender, preview: previewOf(view.text) };
  }

  cancelReply(): void {
    this.replyingTo = null;
  }

  edit(view: MessageView): void {
    if (!view.outgoing || !isActionable(view)) return;
    const stashed = this.editing ? this.editing.stashed : this.#host.getDraft();
    this.replyingTo = null;
    this.editing = { id: view.id, original: view.text ?? '', stashed };
    this.#host.setDraft(view.text ?? '');
  }

  cancelEdit(): void {
    if (!this.editing) return;
    this.#host.setDraft(this.editing.stashed);
    this.editing = null;
    this.error = null;
  }

  /** Saves the edit; the composer stays in edit mode (with the text) when it fails. */
  async saveEdit(text: string): Promise<boolean> {
    const editing = this.editing;
    const body = text.trim();
    if (!editing || !body) return false;
    if (body === editing.original) {
      this.cancelEdit();
      return true;
    }
    const ok = await this.#run(() => this.#host.api.editMessage({ target: editing.id, text: body, id: this.#host.newId() }));
    if (ok && this.editing?.id === editing.id) this.cancelEdit();
    return ok;
  }

  askDelete(view: MessageView): void {
    if (view.outgoing && view.deleted === null) this.deleting = view;
  }

  cancelDelete(): void {
    this.deleting = null;
  }

  async confirmDelete(): Promise<boolean> {
    const target = this.deleting;
    if (!target) return false;
    const ok = await this.#run(() => this.#host.api.deleteMessage({ target: target.id, id: this.#host.newId() }));
    this.deleting = null;
    if (ok && this.editing?.id === target.id) this.cancelEdit();
    if (ok && this.replyingTo?.id === target.id) this.cancelReply();
    return ok;
  }

  togglePicker(id: string | null): void {
    this.picking = this.picking === id ? null : id;
  }

  /** True when the signed-in person reacted to `view` with `emoji`. */
  mine(view: MessageView, emoji: string): boolean {
    const me = this.#host.me();
    return me !== null && (view.reactions.find((r) => r.emoji === emoji)?.people.includes(me) ?? false);
  }

  /** Adds the person's reaction, or takes it back when they had reacted so already. */
  async react(view: MessageView, emoji: string): Promise<boolean> {
    this.picking = null;
    const remove = this.mine(view, emoji);
    return this.#run(() => this.#host.api.react({ target: view.id, emoji, id: this.#host.newId(), ...(remove ? { remove: true } : {}) }));
  }

  async #run(change: () => Promise<MessageView>): Promise<boolean> {
    this.busy = true;
    try {
      this.#host.apply(await change());
      this.error = null;
      return true;
    } catch (error) {
      this.error = toChatErrorInfo(error);
      return false;
    } finally {
      this.busy = false;
    }
  }
}
