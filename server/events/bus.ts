// What live streams listen to. A published header only means "this user may have new messages: look
// again"; streams read the messages themselves from the database after their own cursor. That keeps a
// bus trivial to implement across instances (e.g. PostgreSQL LISTEN/NOTIFY carrying the header): a lost,
// repeated or reordered notification cannot lose, repeat or reorder an event.
import type { AnyMessageHeader as MessageHeader } from '../../core/protocol/schemas-v2.js';

export type BusListener = (header: MessageHeader) => void;

export interface EventBus {
  /** Announces a committed message to every subscriber (of every instance sharing the database). */
  publish(header: MessageHeader): void;
  /** Listens for announcements; returns the function that stops listening. */
  subscribe(listener: BusListener): () => void;
  /** Releases whatever the bus holds (connections, timers). */
  close(): Promise<void>;
}

/** The bus of a single server process. */
export class InProcessBus implements EventBus {
  private readonly listeners = new Set<BusListener>();

  publish(header: MessageHeader): void {
    for (const listener of [...this.listeners]) listener(header);
  }

  subscribe(listener: BusListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}
