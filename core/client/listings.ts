// Core side (runs in Node, Electron main and the browser worker): what the server said about messages before
// they are read, to show a record that disagrees as misplaced and to page a conversation back by seq.
import type { MessageHeader } from '../protocol/schemas.js';
import { groupHeaderSchema, type GroupHeader, type ListedMessage } from '../protocol/schemas-v2.js';
import { ChatError } from '../api/errors.js';
import type { MessageHeaderView, MessageView } from '../api/view.js';
import { BoundedMap } from './bounded.js';
import type { MessageQuery, ServerApi } from './server-api.js';
import type { CurrentSession } from './session.js';

interface Listing {
  header: MessageHeader;
  /** Conversations (peers) it was listed in. */
  peers: string[];
  /** Listed twice with different fields: an honest server never does that. */
  conflict: boolean;
}

const MAX_TIMESTAMPS = 5_000;
const MAX_LISTED = 10_000;
/** More conversations than a message can be in (its two people) are kept only as a conflict. */
const MAX_PEERS = 4;
const MISPLACED_REASON = 'The server listed this message in the wrong conversation.';

export class Listings {
  readonly #api: ServerApi;
  readonly #session: CurrentSession;
  readonly #timestamps = new BoundedMap<number, string>(MAX_TIMESTAMPS);
  /** The header each id was listed or announced with, and the conversations it was listed in. */
  readonly #listed = new BoundedMap<string, Listing>(MAX_LISTED);

  constructor(api: ServerApi, session: CurrentSession) {
    this.#api = api;
    this.#session = session;
  }

  /** GET /messages for one conversation (or all direct ones): only the account's own direct messages, each noted. */
  async list(query: MessageQuery): Promise<MessageHeader[]> {
    const messages = await this.listAll(query);
    const direct = messages.filter(isDirect);
    if (query.peer && direct.length !== messages.length) {
      throw new ChatError('protocol_violation', `The server listed a group message in the conversation with ${query.peer}.`);
    }
    return direct;
  }

  /** GET /messages as sync reads it: direct and group items, each checked to be the account's own. */
  async listAll(query: MessageQuery): Promise<ListedMessage[]> {
    const messages = await this.#api.listMessages(query);
    const me = this.#session().username;
    for (const h of messages) {
      const mine = isDirect(h) ? h.sender === me || h.recipient === me : h.sender === me || h.recipients.includes(me);
      if (!mine) throw new ChatError('protocol_violation', 'The server listed a message that is not yours.');
      if (query.peer && isDirect(h) && h.sender !== query.peer && h.recipient !== query.peer) {
        throw new ChatError('protocol_violation', `The server listed a message outside the conversation with ${query.peer}.`);
      }
    }
    for (const h of messages) if (isDirect(h)) this.note(h, query.peer);
    return messages;
  }

  /** Remembers what the server said about a message before showing it, to compare with its record. */
  note(header: MessageHeader, peer: string | undefined): void {
    const known = this.#listed.get(header.id);
    const peers = known ? [...known.peers] : [];
    if (peer !== undefined && !peers.includes(peer)) peers.push(peer);
    this.#listed.set(header.id, {
      header: known?.header ?? header,
      peers: peers.slice(0, MAX_PEERS),
      conflict: (known?.conflict ?? false) || (known !== undefined && !sameHeader(known.header, header)) || peers.length > MAX_PEERS,
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
      h.recipient !== view.recipient ||
      h.timestamp !== view.timestamp ||
      listing.peers.some((peer) => view.sender !== peer && view.recipient !== peer);
    return wrong ? { ...view, text: null, status: 'misplaced', reason: MISPLACED_REASON } : view;
  }

  /** The header as shown; its time is kept for paging back from its seq. */
  view(header: MessageHeader, me: string): MessageHeaderView {
    this.#timestamps.set(header.seq, header.timestamp);
    return { id: header.id, seq: header.seq, sender: header.sender, recipient: header.recipient, timestamp: header.timestamp, outgoing: header.sender === me };
  }

  /** The time of the message with this seq in the conversation with `peer`; null when the server has none. */
  async timestampOf(peer: string, seq: number): Promise<string | null> {
    const known = this.#timestamps.get(seq);
    if (known) return known;
    const [first] = await this.list({ peer, after: seq - 1, limit: 1 });
    return first && first.seq === seq ? first.timestamp : null;
  }
}

export function sameHeader(a: MessageHeader, b: MessageHeader): boolean {
  return a.id === b.id && a.seq === b.seq && a.sender === b.sender && a.recipient === b.recipient && a.timestamp === b.timestamp;
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
