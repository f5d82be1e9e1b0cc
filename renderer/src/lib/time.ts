// Times are server-assigned ISO 8601 UTC; people read them in their own time zone and language.

// 'numeric' hours: "9:05 AM" in a 12-hour locale (no leading zero), "09:05" where the locale's 24-hour clock has one.
const TIME_OPTIONS: Intl.DateTimeFormatOptions = { hour: 'numeric', minute: '2-digit' };
const timeFormat = new Intl.DateTimeFormat(undefined, TIME_OPTIONS);
const weekdayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long' });
const shortWeekdayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short' });
const dateFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'long', year: 'numeric' });
const shortDateFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'medium' });

/** The local calendar day of a time, e.g. "2026-11-25": rows with the same key share a day separator. */
export function dayKey(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

function startOfDay(d: Date): number {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

function daysBetween(earlier: Date, later: Date): number {
  return Math.round((startOfDay(later) - startOfDay(earlier)) / 86_400_000);
}

export function dayLabel(iso: string, now: Date = new Date()): string {
  const d = new Date(iso);
  const days = daysBetween(d, now);
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  if (days > 1 && days < 7) return weekdayFormat.format(d);
  return dateFormat.format(d);
}

/** A message's time of day; `locales` only to check the format in a given language. */
export function timeLabel(iso: string, locales?: string): string {
  return (locales === undefined ? timeFormat : new Intl.DateTimeFormat(locales, TIME_OPTIONS)).format(new Date(iso));
}

/** For a tooltip: the whole date and time. */
export function fullTimeLabel(iso: string): string {
  return fullFormat.format(new Date(iso));
}

/** Last activity in the contact list: a time today, a weekday this week, else a date. */
export function activityLabel(iso: string, now: Date = new Date()): string {
  const d = new Date(iso);
  const days = daysBetween(d, now);
  if (days === 0) return timeFormat.format(d);
  if (days > 0 && days < 7) return shortWeekdayFormat.format(d);
  return shortDateFormat.format(d);
}
