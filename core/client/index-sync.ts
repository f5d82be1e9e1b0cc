// Core side (runs in Node, Electron main and the browser worker): the conversation index brought up to date by
// catch-up and live events, its cursor moved only to seqs the server's own records confirm.
import { MAX_PAGE_LIMIT } from '../protocol/constants.js';
import { messageHeaderSchema } from '../protocol/schemas.js';
import { ChatError, toChatError } from '../api/errors.js';
import type { MessageHeaderView } from '../api/view.js';
import type { ListedMessage } from '../protocol/schemas-v2.js';
import { isDirect, sameGroupHeader, sameHeader, type Listings } from './listings.js';
import type { ServerApi } from './server-api.js';
import type { CurrentSession, Session } from './session.js';

export interface IndexSyncOptions {
  api: ServerApi;
  listings: Listings;
  session: CurrentSession;
  /** The session now, if any: a session that ended meanwhile gets no more writes. */
  current(): Session | null;
  /** Runs `run` after every other change of local state queued before it (one writer at a time). */
  exclusive<T>(run: () => Promise<T>): Promise<T>;
  announce(message: MessageHeaderView): void;
  /** A sync problem that is not an error of the caller's request. */
  report(detail: string): void;
}

/** Entries of a catch-up page tried from its end before the page is given up (each costs one fetch). */
const CONFIRM_TRIES = 3;
const STALLED_SYNC = 'The server kept sending messages already seen; stopped syncing.';

export class IndexSync {
  readonly #options: IndexSyncOptions;
  /**
   * A live event could not be recorded (fetching its record failed: the server or its database was away). The
   * next event must not move the cursor past it, so it catches up from the cursor instead.
   */
  #eventMissed = false;

  constructor(options: IndexSyncOptions) {
    this.#options = options;
  }

  /** Fetches everything after the cursor into the index; with `announce`, new messages become events. */
  async sync(announce: boolean): Promise<void> {
    const s = this.#options.session();
    let rewound = false;
    for (;;) {
      const before = s.index.cursor;
      let page: ListedMessage[];
      try {
        page = await this.#options.listings.listAll({ after: before, order: 'asc', limit: MAX_PAGE_LIMIT });
      } catch (error) {
        // A cursor the server refuses is not looped on: sync again from the start, once.
        if (before > 0 && !rewound && toChatError(error).info.code === 'invalid_input') {
          rewound = true;
          await this.#rewind(s, 0);
          continue;
        }
        throw error;
      }
      const dropped = await this.#options.exclusive(() => this.#deliver(s, page, announce));
      if (dropped > 0) this.#options.report(`The server listed ${dropped} message${dropped === 1 ? '' : 's'} it could not show as listed; ignored.`);
      if (page.length < MAX_PAGE_LIMIT) {
        if (page.length === 0 && before > 0 && !rewound && (await this.#cursorBeyondServer(s, before))) {
          rewound = true;
          continue;
        }
        await this.#caughtUp(s);
        return;
      }
      if (s.index.cursor <= before) throw new ChatError('protocol_violation', STALLED_SYNC);
    }
  }

  /** A live event: recorded once its record confirms it, else dropped with a reason. */
  async deliverEvent(s: Session, header: ListedMessage): Promise<void> {
    if (this.#options.current() !== s || header.seq <= s.index.cursor) return;
    this.#options.listings.note(header, undefined);
    let dropped: number;
    try {
      if (this.#eventMissed) {
        const unconfirmed = await this.#catchUpFromEvent(s);
        if (unconfirmed > 0) this.#options.report(`The server listed ${unconfirmed} message${unconfirmed === 1 ? '' : 's'} it could not show as listed; ignored.`);
        return;
      }
      dropped = await this.#deliver(s, [header], true);
    } catch (error) {
      this.#eventMissed = true;
      throw error;
    }
    if (dropped > 0) {
      throw new ChatError('protocol_violation', 'The server announced a message whose record does not match the announcement; it was ignored.');
    }
  }

  /** After a missed event: what the server lists after the cursor, as sync() would (this runs inside exclusive). */
  async #catchUpFromEvent(s: Session): Promise<number> {
    let dropped = 0;
    for (;;) {
      const before = s.index.cursor;
      const page = await this.#options.listings.listAll({ after: before, order: 'asc', limit: MAX_PAGE_LIMIT });
      dropped += await this.#deliver(s, page, true);
      if (page.length < MAX_PAGE_LIMIT || s.index.cursor <= before) break;
    }
    this.#eventMissed = false;
    return dropped;
  }

  /**
   * A stored cursor above the server's newest (confirmed) message cannot be the server's: it was poisoned, or
   * the server was restored from a backup. Rewinds the cursor when so; true then.
   */
  async #cursorBeyondServer(s: Session, cursor: number): Promise<boolean> {
    const [newest] = await this.#options.listings.listAll({ order: 'desc', limit: 1 });
    if (newest && (newest.seq >= cursor || !(await this.#confirm(newest)))) return false;
    await this.#rewind(s, newest?.seq ?? 0);
    this.#options.report('The saved sync position was ahead of the server; syncing again from the start.');
    return true;
  }

  /** The history a fresh device found at its first sign-in ends here (conversation-index.ts, firstSignIn). */
  async #caughtUp(s: Session): Promise<void> {
    await this.#options.exclusive(async () => {
      if (this.#options.current() === s && s.index.caughtUp()) await s.index.save();
    });
  }

  async #rewind(s: Session, highestKnown: number): Promise<void> {
    await this.#options.exclusive(async () => {
      if (this.#options.current() !== s) return;
      s.index.rewind(highestKnown);
      await s.index.save();
    });
  }

  /**
   * Records headers in seq order (skipping what is already known) and announces the new ones. The cursor moves
   * only to a seq the server's record confirms: the last new entry is fetched (then the one before, up to
   * CONFIRM_TRIES) and must carry the same fields. Returns how many new entries were dropped.
   */
  async #deliver(s: Session, headers: ListedMessage[], announce: boolean): Promise<number> {
    if (this.#options.current() !== s) return 0;
    const fresh = headers.filter((h) => h.seq > s.index.cursor).sort((a, b) => a.seq - b.seq);
    if (fresh.length === 0) return 0;
    let confirmed = -1;
    for (let i = fresh.length - 1; i >= 0 && fresh.length - 1 - i < CONFIRM_TRIES; i--) {
      if (await this.#confirm(fresh[i]!)) {
        confirmed = i;
        break;
      }
    }
    if (this.#options.current() !== s) return 0;
    const recorded = fresh.slice(0, confirmed + 1).filter((h) => s.index.record(h, s.username));
    if (recorded.length > 0) {
      await s.index.save();
      for (const h of recorded) this.#options.listings.page(h, s.username);
      if (announce) for (const h of recorded) this.#options.announce(this.#options.listings.view(h, s.username));
    }
    return fresh.length - (confirmed + 1);
  }

  /** True when GET /messages/{id} shows a record with exactly this header. */
  async #confirm(header: ListedMessage): Promise<boolean> {
    const found = await this.#options.api.messageRecord(header.id);
    if (found === null) return false;
    if (!isDirect(header)) return sameGroupHeader(header, found.data);
    const record = messageHeaderSchema.safeParse(found.data);
    return record.success && sameHeader(record.data, header);
  }
}
