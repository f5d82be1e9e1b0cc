// Window: whether a message belongs where it is shown. The window shows of a message only the view the core
// verified, and fails here too a view (or skips a header) that is not of the open conversation, whatever the
// core or the server said.
import type { ConversationKey, MessageHeaderView, MessageView } from '../../../core/api/chat-api.js';
import { targetOf } from '../../../core/api/conversation-key.js';

export const MISPLACED_REASON = 'The server listed this message in the wrong conversation.';

/** A header from a page or the live stream belongs to this conversation (no one's key checked yet). */
export function headerBelongs(header: MessageHeaderView, key: ConversationKey): boolean {
  if (header.conversation !== key) return false;
  const target = targetOf(key);
  if (target.kind === 'group') return header.group === target.group;
  return header.group === null && (header.outgoing ? header.recipient : header.sender) === target.peer;
}

/**
 * A verified view is shown only in its own conversation: a direct one between (me, peer) either way, a group one
 * of that group with `outgoing` saying whether I sent it. Anything else is failed as misplaced, without its text.
 */
export function placedView(view: MessageView, me: string | null, key: ConversationKey): MessageView {
  if (view.status === 'misplaced') return misplaced(view, view.reason ?? MISPLACED_REASON);
  if (me !== null && view.conversation === key && fits(view, me, key)) return view;
  return misplaced(view, MISPLACED_REASON);
}

function fits(view: MessageView, me: string, key: ConversationKey): boolean {
  const target = targetOf(key);
  if (target.kind === 'group') return view.group === target.group && view.recipient === null && view.outgoing === (view.sender === me);
  if (view.group !== null) return false;
  const mine = view.sender === me && view.recipient === target.peer && view.outgoing;
  const theirs = view.sender === target.peer && view.recipient === me && !view.outgoing;
  return mine || theirs;
}

function misplaced(view: MessageView, reason: string): MessageView {
  return { ...view, text: null, status: 'misplaced', reason, replyTo: null, reactions: [], warning: null };
}

/** An edit, delete or reaction that applied: shown on its target, not as a row of its own. */
export function isAppliedChange(view: MessageView | undefined): boolean {
  return view !== undefined && view.kind === 'change' && view.status === 'verified';
}
