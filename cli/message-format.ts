// CLI side: how a message is printed — one header line `[time] sender → where: text`, continuation lines that
// start with CONTINUATION (so no text can forge a header), and detail lines that start with two spaces and a
// sign (↪ reply, reactions, the sender's clock). Everything from elsewhere goes through the one sanitizer.
import { fileLines } from './file-commands-format.js';
import { targetOf } from '../core/api/conversation-key.js';
import type { ConversationKey, MessageView } from '../core/api/view.js';
import { groupLabel, type GroupNames } from './group-format.js';
import { CONTINUATION, safeLine, safeText, when } from './output.js';

/** What a line may say beyond the message itself. */
export interface ShowOptions {
  /** Group names by id (from groups()); a group without one shows as the id's start. */
  groups?: GroupNames;
  /** Messages by id, to preview the one a reply answers. */
  messages?: ReadonlyMap<string, MessageView>;
  /** Print each message's id (reply, edit, delete and react take it). */
  ids?: boolean;
  /** People whose account was deleted: their name is marked "(account deleted)". */
  deletedAccounts?: ReadonlySet<string>;
}

export const ACCOUNT_DELETED = '(account deleted)';

/** A person's name as a header shows it: marked when their account was deleted. */
function person(name: string, options: ShowOptions): string {
  return `${safeLine(name || '?')}${options.deletedAccounts?.has(name) ? ` ${ACCOUNT_DELETED}` : ''}`;
}

/** Why a failed message is not shown, when the core gave no sentence. */
const DEFAULT_REASONS: Record<string, string> = {
  decrypt_failed: 'It could not be decrypted (tampered with, or not meant for you).',
  bad_signature: "The signature does not match the sender's key.",
  key_changed: "The sender's key changed and the new key was not accepted yet.",
  unknown_sender_key: "The sender's key could not be fetched.",
  malformed: 'The server sent a record that is not a valid message.',
  misplaced: 'The server listed this message somewhere other than where it belongs.',
  earlier_key: "It is signed with an earlier key of the sender's that this device never verified.",
  disowned_key: "It is signed with an earlier key you said was never the sender's.",
  unreadable_format: 'It is in a format this version cannot show.',
  may_not_change: 'It refers to a message it may not change.',
  invalid_announcement: 'It is a group change its sender may not make, or its lists do not add up.',
};

export function failureReason(view: Pick<MessageView, 'status' | 'reason'>): string {
  return safeLine(view.reason || DEFAULT_REASONS[view.status] || 'It could not be verified.');
}

/**
 * True for what is not a line of its own: a verified edit, delete or reaction (it shows on its target).
 * A change that failed is shown, as failed.
 */
export function isHidden(view: MessageView): boolean {
  return view.kind === 'change' && view.status === 'verified';
}

/** A conversation key as a person reads it: the other person, or the group's label. */
export function conversationLabel(key: ConversationKey, groups?: GroupNames): string {
  const target = targetOf(key);
  return target.kind === 'group' ? groupLabel(target.group, groups?.get(target.group)) : safeLine(target.peer);
}

/** Where a message went: the recipient, or the group's label. */
export function whereTo(view: Pick<MessageView, 'group' | 'recipient'>, groups?: GroupNames): string {
  if (view.group) return groupLabel(view.group, groups?.get(view.group));
  return safeLine(view.recipient || '?');
}

const PREVIEW_CHARS = 40;

/** A short one-line preview of the message a reply answers. */
export function replyPreview(target: MessageView | undefined, id: string): string {
  if (!target) return `↪ reply to a message not read on this device (${safeLine(id.slice(0, 8))}…)`;
  const who = safeLine(target.sender || '?');
  if (target.deleted === 'by_sender') return `↪ reply to ${who}: (deleted)`;
  if (target.deleted === 'by_server') return `↪ reply to ${who}: (removed by the server)`;
  if (target.status !== 'verified') return `↪ reply to ${who}: (not verified)`;
  const flat = [...(target.text ?? '').replace(/\s+/g, ' ').trim()];
  const short = flat.length > PREVIEW_CHARS ? `${flat.slice(0, PREVIEW_CHARS - 1).join('')}…` : flat.join('');
  return `↪ reply to ${who}: ${safeLine(short)}`;
}

/** `👍 2 (bob, carol)   ❤️ 1 (alice)`, or null without reactions. */
export function reactionsLine(view: Pick<MessageView, 'reactions'>): string | null {
  if (view.reactions.length === 0) return null;
  return view.reactions.map((r) => `${safeLine(r.emoji)} ${r.people.length} (${r.people.map(safeLine).join(', ')})`).join('   ');
}

function details(view: MessageView, options: ShowOptions): string[] {
  const lines: string[] = view.status === 'verified' && view.deleted === null ? fileLines(view.files) : [];
  if (view.replyTo) lines.push(replyPreview(options.messages?.get(view.replyTo), view.replyTo));
  if (view.deleted === null) {
    const reactions = reactionsLine(view);
    if (reactions !== null) lines.push(reactions);
  }
  if (view.senderClock) lines.push(`⏱ the sender's clock said ${when(view.senderClock)}`);
  return lines.map((line) => `  ${line}`);
}

/** The body after the header's colon: the text, the deleted marker, or why it failed. */
function body(view: MessageView): string[] {
  if (view.status !== 'verified') {
    const what = view.kind === 'change' ? 'CHANGE NOT APPLIED' : view.kind === 'announcement' ? 'GROUP CHANGE REFUSED' : 'NOT VERIFIED';
    return [`✗ ${what} (${safeLine(view.status)}): ${failureReason(view)}`];
  }
  if (view.deleted === 'by_sender') return ['(deleted)'];
  if (view.deleted === 'by_server') return ['(removed by the server)'];
  if (view.kind === 'announcement') return [`* ${safeLine(view.text ?? '')}`];
  return safeText(view.text ?? '').split('\n');
}

export function formatMessage(view: MessageView, options: ShowOptions = {}): string {
  const id = options.ids ? `${safeLine(view.id)} ` : '';
  const where = view.group ? whereTo(view, options.groups) : person(view.recipient ?? '', options);
  const edited = view.edited && view.status === 'verified' && view.deleted === null ? ' (edited)' : '';
  const head = view.kind === 'announcement' && view.status === 'verified'
    ? `[${when(view.timestamp)}] ${id}${where}`
    : `[${when(view.timestamp)}] ${id}${person(view.sender, options)} → ${where}${edited}`;
  const lines = body(view);
  // A membership warning leads the line, loudly; the text itself then follows as continuation lines.
  if (view.warning) lines.unshift(`⚠ WARNING: ${safeLine(view.warning)}`);
  const [first, ...rest] = lines;
  return [`${head}: ${first}`, ...rest.map((l) => `${CONTINUATION}${l}`), ...details(view, options)].join('\n');
}

/** The --json form of a message: the same field names for every message, direct or group. */
export function messageJson(view: MessageView) {
  const verified = view.status === 'verified';
  return {
    id: view.id,
    sender: view.sender,
    recipient: view.recipient,
    group: view.group,
    conversation: view.conversation,
    timestamp: view.timestamp,
    kind: view.kind,
    text: verified && view.deleted === null ? view.text : null,
    status: view.status,
    reason: verified ? null : view.reason,
    replyTo: view.replyTo,
    edited: view.edited,
    deleted: view.deleted,
    reactions: view.reactions.map((r) => ({ emoji: r.emoji, people: r.people })),
    senderClock: view.senderClock,
    warning: view.warning,
    // A `file` message's files (name, size, claimed type; the thumbnail stays out of the terminal).
    ...(view.files === undefined ? {} : { files: verified && view.deleted === null ? view.files.map((f) => ({ index: f.index, name: f.name, size: f.size, mime: f.mime, image: f.image ? { width: f.image.width, height: f.image.height } : null })) : [] }),
  };
}
