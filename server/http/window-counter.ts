// Server side: fixed-window counters in memory, for one process (see shared-limits.ts for several).

/** Most keys one counter remembers; past it, expired entries go first, then the oldest. */
const MAX_ENTRIES = 200_000;

export interface Window {
  count: number;
  resetAt: number;
}

/** Fixed-window counters by key. */
export class WindowCounter {
  private readonly windows = new Map<string, Window>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly maxEntries = MAX_ENTRIES,
  ) {}

  /** Milliseconds until `key` may try again; 0 when it may now. */
  blockedFor(key: string, now = Date.now()): number {
    const window = this.windows.get(key);
    if (!window || window.resetAt <= now) return 0;
    return window.count >= this.limit ? window.resetAt - now : 0;
  }

  /** Counts one attempt; the returned window is what `refund` takes back from. */
  hit(key: string, now = Date.now()): Window {
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      if (window) this.windows.delete(key);
      else if (this.windows.size >= this.maxEntries) this.evict(now);
      window = { count: 0, resetAt: now + this.windowMs };
      this.windows.set(key, window);
    }
    window.count += 1;
    return window;
  }

  /** Takes one attempt back, unless its window has ended meanwhile. */
  refund(window: Window): void {
    if (window.count > 0) window.count -= 1;
  }

  get size(): number {
    return this.windows.size;
  }

  private evict(now: number): void {
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
    // Still full: forget the oldest windows (Map keeps insertion order).
    const excess = this.windows.size - Math.floor(this.maxEntries * 0.9);
    if (excess <= 0) return;
    let n = 0;
    for (const key of this.windows.keys()) {
      if (n++ >= excess) break;
      this.windows.delete(key);
    }
  }
}
