// CLI side: how many messages a reconnection of `watch` fetched. The client core announces each message the
// catch-up after a reconnection delivers, in seq order, but not when that catch-up ends; so at the reconnection
// the newest seq the server lists is asked for, and the count is done once the messages delivered reach it:
// every message after the last one seen before the loss, up to that seq, was missed. Messages that come live
// after the reconnection have higher seqs and are not counted.

interface Round {
  /** The highest seq delivered before the connection was lost. */
  baseline: number;
  /** The newest seq the server listed at the reconnection; null until it answered. */
  newest: number | null;
  finish(count: number | null): void;
}

/** How long a reconnection's count waits for its catch-up (a message the core dropped never arrives). */
const ROUND_LIMIT_MS = 30_000;

export class MissedMessages {
  #highest = 0;
  /** Set while the connection is lost: the highest seq delivered before. */
  #baseline: number | null = null;
  /** The seqs delivered since the connection was lost. */
  #sinceLoss: number[] = [];
  #round: Round | null = null;

  /** A message was delivered (live, or by a catch-up). */
  delivered(seq: number): void {
    if (this.#baseline !== null) this.#sinceLoss.push(seq);
    this.#highest = Math.max(this.#highest, seq);
    this.#settle();
  }

  /**
   * The connection was lost. True when it was lost again before a reconnection's catch-up was counted: that
   * reconnection did not hold, and the next one counts from the first loss.
   */
  lost(): boolean {
    this.#baseline ??= this.#highest;
    const round = this.#round;
    this.#round = null;
    round?.finish(null);
    return round !== null;
  }

  /**
   * The connection is back: the number of missed messages its catch-up fetched, once it has; null when the
   * connection was lost again before. `newestSeq` asks the server for the newest seq it lists (0: none).
   */
  reconnected(newestSeq: () => Promise<number>): Promise<number | null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => settleNow(), ROUND_LIMIT_MS);
      (timer as { unref?: () => void }).unref?.();
      const round: Round = {
        baseline: this.#baseline ?? this.#highest,
        newest: null,
        finish: (count) => {
          clearTimeout(timer);
          resolve(count);
        },
      };
      const settleNow = () => {
        if (this.#round !== round) return;
        round.newest = Math.min(round.newest ?? this.#highest, this.#highest);
        this.#settle();
      };
      this.#round = round;
      newestSeq().then(
        (newest) => {
          if (this.#round !== round) return;
          round.newest = newest;
          this.#settle();
        },
        // Without the server's answer, what the catch-up delivered by now is the count.
        settleNow,
      );
    });
  }

  #settle(): void {
    const round = this.#round;
    if (round === null || round.newest === null || this.#highest < round.newest) return;
    const { baseline, newest } = round;
    const count = this.#sinceLoss.filter((seq) => seq > baseline && seq <= newest).length;
    this.#round = null;
    this.#baseline = null;
    this.#sinceLoss = [];
    round.finish(count);
  }
}
