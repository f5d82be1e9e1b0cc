// Core side (runs in Node, Electron main and the browser worker): GET /events with reconnection, live events held
// back until each (re)connection's catch-up is delivered, so nothing is seen twice or missed.
import { HEARTBEAT_MS } from '../protocol/constants.js';
import { listedMessageSchema, type ListedMessage as MessageHeader } from '../protocol/schemas-v2.js';
import { ChatError, toChatError } from '../api/errors.js';
import { reconnectDelay, withJitter } from './backoff.js';
import { parseAnswer } from './http-api.js';
import { SseParser } from './sse-parser.js';
import type { ConnectionState } from '../api/view.js';

export interface LiveSyncHooks {
  openEvents(lastEventId: number, signal: AbortSignal): Promise<AsyncIterable<Uint8Array>>;
  /** The highest seq delivered so far. */
  cursor(): number;
  /** Fetches and delivers everything after the cursor. */
  catchUp(): Promise<void>;
  /** Queues one header for delivery; deliveries run in call order and skip seqs at or below the cursor. */
  deliver(header: MessageHeader): Promise<void>;
  onState(state: ConnectionState, detail: string | null): void;
  /** A failure retrying cannot fix (e.g. the session ended); live sync stops after it. */
  onFatal(error: ChatError): void;
}

/** One connection's hold on live events while its catch-up runs. */
interface Gate {
  caughtUp: boolean;
  /** More events came than could be held: they were dropped, and the catch-up runs again. */
  overflowed: boolean;
  held: MessageHeader[];
  error: unknown;
}

export const DEFAULT_RECONNECT_DELAYS_MS = [1_000, 2_000, 5_000, 10_000, 30_000];
/** The longest wait between attempts while the window is visible: a server back from a restart is seen within seconds. */
export const VISIBLE_RECONNECT_CAP_MS = 2_000;
/** A stream silent this long (past the server's heartbeat, which is at most HEARTBEAT_MS) is taken for dead when asked to reconnect now. */
const STALE_AFTER_MS = HEARTBEAT_MS + 5_000;
/** No byte for this long (the server sends a comment every HEARTBEAT_MS) means the connection is dead. */
const SILENCE_LIMIT_MS = 2 * HEARTBEAT_MS + 5_000;
/** Live events held while a catch-up runs; past this they are dropped and another catch-up fetches them. */
export const MAX_HELD_EVENTS = 1_000;

export class LiveSync {
  readonly #hooks: LiveSyncHooks;
  readonly #delays: number[];
  #running = false;
  #controller: AbortController | null = null;
  #wake: (() => void) | null = null;
  #loop: Promise<void> | null = null;
  #failures = 0;
  #visible = true;
  /** The next attempt goes at once (reconnectNow during an attempt that then failed). */
  #noWait = false;
  /** Wall-clock time of the open stream's last byte (0: no stream open); wall clock, so a sleep of the computer counts. */
  #lastByteAt = 0;

  constructor(hooks: LiveSyncHooks, delays: number[] = DEFAULT_RECONNECT_DELAYS_MS) {
    this.#hooks = hooks;
    this.#delays = delays;
  }

  get running(): boolean {
    return this.#running;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  /** Whether a person can see the window: while they can, the wait between attempts stays short. */
  setVisible(visible: boolean): void {
    const was = this.#visible;
    this.#visible = visible;
    if (visible && !was) this.reconnectNow();
  }

  /**
   * Tries at once: the page became visible, the network or the computer woke up, or the person asked. A wait
   * between attempts is cut short; an open stream is replaced only when it has been silent past the heartbeat
   * (after a sleep or a network change it is dead without knowing it).
   */
  reconnectNow(): void {
    if (!this.#running) return;
    this.#failures = 0;
    if (this.#wake) {
      this.#wake();
      return;
    }
    this.#noWait = true;
    if (this.#controller && this.#lastByteAt > 0 && Date.now() - this.#lastByteAt > STALE_AFTER_MS) this.#controller.abort();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#controller?.abort();
    this.#wake?.();
    await this.#loop;
    this.#loop = null;
  }

  async #run(): Promise<void> {
    this.#failures = 0;
    while (this.#running) {
      this.#noWait = false;
      this.#hooks.onState('connecting', null);
      let detail: string | null = null;
      try {
        // The backoff starts over only once the connection proved healthy (a caught-up stream that sent a valid
        // event or a heartbeat), not merely opened: a stream of garbage must not reconnect every second.
        await this.#connectOnce(() => {
          this.#failures = 0;
        });
        detail = 'The server closed the live connection.';
      } catch (error) {
        if (!this.#running) break;
        const chatError = toChatError(error);
        if (chatError.info.code === 'unauthorized' || chatError.info.code === 'locked' || chatError.info.code === 'forbidden') {
          this.#running = false;
          this.#hooks.onState('offline', chatError.info.message);
          this.#hooks.onFatal(chatError);
          break;
        }
        detail = chatError.info.message;
      }
      if (!this.#running) break;
      this.#hooks.onState('offline', detail);
      const base = reconnectDelay(this.#delays, this.#failures, this.#visible, VISIBLE_RECONNECT_CAP_MS) ?? 1_000;
      this.#failures++;
      if (this.#noWait) continue;
      await this.#sleep(withJitter(base, 0.2));
    }
    this.#hooks.onState('offline', null);
  }

  async #connectOnce(onHealthy: () => void): Promise<void> {
    const controller = new AbortController();
    this.#controller = controller;
    let watchdog: ReturnType<typeof setTimeout> | undefined;
    const feed = () => {
      this.#lastByteAt = Date.now();
      clearTimeout(watchdog);
      watchdog = setTimeout(() => controller.abort(), SILENCE_LIMIT_MS);
    };
    try {
      const stream = await this.#hooks.openEvents(this.#hooks.cursor(), controller.signal);
      feed();
      this.#hooks.onState('online', null);
      const gate: Gate = { caughtUp: false, overflowed: false, held: [], error: null };
      const catchUp = this.#catchUp(gate, controller);
      await this.#read(stream, gate, feed, onHealthy);
      await catchUp;
      if (gate.error) throw gate.error;
    } catch (error) {
      if (controller.signal.aborted && this.#running && !(error instanceof ChatError)) {
        throw new ChatError('server_unreachable', 'The live connection went silent; reconnecting.');
      }
      throw error;
    } finally {
      clearTimeout(watchdog);
      controller.abort();
      this.#controller = null;
      this.#lastByteAt = 0;
    }
  }

  /** The connection's catch-up; once it is delivered, so are the events held meanwhile. A failure ends the connection. */
  #catchUp(gate: Gate, controller: AbortController): Promise<void> {
    return (async () => {
      await this.#hooks.catchUp();
      // Events dropped while holding: what they named is on the server; fetch again from the cursor.
      while (gate.overflowed && this.#running) {
        gate.overflowed = false;
        await this.#hooks.catchUp();
      }
    })().then(
      () => {
        gate.caughtUp = true;
        for (const header of gate.held.splice(0)) this.#deliver(header);
      },
      (error: unknown) => {
        gate.error = error;
        controller.abort();
      },
    );
  }

  /** Reads events until the stream ends or stops; each chunk feeds the silence watchdog. */
  async #read(stream: AsyncIterable<Uint8Array>, gate: Gate, feed: () => void, onHealthy: () => void): Promise<void> {
    const decoder = new TextDecoder();
    const parser = new SseParser();
    let healthy = false;
    for await (const chunk of stream) {
      feed();
      const comments = parser.comments;
      let valid = false;
      for (const event of parser.push(decoder.decode(chunk, { stream: true }))) {
        if (event.event !== 'message') continue;
        const header = parseEvent(event.data);
        valid = true;
        if (gate.caughtUp) this.#deliver(header);
        else if (gate.held.length >= MAX_HELD_EVENTS) {
          gate.held.length = 0;
          gate.overflowed = true;
        } else gate.held.push(header);
      }
      if (!healthy && gate.caughtUp && (valid || parser.comments > comments)) {
        healthy = true;
        onHealthy();
      }
      if (!this.#running) break;
    }
  }

  /** Queues a delivery; a failure (e.g. the local store refused a write) is reported, never thrown away unseen. */
  #deliver(header: MessageHeader): void {
    this.#hooks.deliver(header).catch((error: unknown) => {
      this.#hooks.onState('online', `A new message could not be recorded: ${toChatError(error).info.message}`);
    });
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wake = done;
    });
  }
}

function parseEvent(data: string): MessageHeader {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    throw new ChatError('protocol_violation', 'The server sent a live event that is not JSON.');
  }
  return parseAnswer(listedMessageSchema, json, 'GET /events');
}
