// Core side (runs in Node, Electron main and the browser worker): read markers that follow the person from
// device to device, through the sealed account state on the server (docs/protocol.md "Read state across
// devices"). After sign-in the stored markers are fetched and merged into the index (per conversation the
// highest seq); a read on this device is marked locally at once and written back within PUSH_DELAY_MS,
// merging again when another device wrote first (409). The stored state is fetched again on reconnecting and
// when the window is seen again. Nothing here ever fails the person's own action: failures are retried or
// reported as a detail of the connection state.
import { toChatError } from '../api/errors.js';
import type { AccountStateApi, PutOutcome } from './account-state-api.js';
import { backoffDelay, withJitter } from './backoff.js';
import { isTransient } from './http-errors.js';
import { aheadOf, mergeMarkers, openReadState, sealReadState, type ReadMarkers } from './read-state.js';
import type { Session } from './session.js';

export interface ReadCursorSyncOptions {
  api: AccountStateApi;
  /** The session now, if any: work for a session that ended meanwhile is dropped. */
  current(): Session | null;
  /** Runs `run` after every other change of local state queued before it (one writer at a time). */
  exclusive<T>(run: () => Promise<T>): Promise<T>;
  /** Runs a request as the facade's own calls run (an expired token is renewed, a refused one ends the session). */
  guard<T>(run: () => Promise<T>): Promise<T>;
  /** A problem that is not an error of the person's request (shown as a detail of the connection state). */
  report(detail: string): void;
  /** Markers read on another device moved this device's on (the window's unread counts are stale). */
  merged?(): void;
  /** The newest seq the server lists for the account now (0: none). */
  newestSeq(): Promise<number>;
  clock?: () => number;
  /** How long reads are gathered before they are written (default PUSH_DELAY_MS). */
  pushDelayMs?: number;
  /** Waits between tries of a write that met a conflict or an outage. */
  retryDelaysMs?: readonly number[];
}

export const PUSH_DELAY_MS = 2_000;
const RETRY_DELAYS_MS = [500, 2_000, 5_000, 15_000, 30_000];

export const UNREADABLE_STATE =
  'The read positions saved on the server for your other devices could not be opened (they were altered or damaged); this device\'s read positions replace them.';
export const NEWER_STATE = 'Your read positions on the server were saved by a newer version of this app; update it to share them from this device again.';
const TOO_LARGE = 'The server refused your read positions as too large; they are no longer shared with your other devices from this session.';
const NOT_SHARED = 'Your read positions could not be shared with your other devices';

/** The stored state as last read or written: its markers and the version the next write must name. */
interface Remote {
  read: ReadMarkers;
  version: number;
}

export class ReadCursorSync {
  readonly #o: ReadCursorSyncOptions;
  #session: Session | null = null;
  /** Null until fetched for this session (and after a conflict, until fetched again). */
  #remote: Remote | null = null;
  /** Nothing more is written this session: the server lacks the endpoints, or a newer app's state is there. */
  #off = false;
  /** Markers of this device not yet written. */
  #dirty = false;
  #pushTimer: ReturnType<typeof setTimeout> | null = null;
  #pushing: Promise<void> | null = null;
  #fetching: Promise<void> | null = null;
  #fetchAgain = false;
  /** The wait between retries, cut short when the session stops. */
  #sleeping: { timer: ReturnType<typeof setTimeout>; wake(): void } | null = null;

  constructor(options: ReadCursorSyncOptions) {
    this.#o = options;
  }

  /**
   * After sign-in: a fresh index notes its first sign-in and the server's newest seq of that moment (what is
   * older counts as read where no device read anything), then the stored markers are merged. Never throws.
   */
  async start(s: Session): Promise<void> {
    this.stop();
    this.#session = s;
    const now = (this.#o.clock ?? Date.now)();
    const change = (run: () => void) =>
      this.#o.exclusive(async () => {
        if (this.#o.current() !== s) return;
        run();
        await s.index.save();
      });
    try {
      if (s.index.fresh) await change(() => s.index.beginFirstSignIn(now));
      if (s.index.wantsNewestSeq) {
        const newest = await this.#o.guard(() => this.#o.newestSeq());
        await change(() => s.index.newestAtFirstSignIn(newest));
      }
    } catch {
      // Without the newest seq, the first catch-up's end marks the history instead (conversation-index.ts).
    }
    await this.refresh();
  }

  /** Sign-out or close: pending timers end; what was not written yet is written at the next sign-in. */
  stop(): void {
    if (this.#pushTimer !== null) clearTimeout(this.#pushTimer);
    this.#pushTimer = null;
    if (this.#sleeping) {
      clearTimeout(this.#sleeping.timer);
      this.#sleeping.wake();
    }
    this.#session = null;
    this.#remote = null;
    this.#off = false;
    this.#dirty = false;
  }

  /** The person read something here (the index has it already): it is written within the push delay. */
  noteRead(): void {
    const s = this.#session;
    // The window marks a conversation read each time it shows its end: only a marker that moved is written.
    if (!s || (this.#remote && !aheadOf(s.index.readMarkers(), this.#remote.read))) return;
    this.#dirty = true;
    this.#schedule();
  }

  /** Fetches the stored markers and merges them; calls during a fetch fold into one more. Never throws. */
  refresh(): Promise<void> {
    const s = this.#session;
    if (!s) return Promise.resolve();
    if (this.#fetching) {
      this.#fetchAgain = true;
      return this.#fetching;
    }
    this.#fetching = (async () => {
      do {
        this.#fetchAgain = false;
        await this.#fetch(s).catch((error: unknown) => this.#failed(s, error));
      } while (this.#fetchAgain && this.#session === s);
      this.#fetching = null;
    })();
    return this.#fetching;
  }

  /** Writes what is pending now, waiting at most `limitMs` (before signing out or closing). */
  async flush(limitMs: number): Promise<void> {
    if (!this.#session || (!this.#dirty && !this.#pushing)) return;
    if (this.#pushTimer !== null) clearTimeout(this.#pushTimer);
    this.#pushTimer = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([this.#push(), new Promise<void>((resolve) => (timer = setTimeout(resolve, limitMs)))]);
    clearTimeout(timer);
  }

  #schedule(): void {
    if (this.#off || !this.#session || this.#pushTimer !== null || this.#pushing) return;
    this.#pushTimer = setTimeout(() => {
      this.#pushTimer = null;
      void this.#push();
    }, this.#o.pushDelayMs ?? PUSH_DELAY_MS);
  }

  async #fetch(s: Session): Promise<void> {
    const stored = await this.#o.guard(() => this.#o.api.get());
    if (this.#session !== s) return;
    if (stored === null) {
      this.#remote = { read: {}, version: 0 };
    } else {
      const opened = await openReadState(s.accountStateKey, s.username, stored.blob);
      if (this.#session !== s) return;
      if (opened.kind === 'newer') {
        if (!this.#off) this.#o.report(NEWER_STATE);
        this.#off = true;
        return;
      }
      if (opened.kind === 'unreadable') {
        // Said, then replaced: left as it is, it would keep every device from sharing anything.
        this.#o.report(UNREADABLE_STATE);
        this.#remote = { read: {}, version: stored.version };
        this.#dirty = true;
      } else {
        this.#remote = { read: opened.read, version: stored.version };
        const moved = await this.#o.exclusive(async () => {
          if (this.#o.current() !== s || !s.index.mergeReadMarkers(opened.read)) return false;
          await s.index.save();
          return true;
        });
        if (moved) this.#o.merged?.();
      }
    }
    if (aheadOf(s.index.readMarkers(), this.#remote.read)) this.#dirty = true;
    if (this.#dirty) this.#schedule();
  }

  /** One writer at a time; changes made while it writes are written by the same run. */
  #push(): Promise<void> {
    const s = this.#session;
    if (!s) return Promise.resolve();
    this.#pushing ??= this.#writeWhileDirty(s).finally(() => {
      this.#pushing = null;
    });
    return this.#pushing;
  }

  async #writeWhileDirty(s: Session): Promise<void> {
    let failures = 0;
    while (this.#dirty && !this.#off && this.#session === s) {
      let outcome: PutOutcome | 'failed';
      try {
        if (!this.#remote) await this.#fetch(s);
        const remote = this.#remote;
        if (this.#session !== s || this.#off) return;
        if (!remote) throw new Error('the stored state was not fetched');
        this.#dirty = false;
        const read = mergeMarkers(remote.read, s.index.readMarkers());
        const blob = await sealReadState(s.accountStateKey, s.username, read);
        outcome = await this.#o.guard(() => this.#o.api.put(blob, remote.version));
        if (outcome.kind === 'stored') {
          this.#remote = { read, version: outcome.version };
          failures = 0;
          continue;
        }
      } catch (error) {
        this.#dirty = true;
        if (!isTransient(error) && toChatError(error).info.code !== 'rate_limited') {
          this.#failed(s, error);
          return;
        }
        outcome = 'failed';
      }
      if (this.#session !== s) return;
      if (outcome !== 'failed' && outcome.kind === 'unsupported') {
        this.#off = true;
        return;
      }
      if (outcome !== 'failed' && outcome.kind === 'too_large') {
        this.#o.report(TOO_LARGE);
        this.#off = true;
        return;
      }
      // A conflict (another device wrote first: fetch, merge, write again) or an outage.
      this.#dirty = true;
      if (outcome !== 'failed') this.#remote = null;
      const wait = backoffDelay(this.#o.retryDelaysMs ?? RETRY_DELAYS_MS, failures++, 'give_up');
      // Given up for now: the next read, reconnection or look at the window tries again.
      if (wait === undefined) return;
      await this.#sleep(withJitter(wait, 0.2));
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        this.#sleeping = null;
        resolve();
      };
      this.#sleeping = { timer: setTimeout(wake, ms), wake };
    });
  }

  /** An outage passes by itself (the next fetch or write tries again); anything else is said once it happens. */
  #failed(s: Session, error: unknown): void {
    if (this.#session !== s || isTransient(error)) return;
    const e = toChatError(error);
    if (e.info.code === 'unauthorized' || e.info.code === 'rate_limited' || e.info.code === 'locked') return;
    this.#o.report(`${NOT_SHARED}: ${e.info.message}`);
  }
}
