// CLI side: what `watch` says about its live connection. One line per change of state, never one per
// reconnect attempt: a server that keeps sending garbage (each stream refused, then retried) shows
// "Connection lost, reconnecting…" once, and a stream that opens again is one "Reconnected" (its line, with
// how many missed messages the catch-up fetched, is watch's: missed-messages.ts counts them).
import type { ConnectionState } from '../core/api/view.js';
import { safeLine } from './output.js';

/** A line to print, or the news that the connection is back after it was lost. */
export type ConnectionChange = { line: string; lost?: true } | { reconnected: true };

export class ConnectionReport {
  readonly #me: string;
  #shown: 'online' | 'offline' | null = null;
  #everOnline = false;
  #lastWarning: string | null = null;

  constructor(me: string) {
    this.#me = me;
  }

  /** What to say for this connection event, or null when nothing changed for the person. */
  change(state: ConnectionState, detail: string | null): ConnectionChange | null {
    if (state === 'connecting') return null;
    if (state === 'online') {
      if (detail !== null) {
        // Online, but something went wrong handling an event: say it once, not once per event.
        if (detail === this.#lastWarning) return null;
        this.#lastWarning = detail;
        return { line: `Warning: ${safeLine(detail)}` };
      }
      if (this.#shown === 'online') return null;
      this.#shown = 'online';
      this.#lastWarning = null;
      if (!this.#everOnline) {
        this.#everOnline = true;
        return { line: `Watching for messages as ${safeLine(this.#me)} (Ctrl-C to stop).` };
      }
      return { reconnected: true };
    }
    // offline: a null detail is the connection being stopped on purpose.
    if (detail === null || this.#shown === 'offline') return null;
    this.#shown = 'offline';
    return this.#everOnline
      ? { line: `Connection lost, reconnecting… (${safeLine(detail)})`, lost: true }
      : { line: `Cannot connect yet: ${safeLine(detail)} Retrying…` };
  }
}

/** The line for a connection that is back: how many messages its catch-up fetched. */
export function reconnectedLine(missed: number): string {
  return `Reconnected (${missed} missed message${missed === 1 ? '' : 's'} fetched)`;
}
