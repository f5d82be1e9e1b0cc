// CLI side: what `watch` says about its live connection. One line per change of state, never one per
// reconnect attempt: a server that keeps sending garbage (each stream refused, then retried) shows
// "Connection lost" once, and "Connected again" once when a stream finally holds.
import type { ConnectionState } from '../core/api/view.js';
import { safeLine } from './output.js';

export class ConnectionReport {
  readonly #me: string;
  #shown: 'online' | 'offline' | null = null;
  #everOnline = false;
  #lastWarning: string | null = null;

  constructor(me: string) {
    this.#me = me;
  }

  /** The line to print for this connection event, or null when nothing changed for the person. */
  line(state: ConnectionState, detail: string | null): string | null {
    if (state === 'connecting') return null;
    if (state === 'online') {
      if (detail !== null) {
        // Online, but something went wrong handling an event: say it once, not once per event.
        if (detail === this.#lastWarning) return null;
        this.#lastWarning = detail;
        return `Warning: ${safeLine(detail)}`;
      }
      if (this.#shown === 'online') return null;
      this.#shown = 'online';
      this.#lastWarning = null;
      if (!this.#everOnline) {
        this.#everOnline = true;
        return `Watching for messages as ${safeLine(this.#me)} (Ctrl-C to stop).`;
      }
      return 'Connected again.';
    }
    // offline: a null detail is the connection being stopped on purpose.
    if (detail === null || this.#shown === 'offline') return null;
    this.#shown = 'offline';
    return this.#everOnline
      ? `Connection lost: ${safeLine(detail)} Reconnecting…`
      : `Cannot connect yet: ${safeLine(detail)} Retrying…`;
  }
}
