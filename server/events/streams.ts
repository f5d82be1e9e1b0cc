// GET /events: one Server-Sent Events stream per connection. Each stream keeps its own cursor (the last
// seq it sent) and, whenever the bus says the user may have news or the client resumes with
// Last-Event-ID, reads the user's messages after the cursor from the database, in seq order.
import type { Request, Response } from 'express';
import { requireCaller } from '../auth/authenticate.js';
import type { Database } from '../db/database.js';
import { ApiError } from '../http/errors.js';
import { latestSeq, messagesAfter } from '../messages/query.js';
import type { EventBus } from './bus.js';

const READ_BATCH = 500;
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

class EventStream {
  private cursor = 0;
  private reading = false;
  private again = false;
  private closed = false;
  private heartbeat: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly db: Database,
    private readonly username: string,
    private readonly res: Response,
    private readonly onClose: (stream: EventStream) => void,
  ) {}

  async start(bus: EventBus, heartbeatMs: number, resumeAfter: number | undefined): Promise<void> {
    // Listen before reading the starting point, so nothing committed in between is missed.
    this.unsubscribe = bus.subscribe((header) => {
      if (header.sender === this.username || header.recipient === this.username) this.poke();
    });
    this.res.on('close', () => this.close());
    try {
      this.cursor = resumeAfter ?? (await latestSeq(this.db));
    } catch (error) {
      this.close();
      throw error;
    }
    if (this.closed) return;
    this.res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    this.res.write(': connected\n\n');
    this.heartbeat = setInterval(() => this.res.write(': heartbeat\n\n'), heartbeatMs);
    this.heartbeat.unref();
    if (resumeAfter !== undefined) this.poke();
  }

  /** Reads and sends everything after the cursor; calls during a read make it look once more. */
  poke(): void {
    if (this.closed) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = true;
    void this.read().finally(() => {
      this.reading = false;
    });
  }

  private async read(): Promise<void> {
    try {
      for (;;) {
        this.again = false;
        const headers = await messagesAfter(this.db, this.username, this.cursor, READ_BATCH);
        if (this.closed) return;
        for (const header of headers) {
          this.res.write(`id: ${header.seq}\nevent: message\ndata: ${JSON.stringify(header)}\n\n`);
          this.cursor = header.seq;
        }
        // A client that stops reading would make the server buffer without end; drop it instead. It
        // loses nothing: it reconnects with Last-Event-ID and gets the rest from the database.
        if (this.res.writableLength > MAX_BUFFERED_BYTES) {
          this.end();
          return;
        }
        if (headers.length < READ_BATCH && !this.again) return;
      }
    } catch {
      // The database failed under us; ending the stream makes the client reconnect with Last-Event-ID.
      this.end();
    }
  }

  end(): void {
    if (!this.closed) this.res.end();
    this.close();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    // A client that went away may leave its socket half open; do not keep it.
    if (!this.res.writableEnded) this.res.destroy();
    clearInterval(this.heartbeat);
    this.unsubscribe?.();
    this.onClose(this);
  }
}

export class EventStreams {
  private readonly open = new Set<EventStream>();

  constructor(
    private readonly db: Database,
    private readonly bus: EventBus,
    private readonly heartbeatMs: number,
  ) {}

  get count(): number {
    return this.open.size;
  }

  handle = async (req: Request, res: Response): Promise<void> => {
    const username = requireCaller(res);
    const lastEventId = req.headers['last-event-id'];
    let resumeAfter: number | undefined;
    if (lastEventId !== undefined) {
      if (typeof lastEventId !== 'string' || !/^(0|[1-9][0-9]{0,14})$/.test(lastEventId)) {
        throw new ApiError('invalid_request', 'Last-Event-ID: must be the seq of the last event received');
      }
      resumeAfter = Number(lastEventId);
    }
    if (req.method === 'HEAD') {
      res.status(200).type('text/event-stream').end();
      return;
    }
    const stream = new EventStream(this.db, username, res, (s) => this.open.delete(s));
    this.open.add(stream);
    await stream.start(this.bus, this.heartbeatMs, resumeAfter);
  };

  /** Ends every stream (shutdown); clients reconnect elsewhere with Last-Event-ID. */
  endAll(): void {
    for (const stream of [...this.open]) stream.end();
  }
}
