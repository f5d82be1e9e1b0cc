import { describe, expect, it } from 'vitest';
import type { MessageHeaderView, MessageView } from '../../core/api/chat-api.js';
import { notificationText, shouldNotify, totalUnread, windowTitle } from './notifications.js';

const header: MessageHeaderView = {
  id: '7b0b4a6e-1c1f-4f55-9a57-3a3b3b7d4c11',
  seq: 5,
  sender: 'alice',
  recipient: 'bob',
  timestamp: '2026-11-25T20:55:01.123Z',
  outgoing: false,
};
const opened: MessageView = { ...header, text: 'the secret plan\nis here', status: 'verified', reason: null };
const on = { notifications: true, notificationContent: false };

describe('shouldNotify', () => {
  it('notifies for incoming messages while the window is not focused, when enabled', () => {
    expect(shouldNotify(header, false, on)).toBe(true);
    expect(shouldNotify(header, true, on)).toBe(false);
    expect(shouldNotify({ ...header, outgoing: true }, false, on)).toBe(false);
    expect(shouldNotify(header, false, { ...on, notifications: false })).toBe(false);
  });
});

describe('notificationText', () => {
  it('shows the sender only by default', () => {
    const text = notificationText(header, on, opened);
    expect(text.title).toBe('New message from alice');
    expect(text.body).not.toContain('secret');
  });

  it('shows the verified text, on one line, when content is turned on', () => {
    expect(notificationText(header, { ...on, notificationContent: true }, opened).body).toBe('the secret plan is here');
    const long = notificationText(header, { ...on, notificationContent: true }, { ...opened, text: 'x'.repeat(500) }).body;
    expect(Array.from(long).length).toBe(140);
  });

  it('never shows the text of a message that failed verification', () => {
    const failed: MessageView = { ...opened, status: 'bad_signature', reason: 'The signature does not match.' };
    const body = notificationText(header, { ...on, notificationContent: true }, failed).body;
    expect(body).toMatch(/could not be verified/);
    expect(body).not.toContain('secret');
  });
});

describe('unread count', () => {
  it('sums the contacts, ignoring nonsense', () => {
    expect(totalUnread([{ unread: 2 }, { unread: 0 }, { unread: 3 }])).toBe(5);
    expect(totalUnread([{ unread: -1 }, { unread: 1.5 }, { unread: Number.NaN }])).toBe(0);
  });

  it('puts it in the title', () => {
    expect(windowTitle(0, null)).toBe('Encrypted Chat');
    expect(windowTitle(3, 'bob')).toBe('(3) Encrypted Chat — bob');
    expect(windowTitle(150, null)).toBe('(99+) Encrypted Chat');
  });
});
