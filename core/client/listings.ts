// Core side (runs in Node, Electron main and the browser worker): what the server said about messages before
// they are read, to show a record that disagrees as misplaced and to page a conversation back by seq.
import type { MessageHeader } from '../protocol/schemas.js';
import { groupHeaderSchema, type GroupHeader, type ListedMessage } from '../protocol/schemas-v2.js';
import { ChatError } from '../api/errors.js';
import { groupKey, targetOf } from '../api/conversation-key.js';
import type { ConversationKey, MessageHeaderView, MessageView } from '../api/view.js';
import { BoundedMap } from './bounded.js';
import type { MessageQuery, ServerApi } from './server-api.js';
import type { CurrentSession } from './session.js';

interface Listing {
  header: ListedMessage;
  /** Conversations it was listed in. */
  conversations: ConversationKey[];
  /** Listed twice with different fields: an honest server never does that. */
  conflict: boolean;
}

const MAX_TIMESTAMPS = 5_000;
const MAX_LISTED = 10_000;
/** More conversations than a message can be in (its two people, or its group) are kept only as a conflict. */
const MAX_CONVERSATIONS = 4;
const MAX_PAGED_CONVERSATIONS = 100;
const MAX_PAGED_IDS = 2_000;
const MISPLACED_REASON = 'The server listed this message in the wrong conversation.';

export class Listings {
  readonly #api: ServerApi;
  readonly #session: CurrentSession;
  readonly #timestamps = new BoundedMap<string, string>(MAX_TIMESTAMPS);
  /** The header each id was listed or announced with, and the conversations it was listed in. */
  readonly #listed = new BoundedMap<string, Listing>(MAX_LISTED);
  /** Per conversation, the ids its pages listed, by seq: what may hold changes to a message read. */
  readonly #paged = new BoundedMap<ConversationKey, BoundedMap<number, string>>(MAX_PAGED_CONVERSATIONS);

  constructor(api: ServerApi, session: CurrentSession) {
    this.#api = api;
    this.#session = session;
  }

  /** GET /messages for one conversation (direct or group), every item checked to belong to it and noted. */
  async conversation(key: ConversationKey, query: Omit<MessageQuery, 'peer' | 'group'>): Promise<ListedMessage[]> {
    const target = targetOf(key);
    const me = this.#session().username;
    const messages = await this.listAll(target.kind === 'direct' ? { ...query, peer: target.peer } : { ...query, group: target.group });
    for (const h of messages) {
      if (conversationOf(h, me) !== key) throw new ChatError('protocol_violation', 'The server listed a message outside the conversation asked for.');
      this.note(h, key);
    }
    let paged = this.#paged.get(key);
    if (!paged) this.#paged.set(key, (paged = new BoundedMap<number, string>(MAX_PAGED_IDS)));
    for (const h of messages) paged.set(h.seq, h.id);
    return messages;
  }

  /** Ids this session's pages listed in the conversation after `seq`, oldest first, at most `limit`. */
  listedAfter(key: ConversationKey, seq: number, limit: number): string[] {
    const paged = this.#paged.get(key);
    if (!paged) return [];
    return [...paged.entries()]
      .filter(([s]) => s > seq)
      .sort(([a], [b]) => a - b)
      .slice(0, limit)
      .map(([, id]) => id);
  }

  /** A live event's message, so reading older ones also looks at it. */
  page(header: ListedMessage, me: string): void {
    const key = conversationOf(header, me);
    this.#paged.get(key)?.set(header.seq, header.id);
  }

  /** GET /messages as sync reads it: direct and group items, each checked to be the account's own. */
  async listAll(query: MessageQuery): Promise<ListedMessage[]> {
    const messages = await this.#api.listMessages(query);
    const me = this.#session().username;
    for (const h of messages) {
      const mine = isDirect(h) ? h.sender === me || h.recipient === me : h.sender === me || h.recipients.includes(me);
      if (!mine) throw new ChatError('protocol_violation', 'The server listed a message that is not yours.');
    }
    if (query.peer === undefined && query.group === undefined) for (const h of messages) this.note(h, undefined);
    return messages;
  }

  /** Remembers what the server said about a message before showing it, to compare with its record. */
  note(header: ListedMessage, conversation: ConversationKey | undefined): void {
    const known = this.#listed.get(header.id);
    const conversations = known ? [...known.conversations] : [];
    if (conversation !== undefined && !conversations.includes(conversation)) conversations.push(conversation);
    this.#listed.set(header.id, {
      header: known?.header ?? header,
      conversations: conversations.slice(0, MAX_CONVERSATIONS),
      conflict: (known?.conflict ?? false) || (known !== undefined && !sameListed(known.header, header)) || conversations.length > MAX_CONVERSATIONS,
    });
  }

  /** What is shown comes from the record; a listing or event that said otherwise makes it 'misplaced'. */
  placed(view: MessageView): MessageView {
    const listing = this.#listed.get(view.id);
    if (!listing || view.sender === '') return view;
    const h = listing.header;
    const wrong =
      listing.conflict ||
      h.seq !== view.seq ||
      h.sender !== view.sender ||
      h.timestamp !== view.timestamp ||
      (isDirect(h) ? h.recipient !== view.recipient : h.group !== view.group) ||
      listing.conversations.some((key) => key !== view.conversation);
    return wrong ? { ...view, text: null, status: 'misplaced', reason: MISPLACED_REASON, kind: 'message', deleted: null, reactions: [], replyTo: null, edited: false } : view;
  }

  /** The header as shown; its time is kept for paging back from its seq. */
  view(header: ListedMessage, me: string): MessageHeaderView {
    const conversation = conversationOf(header, me);
    this.#timestamps.set(`${conversation}\n${header.seq}`, header.timestamp);
    return {
      id: header.id,
      seq: header.seq,
      sender: header.sender,
      recipient: isDirect(header) ? header.recipient : null,
      group: isDirect(header) ? null : header.group,
      conversation,
      timestamp: header.timestamp,
      outgoing: header.sender === me,
    };
  }

  /** The time of the message with this seq in the conversation; null when the server has none. */
  async timestampOf(key: ConversationKey, seq: number): Promise<string | null> {
    const known = this.#timestamps.get(`${key}\n${seq}`);
    if (known) return known;
    const [first] = await this.conversation(key, { after: seq - 1, limit: 1 });
    return first && first.seq === seq ? first.timestamp : null;
  }
}

/** The conversation a header puts a message in, seen from `me`: the other person, or the group. */
export function conversationOf(header: ListedMessage, me: string): ConversationKey {
  if (!isDirect(header)) return groupKey(header.group);
  return header.sender === me ? header.recipient : header.sender;
}

export function sameHeader(a: MessageHeader, b: MessageHeader): boolean {
  return a.id === b.id && a.seq === b.seq && a.sender === b.sender && a.recipient === b.recipient && a.timestamp === b.timestamp;
}

function sameListed(a: ListedMessage, b: ListedMessage): boolean {
  if (isDirect(a) || isDirect(b)) return isDirect(a) && isDirect(b) && sameHeader(a, b);
  return sameGroupHeader(a, b);
}

export function isDirect(header: ListedMessage): header is MessageHeader {
  return 'recipient' in header;
}

/** A group item's header against its record: the same id, seq, sender, time, group and recipients. */
export function sameGroupHeader(a: GroupHeader, record: unknown): boolean {
  const b = groupHeaderSchema.safeParse(record);
  return (
    b.success &&
    a.id === b.data.id &&
    a.seq === b.data.seq &&
    a.sender === b.data.sender &&
    a.timestamp === b.data.timestamp &&
    a.group === b.data.group &&
    a.recipients.join(',') === b.data.recipients.join(',')
  );
}
