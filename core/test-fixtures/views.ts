// Test data: a MessageHeaderView or MessageView with every field, from the few a test cares about.
import type { MessageHeaderView, MessageView } from '../api/view.js';

export function headerView(extra: Partial<MessageHeaderView> = {}): MessageHeaderView {
  const sender = extra.sender ?? 'alice';
  const recipient = extra.recipient === undefined ? 'bob' : extra.recipient;
  return {
    id: '7b0b4a6e-1c1f-4f55-9a57-3a3b3b7d4c11',
    seq: 1,
    sender,
    recipient,
    group: null,
    conversation: extra.group ? `group:${extra.group}` : sender,
    timestamp: '2026-11-25T20:55:01.123Z',
    outgoing: false,
    ...extra,
  };
}

export function messageView(extra: Partial<MessageView> = {}): MessageView {
  return {
    ...headerView(extra),
    text: 'hello',
    status: 'verified',
    reason: null,
    kind: 'message',
    replyTo: null,
    edited: false,
    deleted: null,
    reactions: [],
    senderClock: null,
    warning: null,
    ...extra,
  };
}
