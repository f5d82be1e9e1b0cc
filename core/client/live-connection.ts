// Core side (runs in Node, Electron main and the browser worker): the session's live connection — one LiveSync at
// a time, a periodic catch-up beside it, and what happens when the server refuses the stream for good.
import type { ChatError } from '../api/errors.js';
import type { ConnectionState } from '../api/view.js';
import type { IndexSync } from './index-sync.js';
import { LiveSync } from './live-sync.js';
import type { ServerApi } from './server-api.js';
import type { Session } from './session.js';

export interface LiveOptions {
  api: ServerApi;
  sync: IndexSync;
  reconnectDelaysMs: number[] | undefined;
  exclusive<T>(run: () => Promise<T>): Promise<T>;
  onState(state: ConnectionState, detail: string | null): void;
}

export interface LiveLoss {
  /** Signs in again after the stream was refused; true when the stream may be opened again. */
  renew(error: ChatError): Promise<boolean>;
  /** Opens the stream again after renew() succeeded. */
  restart(): Promise<void>;
  /** The refusal stands: the session ends with it. */
  end(error: ChatError): Promise<void>;
}

/** While live, a catch-up this often keeps the sliding token fresh (servers default to a 1-hour token). */
const LIVE_REFRESH_MS = 5 * 60_000;

export class LiveConnection {
  readonly #options: LiveOptions;
  readonly #loss: LiveLoss;
  #live: LiveSync | null = null;
  #refresh: ReturnType<typeof setInterval> | undefined;
  #visible = true;

  constructor(options: LiveOptions, loss: LiveLoss) {
    this.#options = options;
    this.#loss = loss;
  }

  get running(): boolean {
    return this.#live?.running ?? false;
  }

  /** Opens the stream of session `s`, replacing any earlier one; `refresh` runs every LIVE_REFRESH_MS until stop(). */
  start(s: Session, refresh: () => void): void {
    const { api, sync, exclusive } = this.#options;
    const live = new LiveSync(
      {
        openEvents: (lastEventId, signal) => api.openEvents(lastEventId, signal),
        cursor: () => s.index.cursor,
        catchUp: () => sync.sync(true),
        deliver: (header) => exclusive(() => sync.deliverEvent(s, header)),
        onState: (state, detail) => this.#options.onState(state, detail),
        onFatal: (error) => void this.#lost(live, error),
      },
      this.#options.reconnectDelaysMs,
    );
    this.#live = live;
    live.setVisible(this.#visible);
    live.start();
    // An open stream does not slide the token; a periodic catch-up does (and is a safety net for the stream).
    clearInterval(this.#refresh);
    this.#refresh = setInterval(refresh, LIVE_REFRESH_MS);
    (this.#refresh as { unref?: () => void }).unref?.();
  }

  /** Whether the window is visible (kept for later streams too): while it is, reconnecting waits at most a few seconds. */
  setVisible(visible: boolean): void {
    this.#visible = visible;
    this.#live?.setVisible(visible);
  }

  /** Tries to reconnect at once (see LiveSync.reconnectNow); nothing while no stream runs. */
  reconnectNow(): void {
    this.#live?.reconnectNow();
  }

  async stop(): Promise<void> {
    clearInterval(this.#refresh);
    this.#refresh = undefined;
    const live = this.#live;
    this.#live = null;
    await live?.stop();
  }

  /** The stream was refused for good: sign in again if the session can, else end the session. */
  async #lost(live: LiveSync, error: ChatError): Promise<void> {
    if (this.#live !== live) return;
    if (await this.#loss.renew(error)) {
      this.#live = null;
      await this.#loss.restart().catch(() => undefined);
      return;
    }
    await this.#loss.end(error);
  }
}
