// Core side (runs in Node, Electron main and the browser worker): what a person does to messages — send (a
// text, optionally a reply), edit and delete their own, react — each as a format 2 content object sent to
// the message's own conversation (PROTOCOL.md "v2 message content", "Deleting a message").
import { ChatError } from '../api/errors.js';
import { isGroupKey } from '../api/conversation-key.js';
import type { ConversationKey, DeleteRequest, EditRequest, MessageView, ReactionRequest, SendRequest } from '../api/view.js';
import type { MessageViews } from './message-views.js';
import type { Sender, UnsentContent } from './sender.js';
import type { ServerApi } from './server-api.js';

export class MessageActions {
  readonly #api: ServerApi;
  readonly #sender: Sender;
  readonly #views: MessageViews;
  /** Called after a group message is sent, so the group's view is looked at again. */
  readonly #sentTo: (conversation: ConversationKey) => void;

  constructor(api: ServerApi, sender: Sender, views: MessageViews, sentTo: (conversation: ConversationKey) => void) {
    this.#api = api;
    this.#sender = sender;
    this.#views = views;
    this.#sentTo = sentTo;
  }

  async send(req: SendRequest): Promise<MessageView> {
    if (req.replyTo !== undefined) {
      const original = await this.#views.one(req.replyTo);
      if (original.conversation !== req.conversation) throw new ChatError('invalid_input', 'A reply must be in the same conversation as the message it replies to.');
    }
    const content: UnsentContent = req.replyTo === undefined ? { type: 'text', text: req.text } : { type: 'text', text: req.text, replyTo: req.replyTo };
    return this.#sendAbout(req.conversation, content, req.id, null);
  }

  async edit(req: EditRequest): Promise<MessageView> {
    const target = await this.#own(req.target, 'edit');
    return this.#sendAbout(target.conversation, { type: 'edit', target: req.target, text: req.text }, req.id, req.target);
  }

  /** A delete message to the conversation first, then DELETE /messages/{id} (PROTOCOL.md "Deleting a message"). */
  async delete(req: DeleteRequest): Promise<MessageView> {
    const target = await this.#own(req.target, 'delete');
    await this.#sendAbout(target.conversation, { type: 'delete', target: req.target }, req.id, null);
    await this.#api.deleteMessage(req.target);
    this.#views.forget(req.target);
    return this.#views.current(req.target);
  }

  async react(req: ReactionRequest): Promise<MessageView> {
    const target = await this.#views.one(req.target);
    if (target.kind !== 'message' || target.status !== 'verified' || target.deleted !== null) {
      throw new ChatError('invalid_input', 'You can react only to a message that is shown (not failed or deleted).');
    }
    const content: UnsentContent = req.remove ? { type: 'reaction', target: req.target, emoji: req.emoji, remove: true } : { type: 'reaction', target: req.target, emoji: req.emoji };
    return this.#sendAbout(target.conversation, content, req.id, req.target);
  }

  async #own(id: string, what: 'edit' | 'delete'): Promise<MessageView> {
    const target = await this.#views.one(id);
    if (!target.outgoing) throw new ChatError('invalid_input', `You can ${what} only your own messages.`);
    if (target.kind !== 'message' || target.deleted !== null) throw new ChatError('invalid_input', `This message cannot be ${what === 'edit' ? 'edited' : 'deleted'}: it is deleted, or not a message.`);
    if (what === 'edit' && target.status !== 'verified') throw new ChatError('invalid_input', 'Only a message that is shown can be edited.');
    return target;
  }

  /** Sends; answers the message it is about as shown now (or, for a plain message, itself). */
  async #sendAbout(conversation: ConversationKey, content: UnsentContent, id: string, about: string | null): Promise<MessageView> {
    const item = await this.#sender.send(conversation, content, id);
    const view = await this.#views.sent(item);
    if (isGroupKey(conversation)) this.#sentTo(conversation);
    return about === null ? view : this.#views.current(about);
  }
}
