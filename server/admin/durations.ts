// Durations of the admin tool: a whole number with d (days), h (hours) or m (minutes), e.g. 365d, 12h, 90m.
// `m` is minutes, as in the server's own settings (TOKEN_TTL=15m); a retention in months would be
// ambiguous anyway (how long is one?), so months have no unit and are written in days.
import { AdminError } from './admin-errors.js';

const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000 } as const;

export const DURATION_RULE = 'a whole number with d (days), h (hours) or m (minutes), e.g. 365d, 12h or 90m';

/** Milliseconds of `text`, at least one minute and at most `maxMs`; an AdminError naming `what` otherwise. */
export function parseDuration(text: string, what: string, maxMs = 100 * 365 * UNIT_MS.d): number {
  const match = /^([1-9]\d{0,9})([dhm])$/.exec(text);
  if (!match) throw new AdminError(`${what} must be ${DURATION_RULE}; got ${JSON.stringify(text)}`);
  const ms = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  if (ms > maxMs) throw new AdminError(`${what} must be at most ${formatDuration(maxMs)}; got ${text}`);
  return ms;
}

/** The shortest spelling parseDuration reads back as `ms` (a whole number of minutes). */
export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm'] as const) {
    if (ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
  }
  return `${ms / UNIT_MS.m}m`;
}
