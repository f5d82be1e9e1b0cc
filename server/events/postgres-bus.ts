// The event bus of several server instances over one PostgreSQL database: PostgreSQL's own LISTEN/NOTIFY,
// no extra broker. Each instance keeps one dedicated connection LISTENing (Sequelize's pool would hand
// the LISTEN to a random connection and drop it), and publishes with pg_notify on a second connection,
// one notification per committed batch of messages, in commit order.
//
// A notification is only a "look again" (see bus.ts), so what must never happen is that an instance
// misses one for good. Local subscribers are told at once without a round trip; while the listening
// connection is down notifications from other instances are lost, so after every (re)connect the bus
// asks the database for the messages committed since the last seq it knew of and announces those.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Logger } from 'pino';
import { z } from 'zod';
import { backoffDelay } from '../../core/client/backoff.js';
import { anyMessageHeaderSchema as messageHeaderSchema, type AnyMessageHeader as MessageHeader } from '../../core/protocol/schemas-v2.js';
import { describeError } from '../logging.js';
import type { BusListener, EventBus } from './bus.js';

export const NOTIFY_CHANNEL = 'encrypted_chat_messages';
/** Names the LISTEN connection in pg_stat_activity. */
export const LISTENER_APPLICATION_NAME = 'encrypted-chat-events';

/** How the bus finds out what it may have missed while its listening connection was down. */
export interface MissedMessages {
  latestSeq(): Promise<number>;
  /** Headers of every message with a seq above `seq`, in seq order, at most `limit`. */
  headersAfter(seq: number, limit: number): Promise<MessageHeader[]>;
}

export interface PostgresBusOptions {
  url: string;
  missed: MissedMessages;
  logger?: Logger;
  /** Reconnect delays grow from the first to the last value, then stay there. */
  reconnectDelaysMs?: readonly number[];
}

const CATCH_UP_BATCH = 1000;
/**
 * Each instance notifies after its own commit, so notifications of different instances can arrive a few
 * seqs out of order: the highest seq seen does not prove every lower one was seen. Catch-up therefore
 * starts this many seqs lower; announcing a message twice is harmless (bus.ts).
 */
const CATCH_UP_MARGIN = 1000;
const PUBLISH_ATTEMPTS = 5;
const DEFAULT_RECONNECT_DELAYS_MS = [100, 250, 500, 1000, 2000, 5000];

/** One NOTIFY payload: the headers an instance committed in one go (one batch of its appender). */
interface Notification {
  /** The publishing bus; an instance already told its own subscribers. */
  origin: string;
  headers: MessageHeader[];
}

const notificationSchema = z.object({ origin: z.string().min(1).max(64), headers: z.array(messageHeaderSchema).min(1) });

function parseNotification(payload: string | undefined): Notification | undefined {
  if (payload === undefined) return undefined;
  try {
    const parsed = notificationSchema.safeParse(JSON.parse(payload));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * PostgreSQL refuses NOTIFY payloads of 8000 bytes or more; direct headers are ~150 bytes each, a group
 * header up to ~7,200 with MAX_GROUP_MEMBERS at its highest (200, see config.ts), alone in its payload.
 */
const MAX_PAYLOAD_BYTES = 7000;

function payloads(origin: string, headers: MessageHeader[]): string[] {
  const result: string[] = [];
  let chunk: MessageHeader[] = [];
  let size = 0;
  for (const header of headers) {
    const bytes = JSON.stringify(header).length + 1;
    if (chunk.length > 0 && size + bytes > MAX_PAYLOAD_BYTES) {
      result.push(JSON.stringify({ origin, headers: chunk } satisfies Notification));
      chunk = [];
      size = 0;
    }
    chunk.push(header);
    size += bytes;
  }
  if (chunk.length > 0) result.push(JSON.stringify({ origin, headers: chunk } satisfies Notification));
  return result;
}

export class PostgresBus implements EventBus {
  private readonly origin = randomUUID();
  private readonly listeners = new Set<BusListener>();
  private readonly publisher: pg.Pool;
  private listener: pg.Client | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  /** Highest seq announced to local subscribers; catch-up after a reconnect starts a margin below it. */
  private knownSeq = 0;
  /** Published in this tick, not yet sent to the other instances. */
  private outgoing: MessageHeader[] = [];
  private sending: Promise<void> = Promise.resolve();
  private closed = false;
  private connecting: Promise<void> | undefined;

  private constructor(private readonly options: PostgresBusOptions) {
    this.publisher = new pg.Pool({ connectionString: options.url, max: 1, idleTimeoutMillis: 10_000 });
    // An idle pooled connection that dies (server restart) must not crash the process.
    this.publisher.on('error', (error) => this.options.logger?.warn({ err: describeError(error) }, 'event bus: publish connection lost'));
  }

  /** Connects and LISTENs before resolving, so nothing published after this is missed. */
  static async open(options: PostgresBusOptions): Promise<PostgresBus> {
    const bus = new PostgresBus(options);
    bus.knownSeq = await options.missed.latestSeq();
    try {
      await bus.connect();
    } catch (error) {
      await bus.close();
      throw error;
    }
    return bus;
  }

  /** True while the LISTEN connection is up (for health and tests). */
  get listening(): boolean {
    return this.listener !== undefined;
  }

  publish(header: MessageHeader): void {
    this.deliver(header);
    // The appender announces a whole committed batch in one synchronous loop: one NOTIFY for all of it.
    this.outgoing.push(header);
    if (this.outgoing.length === 1) queueMicrotask(() => this.flushOutgoing());
  }

  private flushOutgoing(): void {
    const headers = this.outgoing;
    this.outgoing = [];
    // One at a time, so that other instances hear this instance's messages in the order it committed them.
    for (const payload of payloads(this.origin, headers)) this.sending = this.sending.then(() => this.notify(payload));
  }

  subscribe(listener: BusListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    // Tell the other instances about everything committed here before going.
    this.flushOutgoing();
    await this.sending;
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    this.listeners.clear();
    const listener = this.listener;
    this.listener = undefined;
    await this.connecting?.catch(() => undefined);
    await listener?.end().catch(() => undefined);
    await this.publisher.end().catch(() => undefined);
  }

  private deliver(header: MessageHeader): void {
    if (header.seq > this.knownSeq) this.knownSeq = header.seq;
    for (const listener of [...this.listeners]) listener(header);
  }

  private async notify(payload: string): Promise<void> {
    for (let attempt = 1; attempt <= PUBLISH_ATTEMPTS && !this.closed; attempt++) {
      try {
        await this.publisher.query('SELECT pg_notify($1, $2)', [NOTIFY_CHANNEL, payload]);
        return;
      } catch (error) {
        if (attempt === PUBLISH_ATTEMPTS || this.closed) {
          // Other instances' streams pick the message up with the next notification for that user or
          // when their clients reconnect; the message itself is committed and safe.
          this.options.logger?.error({ err: describeError(error) }, 'event bus: could not notify other instances');
          return;
        }
        await new Promise((r) => setTimeout(r, this.delay(attempt - 1)));
      }
    }
  }

  private delay(failures: number): number {
    return backoffDelay(this.options.reconnectDelaysMs ?? DEFAULT_RECONNECT_DELAYS_MS, failures, 'repeat')!;
  }

  private connect(): Promise<void> {
    this.connecting = this.connectOnce().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async connectOnce(): Promise<void> {
    const client = new pg.Client({ connectionString: this.options.url, application_name: LISTENER_APPLICATION_NAME });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    client.on('notification', (message) => {
      if (message.channel !== NOTIFY_CHANNEL) return;
      const notification = parseNotification(message.payload);
      if (!notification) {
        this.options.logger?.warn('event bus: ignored a malformed notification');
        return;
      }
      if (notification.origin !== this.origin) for (const header of notification.headers) this.deliver(header);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${NOTIFY_CHANNEL}`);
    } catch (error) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.listener = client;
    // Listening again: announce whatever committed while we were deaf (nothing on the first connect).
    try {
      await this.catchUp();
    } catch (error) {
      this.lost(client, error instanceof Error ? error : new Error(String(error)));
      return;
    }
    this.failures = 0;
  }

  private async catchUp(): Promise<void> {
    let after = Math.max(0, this.knownSeq - CATCH_UP_MARGIN);
    for (;;) {
      const headers = await this.options.missed.headersAfter(after, CATCH_UP_BATCH);
      if (headers.length > 0) after = headers.at(-1)!.seq;
      for (const header of headers) this.deliver(header);
      if (headers.length < CATCH_UP_BATCH || this.closed) return;
    }
  }

  private lost(client: pg.Client, error: Error): void {
    if (this.listener !== client) return;
    this.listener = undefined;
    client.removeAllListeners('end');
    void client.end().catch(() => undefined);
    if (this.closed) return;
    this.options.logger?.warn({ err: describeError(error) }, 'event bus: listening connection lost, reconnecting');
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer) return;
    const wait = this.delay(this.failures++);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.connect().catch((error: unknown) => {
        this.options.logger?.warn({ err: describeError(error) }, 'event bus: reconnect failed');
        this.scheduleReconnect();
      });
    }, wait);
    this.reconnectTimer.unref();
  }
}
