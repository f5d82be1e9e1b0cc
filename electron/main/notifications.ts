// Main process, no Electron import: when a new message raises a desktop notification, what it says, and
// the unread count shown on the dock/taskbar badge and in the window title.
import type { MessageHeaderView, MessageView } from '../../core/api/chat-api.js';

export const APP_NAME = 'Encrypted Chat';
const MAX_BODY_CHARS = 140;

export interface NotificationPrefs {
  notifications: boolean;
  /** Off by default: the OS notification centre keeps what it shows, so content is shown only on request. */
  notificationContent: boolean;
}

export interface NotificationText {
  title: string;
  body: string;
}

/** Whether an arriving message deserves a notification: someone else's message while the window is not in front. */
export function shouldNotify(message: MessageHeaderView, windowFocused: boolean, prefs: NotificationPrefs): boolean {
  return prefs.notifications && !windowFocused && !message.outgoing;
}

/** An edit, reaction or deletion shows on its message, and a group change is a line in the group: neither is news. */
export function isNews(opened: MessageView | null): boolean {
  return opened === null || opened.status !== 'verified' || opened.kind === 'message';
}

/**
 * The notification's text. The sender (and the group's name) only, unless the person turned content on; even
 * then only a verified message shows its text — a failed one says so instead of showing words nobody vouched for.
 */
export function notificationText(message: MessageHeaderView, prefs: NotificationPrefs, opened: MessageView | null, groupName: string | null = null): NotificationText {
  const title = message.group === null ? `New message from ${message.sender}` : `${message.sender} in ${groupName ?? 'a group'}`;
  if (!prefs.notificationContent || opened === null) {
    return { title, body: `Open ${APP_NAME} to read it.` };
  }
  if (opened.status !== 'verified' || opened.text === null) {
    return { title, body: 'This message could not be verified. Open the app to see why.' };
  }
  return { title, body: shorten(opened.text) };
}

function shorten(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  const chars = Array.from(oneLine);
  return chars.length <= MAX_BODY_CHARS ? oneLine : `${chars.slice(0, MAX_BODY_CHARS - 1).join('')}…`;
}

/** Total unread over every contact and group; never negative, never fractional. */
export function totalUnread(contacts: readonly { unread: number }[]): number {
  return contacts.reduce((sum, c) => sum + (Number.isInteger(c.unread) && c.unread > 0 ? c.unread : 0), 0);
}

/** "Encrypted Chat", or "(3) Encrypted Chat" with unread messages; "(99+)" past 99. */
export function windowTitle(unread: number, username: string | null): string {
  const base = username ? `${APP_NAME} — ${username}` : APP_NAME;
  if (unread <= 0) return base;
  return `(${unread > 99 ? '99+' : unread}) ${base}`;
}
