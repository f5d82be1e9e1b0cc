// Core side (pure; runs in Node, Electron main, the browser worker and the server): the wait before the next
// attempt, chosen from a list of delays, so sends, the live connection and the server's event bus back off alike.

/**
 * The wait before attempt `failures + 1` (after `failures` failures in a row). Past the end of the list,
 * 'repeat' keeps waiting the last delay (reconnecting never gives up) and 'give_up' answers undefined (a
 * request is retried only so many times). Undefined also when the list is empty.
 */
export function backoffDelay(delays: readonly number[], failures: number, pastEnd: 'repeat' | 'give_up'): number | undefined {
  const at = pastEnd === 'repeat' ? Math.min(failures, delays.length - 1) : failures;
  return delays[at];
}

/**
 * `ms` moved at random by up to ±`spread` of itself (0.2: from 80% to 120%), so that many clients cut off at
 * once do not all come back in the same instant.
 */
export function withJitter(ms: number, spread: number, random: () => number = Math.random): number {
  return ms * (1 - spread + random() * 2 * spread);
}

/**
 * The wait before the live connection's next attempt: the list's delay, but no more than `visibleCapMs` while
 * a person looks at the window (a server back after a restart is then noticed within seconds; a hidden
 * window walks the whole list and spares the server).
 */
export function reconnectDelay(delays: readonly number[], failures: number, visible: boolean, visibleCapMs: number): number | undefined {
  const delay = backoffDelay(delays, failures, 'repeat');
  return delay === undefined || !visible ? delay : Math.min(delay, visibleCapMs);
}
