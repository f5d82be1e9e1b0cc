// GET /events: Server-Sent Events streams, grouped by user. Each stream keeps its own cursor (the last seq
// it sent), but a user's streams are read together: when the bus says the user may have news (or a
// stream resumes with Last-Event-ID), one read of the user's messages after the lowest cursor of the
// group serves every stream of the group, and each event is serialized once and written to every stream
// that has not sent it yet. Pokes that arrive in the same tick (a committed batch announces each of its
// messages in one synchronous loop, and a group message pokes every member) make one read for all the
// users poked, however many streams each has open.
//
// A stream belongs to the session its token named: every SESSION_SWEEP_MS one query over all open streams'
// sessions ends those whose session was ended (signed out, revoked from another device, a password change, the
// operator) on any instance, so the device learns at once — its reconnection is refused — not at its next send.
//
// Limits: a user holds at most STREAMS_PER_USER streams (opening one more ends the user's oldest, which
// loses nothing: a client that still wants it reconnects with Last-Event-ID) and a client address at
// most STREAMS_PER_ADDRESS (beyond it: 429 rate_limited with Retry-After).
import type { Request, Response } from 'express';
import type { AnyMessageHeader } from '../../core/protocol/schemas-v2.js';
import { callerSession, requireCaller } from '../auth/authenticate.js';
import { liveSessions } from '../auth/sessions.js';
import type { Database } from '../db/database.js';
import { ApiError } from '../http/errors.js';
import { latestSeq, messagesAfter, messagesAfterFor } from '../messages/query.js';
import type { EventBus } from './bus.js';

const READ_BATCH = 500;
/** Default STREAM_BUFFER_LIMIT: bytes a stream may have waiting in Node, on top of the kernel's socket buffer. */
const MAX_BUFFERED_BYTES = 1024 * 1024;
/** What a client over STREAMS_PER_ADDRESS is told to wait, in seconds. */
const STREAMS_RETRY_AFTER_SECONDS = 30;
/** How often open streams' sessions are checked (at most: the heartbeat interval when it is shorter). */
const SESSION_SWEEP_MS = 5_000;
const SWEEP_CHUNK = 500;

export interface StreamLimits {
  perUser: number;
  perAddress: number;
  /** Bytes a stream may have waiting unsent before it is cut (STREAM_BUFFER_LIMIT). */
  maxBufferedBytes?: number;
}

class EventStream {
  /** The last seq sent; meaningful once `ready`. */
  cursor = 0;
  /** Has its starting cursor and its response headers: the group may write to it. */
  ready = false;
  /** The group was poked before this stream was ready; it must look again once ready. */
  missedPoke = false;
  closed = false;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    readonly res: Response,
    readonly address: string,
    readonly session: { id: string; generation: number },
    private readonly onClose: (stream: EventStream) => void,
    private readonly maxBufferedBytes = MAX_BUFFERED_BYTES,
  ) {
    res.on('close', () => this.close());
  }

  open(cursor: number, heartbeatMs: number): void {
    this.cursor = cursor;
    this.res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    this.res.write(': connected\n\n');
    this.heartbeat = setInterval(() => {
      this.res.write(': heartbeat\n\n');
      this.dropIfStalled();
    }, heartbeatMs);
    this.heartbeat.unref();
    this.ready = true;
  }

  /** Writes an already serialized event unless this stream sent it (or a later one) before. */
  send(seq: number, event: string): void {
    if (this.closed || seq <= this.cursor) return;
    this.res.write(event);
    this.cursor = seq;
  }

  /**
   * A client that stops reading would make the server buffer without end; drop it instead. It loses
   * nothing: it reconnects with Last-Event-ID and gets the rest from the database. The socket is destroyed,
   * not ended: an end would wait for the buffer to drain, which a client that keeps its window shut never lets
   * happen.
   */
  dropIfStalled(): void {
    if (!this.closed && this.res.writableLength > this.maxBufferedBytes) this.close();
  }

  end(comment?: string): void {
    // Before its headers went out a stream is only dropped (close() destroys the response).
    if (!this.closed && this.ready) {
      if (comment !== undefined) this.res.write(`: ${comment}\n\n`);
      this.res.end();
    }
    this.close();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    // A client that went away may leave its socket half open; do not keep it.
    if (!this.res.writableEnded) this.res.destroy();
    clearInterval(this.heartbeat);
    this.onClose(this);
  }
}

/** Where a read of one user's streams starts: the streams ready now, and the lowest of their cursors. */
interface ReadStart {
  live: EventStream[];
  from: number;
}

/** One user's open streams, oldest first, and the reads that serve them all. */
class UserStreams {
  readonly streams: EventStream[] = [];
  /** A read of this user's messages is running (alone, or in a batch with others). */
  reading = false;
  /** Poked during that read: look again once it ends. */
  again = false;

  constructor(
    private readonly db: Database,
    readonly username: string,
    private readonly schedule: (user: UserStreams) => void,
  ) {}

  add(stream: EventStream): void {
    this.streams.push(stream);
  }

  remove(stream: EventStream): void {
    const i = this.streams.indexOf(stream);
    if (i !== -1) this.streams.splice(i, 1);
  }

  /** Something may be new: read once, soon; pokes in the same tick or during a read add one read at most. */
  poke(): void {
    for (const stream of this.streams) if (!stream.ready) stream.missedPoke = true;
    if (this.reading) {
      this.again = true;
      return;
    }
    this.schedule(this);
  }

  /**
   * Starts a read, or null when no stream is ready. Only streams ready now take part: one that becomes ready
   * during the read may have a lower cursor than this read starts from; its own poke brings it into the next.
   */
  begin(): ReadStart | null {
    this.again = false;
    const live = this.streams.filter((s) => s.ready && !s.closed);
    if (live.length === 0) return null;
    this.reading = true;
    return { live, from: Math.min(...live.map((s) => s.cursor)) };
  }

  /** Each event serialized once and written to every stream that has not sent it yet. */
  deliver(start: ReadStart, headers: readonly AnyMessageHeader[]): void {
    for (const header of headers) {
      const event = `id: ${header.seq}\nevent: message\ndata: ${JSON.stringify(header)}\n\n`;
      for (const stream of start.live) stream.send(header.seq, event);
    }
    for (const stream of start.live) stream.dropIfStalled();
  }

  /** Reads this user's messages alone, batch after batch, until none is left. */
  async readAlone(first: ReadStart): Promise<void> {
    let start: ReadStart | null = first;
    while (start) {
      const headers = await messagesAfter(this.db, this.username, start.from, READ_BATCH);
      this.deliver(start, headers);
      if (headers.length < READ_BATCH && !this.again) return;
      start = this.begin();
    }
  }

  /** The database failed under us; ending the streams makes the clients reconnect with Last-Event-ID. */
  fail(): void {
    for (const stream of [...this.streams]) if (stream.ready) stream.end();
  }

  end(): void {
    this.reading = false;
    if (this.again) this.poke();
  }
}

export class EventStreams {
  private readonly byUser = new Map<string, UserStreams>();
  /** Users poked in this tick: read together once the tick ends. */
  private readonly poked = new Set<UserStreams>();
  private scheduled = false;
  private readonly byAddress = new Map<string, number>();
  private total = 0;
  private unsubscribe: (() => void) | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private sweeping = false;

  constructor(
    private readonly db: Database,
    private readonly bus: EventBus,
    private readonly heartbeatMs: number,
    private readonly limits: StreamLimits = { perUser: 10, perAddress: 50 },
  ) {}

  get count(): number {
    return this.total;
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
    const address = req.ip ?? req.socket.remoteAddress ?? '';
    if ((this.byAddress.get(address) ?? 0) >= this.limits.perAddress) {
      res.setHeader('Retry-After', String(STREAMS_RETRY_AFTER_SECONDS));
      throw new ApiError('rate_limited', `too many event streams from this address. Try again in ${STREAMS_RETRY_AFTER_SECONDS} seconds.`);
    }
    const group = this.groupOf(username);
    while (group.streams.length >= this.limits.perUser) group.streams[0]!.end('closed: this user opened too many event streams');

    const stream = new EventStream(res, address, callerSession(res), (s) => this.forget(username, s), this.limits.maxBufferedBytes);
    this.sweeper ??= setInterval(() => void this.sweepSessions(), Math.min(SESSION_SWEEP_MS, this.heartbeatMs));
    this.sweeper.unref();
    group.add(stream);
    this.total++;
    this.byAddress.set(address, (this.byAddress.get(address) ?? 0) + 1);
    // The group listens already, so nothing committed while the starting point is read is missed: a
    // poke meanwhile sets missedPoke and the stream looks again once it has its cursor.
    let cursor: number;
    try {
      cursor = resumeAfter ?? (await latestSeq(this.db));
    } catch (error) {
      stream.end();
      throw error;
    }
    if (stream.closed) return;
    stream.open(cursor, this.heartbeatMs);
    if (resumeAfter !== undefined || stream.missedPoke) group.poke();
  };

  /** Ends every stream (shutdown); clients reconnect elsewhere with Last-Event-ID. */
  endAll(): void {
    for (const group of [...this.byUser.values()]) for (const stream of [...group.streams]) stream.end();
  }

  /** Ends the streams whose session ended (or whose tokens were revoked by a new generation). */
  async sweepSessions(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      const open = [...this.byUser.values()].flatMap((g) => g.streams).filter((s) => !s.closed);
      const ids = [...new Set(open.map((s) => s.session.id))];
      const alive = new Map<string, number>();
      for (let i = 0; i < ids.length; i += SWEEP_CHUNK) {
        for (const row of await liveSessions(this.db, ids.slice(i, i + SWEEP_CHUNK))) alive.set(row.id, row.generation);
      }
      for (const stream of open) {
        if (alive.get(stream.session.id) !== stream.session.generation) stream.end('closed: this session was ended');
      }
    } catch {
      // The database did not answer: the next sweep tries again; streams stay as they are meanwhile.
    } finally {
      this.sweeping = false;
    }
  }

  private schedule = (user: UserStreams): void => {
    this.poked.add(user);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const batch = [...this.poked];
      this.poked.clear();
      void this.read(batch);
    });
  };

  /**
   * One read for every user poked in the same tick (a group message pokes all its members at once): their
   * messages after the lowest of their cursors. A batch that fills the read limit (someone far behind) is
   * read again user by user.
   */
  private async read(batch: UserStreams[]): Promise<void> {
    const starts: Array<[UserStreams, ReadStart]> = [];
    for (const user of batch) {
      if (user.reading) user.again = true;
      else {
        const start = user.begin();
        if (start) starts.push([user, start]);
      }
    }
    await Promise.all(
      (starts.length === 1 ? starts : []).map(async ([user, start]) => {
        try {
          await user.readAlone(start);
        } catch {
          user.fail();
        } finally {
          user.end();
        }
      }),
    );
    if (starts.length < 2) return;
    try {
      const from = Math.min(...starts.map(([, s]) => s.from));
      const rows = await messagesAfterFor(this.db, starts.map(([u]) => u.username), from, READ_BATCH);
      if (rows.length >= READ_BATCH) {
        for (const [user, start] of starts) await user.readAlone(start).catch(() => user.fail());
      } else {
        for (const [user, start] of starts) user.deliver(start, rows.filter((r) => r.reader === user.username && r.header.seq > start.from).map((r) => r.header));
      }
    } catch {
      for (const [user] of starts) user.fail();
    } finally {
      for (const [user] of starts) user.end();
    }
  }

  private groupOf(username: string): UserStreams {
    let group = this.byUser.get(username);
    if (!group) {
      group = new UserStreams(this.db, username, this.schedule);
      this.byUser.set(username, group);
      this.unsubscribe ??= this.bus.subscribe((header) => {
        const participants = 'group' in header ? [header.sender, ...header.recipients] : [header.sender, header.recipient];
        for (const name of new Set(participants)) this.byUser.get(name)?.poke();
      });
    }
    return group;
  }

  private forget(username: string, stream: EventStream): void {
    this.total--;
    const left = (this.byAddress.get(stream.address) ?? 1) - 1;
    if (left > 0) this.byAddress.set(stream.address, left);
    else this.byAddress.delete(stream.address);
    const group = this.byUser.get(username);
    if (!group) return;
    group.remove(stream);
    if (group.streams.length === 0) {
      this.byUser.delete(username);
      if (this.byUser.size === 0) {
        this.unsubscribe?.();
        this.unsubscribe = undefined;
        clearInterval(this.sweeper);
        this.sweeper = undefined;
      }
    }
  }
}
