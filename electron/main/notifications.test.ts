import { describe, expect, it } from 'vitest';
import type { MessageHeaderView, MessageView } from '../../core/api/chat-api.js';
import { headerView, messageView } from '../../core/test-fixtures/views.js';
import { isNews, notificationText, shouldNotify, totalUnread, windowTitle } from './notifications.js';

const header: MessageHeaderView = headerView({ seq: 5 });
const opened: MessageView = messageView({ ...header, text: 'the secret plan\nis here' });
const on = { notifications: true, notificationContent: false };

describe('shouldNotify', () => {
  it('notifies for incoming messages while the window is not focused, when enabled', () => {
    expect(shouldNotify(header, false, on)).toBe(true);
    expect(shouldNotify(header, true, on)).toBe(false);
    expect(shouldNotify({ ...header, outgoing: true }, false, on)).toBe(false);
    expect(shouldNotify(header, false, { ...on, notifications: false })).toBe(false);
  });
});

describe('group messages and changes', () => {
  it('names the group in the title, and counts an edit or a reaction as no news', () => {
    const group = '6f1c2a9e-7b4d-4e2a-9c1f-5d6e7f8a9b0c';
    const inGroup = headerView({ recipient: null, group, seq: 6 });
    expect(notificationText(inGroup, on, null, 'Family').title).toBe('alice in Family');
    expect(notificationText(inGroup, on, null, null).title).toBe('alice in a group');
    expect(isNews(messageView({ kind: 'change' }))).toBe(false);
    expect(isNews(messageView({ kind: 'announcement' }))).toBe(false);
    expect(isNews(messageView({ kind: 'change', status: 'may_not_change' }))).toBe(true);
    expect(isNews(opened)).toBe(true);
    expect(isNews(null)).toBe(true);
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
