// Core side (runs anywhere): this device's watch over the server's key log (PROTOCOL.md "Key transparency",
// the five client duties): the log key pinned at first contact (1), the newest verified head kept and every
// other head checked against it (2), a contact's key taken only with a proof of its exact entry (3), the whole
// log read and its root recomputed after sign-in and hourly (4), and the heads inside messages (5). What it
// finds is an alarm, kept on this device until the person deals with it.
import { z } from 'zod';
import { fingerprint, formatFingerprint } from '../crypto/fingerprint.js';
import { importPublicKey } from '../crypto/rsa.js';
import { decodeBase64, encodeBase64 } from '../protocol/base64.js';
import { entryLeafHash, verifyTreeHead, type LogEntry, type SignedTreeHead } from '../keylog/entries.js';
import { checkContactKey, checkHead, LogMonitor, type MonitorMemory } from '../keylog/client-checks.js';
import { sameHash } from '../keylog/merkle.js';
import { RightEdge } from '../keylog/right-edge.js';
import { toChatError } from '../api/errors.js';
import type { KeyLogAlarm, KeyLogAlarmKind, KeyLogView } from '../api/view.js';
import { ENTRIES_PAGE, type KeyLogApi } from './key-log-api.js';
import type { CurrentSession, Session } from './session.js';
import type { KeyValueStore } from './store.js';

/** How long a keyIndex beyond the newest head is given to show up in a head (rule 3). */
export const NEW_ENTRY_WAIT_MS = 5_000;
/** Rule 4: at least hourly while signed in. */
export const MONITOR_INTERVAL_MS = 60 * 60 * 1000;
const MAX_EVIDENCE = 6;

/**
 * A server that answers a proof it must give with a refusal (not an outage, a rate limit or an ended session)
 * is hiding something: the fork alarm ("a server that refuses a proof it must give … raises the same alarm").
 */
function isRefusal(error: unknown): boolean {
  return ['not_found', 'invalid_input', 'forbidden', 'protocol_violation', 'gone'].includes(toChatError(error).info.code);
}

export type KeyConfirmation = { state: 'confirmed'; index: number } | { state: 'unavailable' } | { state: 'refused'; reason: string };

const logKeySchema = z.object({ publicKey: z.string(), fingerprint: z.string() });
const keptHeadSchema = z.object({ size: z.number(), root: z.string(), timestamp: z.string(), signature: z.string() });
const stateSchema = z.object({
  logKey: logKeySchema.nullable(),
  /** A different log key the server shows now; refused until the person accepts it. */
  offeredKey: logKeySchema.nullable(),
  head: keptHeadSchema.nullable(),
  evidence: z.array(keptHeadSchema),
  edge: z.array(z.object({ start: z.number(), end: z.number(), hash: z.string() })),
  monitor: z.object({ next: z.number(), keyEntries: z.record(z.string(), z.number()), deleted: z.array(z.string()) }),
  confirmed: z.record(z.string(), z.object({ publicKey: z.string(), index: z.number() })),
  alarms: z.array(
    z.object({
      id: z.string(),
      kind: z.enum(['missing_key', 'fork', 'own_name', 'other_name', 'log_key_changed', 'bad_head', 'stale']),
      username: z.string().nullable(),
      message: z.string(),
      raisedAt: z.number(),
    }),
  ),
});
type State = z.infer<typeof stateSchema>;

const fresh = (): State => ({ logKey: null, offeredKey: null, head: null, evidence: [], edge: [], monitor: { next: 0, keyEntries: {}, deleted: [] }, confirmed: {}, alarms: [] });

const SENTENCES: Record<KeyLogAlarmKind, (name: string | null) => string> = {
  missing_key: (name) =>
    `The server's key log does not contain this key for ${name}. The server may be trying to read what you send ${name}: send nothing to ${name} until you have compared key fingerprints in person.`,
  fork: () =>
    'The server shows different key histories to different people. It may be handing someone a false key to read their messages. Trust no new key from this server, and tell its operator and the people you write to.',
  own_name: () =>
    'A key was registered in your name that is not yours. Someone, or the server itself, may be posing as you: tell the people you write to, and the server\'s operator.',
  other_name: (name) => `A key was registered in ${name}'s name after the one you know. Compare key fingerprints with ${name} before you write to them again.`,
  log_key_changed: () =>
    'The server\'s key log is now signed with a different key. Until you accept it, this device takes no new key from the server. Accept it only if the operator told you the log was started again.',
  bad_head: () => 'The server answered with a key log head its own log key did not sign. Trust no new key from this server until this is explained.',
  stale: () => 'The key log is not being updated: its newest signed head is more than an hour old. New keys cannot be checked until it is.',
};

export interface KeyLogOptions {
  api: KeyLogApi;
  serverUrl: string;
  store: KeyValueStore;
  session: CurrentSession;
  /** The alarms or the log's state changed. */
  changed(view: KeyLogView): void;
  now?: () => number;
  wait?: (ms: number) => Promise<void>;
}

export class KeyLog {
  readonly #o: KeyLogOptions;
  readonly #now: () => number;
  readonly #wait: (ms: number) => Promise<void>;
  #loaded: { namespace: string; state: State } | null = null;
  #serial: Promise<unknown> = Promise.resolve();

  constructor(options: KeyLogOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
    this.#wait = options.wait ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** The newest verified head, for the `head` of a message being sealed (rule 5); null before one is known. */
  gossipHead(): SignedTreeHead | null {
    return this.#loaded?.state.head ?? null;
  }

  async view(): Promise<KeyLogView> {
    return this.#viewOf(await this.#state());
  }

  /** Rules 1 and 2: the log key pinned, the server's newest head checked against the kept one; null without a log. */
  refreshHead(): Promise<SignedTreeHead | null> {
    return this.#one(async (st) => this.#refresh(st));
  }

  /** Rule 3: whether the server's log proves `publicKey` is `username`'s entry at `keyIndex`. */
  confirmKey(username: string, publicKey: string, keyIndex: number | undefined): Promise<KeyConfirmation> {
    return this.#one(async (st) => {
      const cached = st.confirmed[username];
      if (cached && cached.publicKey === publicKey && cached.index === keyIndex) return { state: 'confirmed', index: cached.index };
      let head = await this.#refresh(st);
      if (head === null) return { state: 'unavailable' };
      if (keyIndex === undefined) return this.#refuse(st, username, 'the server did not say where in its log the key is');
      if (keyIndex >= head.size) {
        await this.#wait(NEW_ENTRY_WAIT_MS);
        head = (await this.#refresh(st)) ?? head;
        if (keyIndex >= head.size) return this.#refuse(st, username, 'the key is not in any head the log signed');
      }
      let verdict;
      try {
        const [entry] = await this.#o.api.entries(keyIndex, 1);
        const proof = await this.#o.api.proof(keyIndex, head.size);
        if (!entry) return this.#refuse(st, username, 'the log has no such entry');
        const seen = st.monitor.keyEntries[username];
        verdict = await checkContactKey({ username, publicKey, keyIndex, entry, proof, head, seenKeyEntries: seen !== undefined && seen !== keyIndex ? [seen] : [] });
      } catch (error) {
        if (!isRefusal(error)) throw error;
        return this.#refuse(st, username, 'the server would not prove it');
      }
      if (verdict === 'accepted') {
        st.confirmed[username] = { publicKey, index: keyIndex };
        await this.#save(st);
        return { state: 'confirmed', index: keyIndex };
      }
      const reasons = {
        wrong_entry: 'the log entry it points to holds another name or key',
        not_included: 'the proof that the entry is in the log does not check out',
        retry: 'the key is not in any head the log signed',
        earlier_key_entry: 'the log holds an earlier key for this name',
      } as const;
      return this.#refuse(st, username, reasons[verdict]);
    });
  }

  /**
   * Rule 4: every entry since the last check read, the root recomputed and compared, the entries judged;
   * `fromStart`: the whole log read again, as an audit does.
   */
  monitor(fromStart = false): Promise<void> {
    return this.#one(async (st) => {
      const head = await this.#refresh(st);
      if (head === null) return;
      await this.#checkLogKey(st);
      const s = this.#o.session();
      let edge = new RightEdge(st.edge.map((e) => ({ ...e, hash: new Uint8Array(decodeBase64(e.hash)) })));
      let memory: MonitorMemory = st.monitor;
      if (fromStart || edge.size !== memory.next || edge.size > head.size) {
        edge = new RightEdge();
        memory = { next: 0, keyEntries: {}, deleted: [] };
      }
      const watch = new LogMonitor(s.username, s.publicKey.spki, [], memory);
      while (edge.size < head.size) {
        let page: LogEntry[];
        try {
          page = await this.#o.api.entries(edge.size, Math.min(ENTRIES_PAGE, head.size - edge.size));
        } catch (error) {
          if (!isRefusal(error)) throw error;
          page = [];
        }
        if (page.length === 0) {
          this.#raise(st, 'fork', null);
          await this.#save(st);
          return;
        }
        for (const entry of page) {
          const alarm = watch.feed(entry);
          await edge.append(await entryLeafHash(entry));
          if (alarm === 'own_name') this.#raise(st, 'own_name', s.username);
          else if (alarm !== null && alarm !== 'deletion_without_key' && (await s.pins.get(entry.username))) this.#raise(st, 'other_name', entry.username);
        }
      }
      if (!sameHash(await edge.root(), decodeBase64(head.root))) {
        // What was read does not add up to the signed head: nothing of it is kept, so the next check reads it again.
        this.#raise(st, 'fork', null);
        await this.#save(st);
        return;
      }
      st.edge = edge.subtrees.map((e) => ({ ...e, hash: encodeBase64(e.hash) }));
      st.monitor = watch.memory();
      await this.#save(st);
    });
  }

  /** Rule 5: the head a message carried; 'suspect' when its signature fails (the message, not the server). */
  checkGossip(offered: SignedTreeHead): Promise<'ok' | 'suspect' | 'alarm' | 'unavailable'> {
    return this.#one(async (st) => {
      if (!st.logKey || !st.head) return 'unavailable';
      const logKey = await importPublicKey(st.logKey.publicKey);
      if (!(await verifyTreeHead(offered, logKey))) return 'suspect';
      const verdict = await this.#judge(st, offered, 'message');
      return verdict === 'alarm' ? 'alarm' : 'ok';
    });
  }

  /** The person accepts the log key the server shows now: the log is followed afresh from it. */
  acceptLogKey(): Promise<KeyLogView> {
    return this.#one(async (st) => {
      if (st.offeredKey) {
        const alarms = st.alarms.filter((a) => a.kind !== 'log_key_changed');
        Object.assign(st, fresh(), { logKey: st.offeredKey, alarms });
        await this.#save(st);
      }
      return this.#viewOf(st);
    });
  }

  /** The person dealt with an alarm. */
  dismiss(id: string): Promise<KeyLogView> {
    return this.#one(async (st) => {
      st.alarms = st.alarms.filter((a) => a.id !== id || a.kind === 'log_key_changed');
      await this.#save(st);
      return this.#viewOf(st);
    });
  }

  /** Forgets the loaded state (the session ended). */
  clear(): void {
    this.#loaded = null;
  }

  // ---- internals ----

  async #refresh(st: State): Promise<SignedTreeHead | null> {
    if (!st.logKey) {
      const key = await this.#o.api.logKey();
      if (key === null) return null;
      if ((await fingerprint(key.publicKey)) !== key.fingerprint) {
        this.#raise(st, 'bad_head', null);
        await this.#save(st);
        return null;
      }
      st.logKey = key;
      await this.#save(st);
    }
    let offered: SignedTreeHead;
    try {
      offered = await this.#o.api.head();
    } catch (error) {
      if (!isRefusal(error)) throw error;
      // A server that pinned a log for this device and now keeps none is hiding one.
      this.#raise(st, 'fork', null);
      await this.#save(st);
      return st.head;
    }
    if (st.offeredKey) return st.head;
    await this.#judge(st, offered, 'server');
    await this.#save(st);
    return st.head;
  }

  /** Checks `offered` against the kept head (rule 2); raises what it finds. */
  async #judge(st: State, offered: SignedTreeHead, source: 'server' | 'message'): Promise<'kept' | 'alarm'> {
    const logKey = await importPublicKey(st.logKey!.publicKey);
    if (!st.head) {
      if (!(await verifyTreeHead(offered, logKey))) {
        await this.#checkLogKey(st);
        if (!st.offeredKey) this.#raise(st, 'bad_head', null);
        return 'alarm';
      }
      st.head = offered;
      return 'kept';
    }
    let proof: string[] | null = null;
    const [small, large] = [Math.min(offered.size, st.head.size), Math.max(offered.size, st.head.size)];
    if (small > 0 && small < large) {
      try {
        proof = await this.#retrying(() => this.#o.api.consistency(small, large));
      } catch (error) {
        if (!isRefusal(error)) throw error;
        this.#keepEvidence(st, offered);
        this.#raise(st, 'fork', null);
        return 'alarm';
      }
    }
    const check = await checkHead({ kept: st.head, offered, source, proof, logKey, now: this.#now() });
    if (check.stale && source === 'server') this.#raise(st, 'stale', null);
    else if (source === 'server') st.alarms = st.alarms.filter((a) => a.kind !== 'stale');
    switch (check.verdict) {
      case 'advance':
        st.head = check.keep;
        return 'kept';
      case 'same':
      case 'older_consistent':
        return 'kept';
      case 'bad_signature':
        await this.#checkLogKey(st);
        if (!st.offeredKey) this.#raise(st, 'bad_head', null);
        return 'alarm';
      case 'suspect':
        return 'kept';
      default:
        this.#keepEvidence(st, offered);
        this.#raise(st, 'fork', null);
        return 'alarm';
    }
  }

  /** Rule 1: a log key other than the pinned one is a loud warning, and heads signed by it are refused. */
  async #checkLogKey(st: State): Promise<void> {
    const key = await this.#o.api.logKey().catch(() => null);
    if (key === null || !st.logKey || key.publicKey === st.logKey.publicKey) return;
    st.offeredKey = key;
    this.#raise(st, 'log_key_changed', null);
  }

  async #retrying<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch {
      return call();
    }
  }

  #keepEvidence(st: State, offered: SignedTreeHead): void {
    st.evidence = [...st.evidence, st.head!, offered].filter(Boolean).slice(-MAX_EVIDENCE);
  }

  async #refuse(st: State, username: string, reason: string): Promise<KeyConfirmation> {
    this.#raise(st, 'missing_key', username);
    await this.#save(st);
    return { state: 'refused', reason: `The server's key log does not contain this key for ${username}: ${reason}.` };
  }

  #raise(st: State, kind: KeyLogAlarmKind, username: string | null): void {
    if (st.alarms.some((a) => a.kind === kind && a.username === username)) return;
    const alarm: KeyLogAlarm = { id: `${kind}:${username ?? ''}:${this.#now()}`, kind, username, message: SENTENCES[kind](username), raisedAt: this.#now() };
    st.alarms = [...st.alarms, alarm];
    this.#o.changed(this.#viewOf(st));
  }

  #viewOf(st: State): KeyLogView {
    return {
      available: st.logKey !== null,
      size: st.head?.size ?? null,
      checkedSize: st.monitor.next,
      logKeyFingerprint: st.logKey ? formatFingerprint(st.logKey.fingerprint) : null,
      offeredKeyFingerprint: st.offeredKey ? formatFingerprint(st.offeredKey.fingerprint) : null,
      alarms: st.alarms.map((a) => ({ ...a })),
    };
  }

  #key(s: Session): string {
    return `keylog/${this.#o.serverUrl}|${s.username}`;
  }

  async #state(): Promise<State> {
    const s = this.#o.session();
    const namespace = this.#key(s);
    if (this.#loaded?.namespace === namespace) return this.#loaded.state;
    const raw = await this.#o.store.get(namespace);
    let state = fresh();
    if (raw !== null) {
      try {
        state = stateSchema.parse(JSON.parse(raw));
      } catch {
        // A damaged record starts over: the next check pins the log again, as on a new device.
      }
    }
    this.#loaded = { namespace, state };
    return state;
  }

  async #save(st: State): Promise<void> {
    await this.#o.store.set(this.#key(this.#o.session()), JSON.stringify(st));
  }

  /** One check at a time: they share the kept head. */
  #one<T>(run: (st: State) => Promise<T>): Promise<T> {
    const next = this.#serial.then(async () => run(await this.#state()));
    this.#serial = next.catch(() => undefined);
    return next;
  }
}
