// Test support (Node): the load of the failure soaks — real ChatClients (the core client, as the apps run it)
// behind the round-robin proxy, each sending to the others without pause and retrying an unanswered message
// with the same id until the server answers it (as an app with an outbox does), and a tally of what each
// client's event stream and catch-up delivered, by id.
import { toChatErrorInfo } from '../../core/api/errors.js';
import { ChatClient } from '../../core/client/chat-client.js';
import { MemoryStore } from '../../core/client/store.js';
import { registerFixture } from '../../core/test-fixtures/accounts.js';
import { until } from '../../core/test-fixtures/waiting.js';

const PASSWORD = 'a fine soak password 1';
const KEYS = ['alice', 'bob', 'carol'] as const;
/** The pause between two sends of one client, and before retrying a send whose retries ran out. */
const SEND_PAUSE_MS = 100;
const RETRY_PAUSE_MS = 500;

export interface Acked {
  sender: string;
  recipient: string;
  at: number;
}

export interface Failure {
  at: number;
  code: string;
  message: string;
}

export interface SoakUser {
  name: string;
  client: ChatClient;
  /** Ids of messages announced to this client (live event or catch-up), with how often each was announced. */
  delivered: Map<string, number>;
  /** Times the live stream went from online to offline and back, as [lost at, online again at]. */
  outages: Array<[number, number | null]>;
  online: boolean;
  /** What the live connection reported besides its state (e.g. an event that could not be recorded). */
  notes: string[];
}

export class ChatLoad {
  readonly users: SoakUser[] = [];
  readonly acked = new Map<string, Acked>();
  /** Failed attempts of client.send (each after the client's own automatic retries ran out). */
  readonly failures: Failure[] = [];
  /** When each send was answered, in order: the gap between two is what the people saw. */
  readonly answeredAt: number[] = [];
  #sending = false;
  #loops: Array<Promise<void>> = [];

  /** Registers `count` people (fixture keys, so no RSA key is generated) and signs each in through `url`, live. */
  async signIn(url: string, count: number, prefix: string): Promise<void> {
    const names = Array.from({ length: count }, (_, i) => `${prefix}${i}`);
    for (const [i, name] of names.entries()) await registerFixture(url, KEYS[i % KEYS.length]!, name, PASSWORD);
    for (const name of names) {
      // The client's own retry and reconnection delays, as shipped.
      const client = new ChatClient({ serverUrl: url, store: new MemoryStore() });
      const user: SoakUser = { name, client, delivered: new Map(), outages: [], online: false, notes: [] };
      client.onEvent((event) => {
        if (event.type === 'message') user.delivered.set(event.message.id, (user.delivered.get(event.message.id) ?? 0) + 1);
        if (event.type !== 'connection') return;
        if (event.detail !== null) user.notes.push(`${new Date().toISOString()} ${event.state}: ${event.detail}`);
        if (event.state === 'online' && !user.online) {
          user.online = true;
          const last = user.outages.at(-1);
          if (last && last[1] === null) last[1] = Date.now();
        } else if (event.state !== 'online' && user.online) {
          user.online = false;
          user.outages.push([Date.now(), null]);
        }
      });
      await client.login({ username: name, password: PASSWORD });
      await client.startLive();
      this.users.push(user);
    }
    await until(() => this.users.every((u) => u.online), 'every client’s live stream to open', 30_000);
  }

  /** Every client sends to the others in turn, until stop(). */
  start(): void {
    this.#sending = true;
    this.#loops = this.users.map((user, i) => this.#sendLoop(user, i));
  }

  /** Stops starting new messages; resolves once every message started was answered. */
  async stop(): Promise<void> {
    this.#sending = false;
    await Promise.all(this.#loops);
  }

  async #sendLoop(user: SoakUser, index: number): Promise<void> {
    const others = this.users.filter((u) => u !== user);
    for (let n = 0; this.#sending; n++) {
      const recipient = others[(index + n) % others.length]!;
      const id = user.client.newMessageId();
      const text = `soak ${user.name} → ${recipient.name} #${n}`;
      // An unanswered message is sent again, same id and text: the outbox re-posts the very same sealed bytes.
      for (;;) {
        try {
          await user.client.send({ conversation: recipient.name, text, id });
          const at = Date.now();
          this.acked.set(id, { sender: user.name, recipient: recipient.name, at });
          this.answeredAt.push(at);
          break;
        } catch (error) {
          const info = toChatErrorInfo(error);
          this.failures.push({ at: Date.now(), code: info.code, message: info.message });
          if (info.code !== 'server_error' && info.code !== 'server_unreachable') throw error;
          await sleep(RETRY_PAUSE_MS);
        }
      }
      await sleep(SEND_PAUSE_MS);
    }
  }

  /** Waits until every answered message was announced to its recipient (and to its sender's own client). */
  async delivered(timeoutMs: number): Promise<void> {
    const byName = new Map(this.users.map((u) => [u.name, u]));
    const missing = () => {
      const lost: string[] = [];
      for (const [id, m] of this.acked) {
        for (const who of [m.recipient, m.sender]) {
          if (!byName.get(who)!.delivered.has(id)) lost.push(`${who} lacks ${id} (${m.sender} → ${m.recipient}, answered ${new Date(m.at).toISOString()})`);
        }
      }
      return lost;
    };
    const notes = () => this.users.flatMap((u) => u.notes.map((n) => `${u.name} ${n}`)).slice(-40);
    await until(
      () => missing().length === 0,
      () => `every answered message to reach its recipient and sender; missing:\n${missing().slice(0, 20).join('\n')}\nconnection notes:\n${notes().join('\n')}`,
      timeoutMs,
    );
  }

  /** The longest stretch with no send answered, within [from, to]. */
  longestSilence(from: number, to: number): number {
    const times = [from, ...this.answeredAt.filter((t) => t >= from && t <= to), to];
    let longest = 0;
    for (let i = 1; i < times.length; i++) longest = Math.max(longest, times[i]! - times[i - 1]!);
    return longest;
  }

  /** Delivery counts of every answered message: per recipient and per sender, each must be exactly 1. */
  deliveryCounts(): { duplicates: string[]; unexpected: string[]; deliveries: number } {
    const duplicates: string[] = [];
    const unexpected: string[] = [];
    let deliveries = 0;
    for (const user of this.users) {
      for (const [id, times] of user.delivered) {
        const m = this.acked.get(id);
        if (!m || (m.recipient !== user.name && m.sender !== user.name)) unexpected.push(`${user.name}: ${id}`);
        if (times !== 1) duplicates.push(`${user.name}: ${id} ×${times}`);
        if (m?.recipient === user.name) deliveries += times;
      }
    }
    return { duplicates, unexpected, deliveries };
  }

  async close(): Promise<void> {
    this.#sending = false;
    await Promise.allSettled(this.#loops);
    await Promise.all(this.users.map((u) => u.client.close()));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
