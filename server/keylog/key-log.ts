// The key log of one running server (PROTOCOL.md "Key transparency"): its key, its head signer, and the
// appends the registration route makes. Created by startServer (which starts it) or, passive, by createApp
// alone (tests of the app): a passive log does not poll; it signs after appends made through it, and when a
// head is asked for and none exists yet.
import type { Logger } from 'pino';
import type { Transaction } from 'sequelize';
import type { SignedTreeHead } from '../../core/keylog/entries.js';
import type { Database } from '../db/database.js';
import { appendEntry, sequelizeWrites, type NewEntry } from './append.js';
import { HeadSigner, newestHead, publicHead, SIGNER_TIMING, type SignerTiming } from './heads.js';
import { generateLogKey, loadLogKey, type LogKey } from './log-key.js';
import { readFrom } from './nodes.js';
import { keyIndexOf } from './proofs.js';
import { KeptEdge } from './right-edge.js';

export interface KeyLogOptions extends Partial<SignerTiming> {
  /**
   * Tests: the PKCS#8 log key to store when the database has none, instead of making one (an RSA-4096
   * generation costs 1–10 s of CPU, for every fresh test database).
   */
  seedKey?: Uint8Array;
  /**
   * Benchmarks only (`npm run bench:keylog`, "without the log"): false makes registrations append no entry,
   * as before migration 007. Never false in a real server: its users' keys would have no entry.
   */
  registrationAppends?: boolean;
}

export class KeyLog {
  readonly #db: Database;
  readonly #options: KeyLogOptions;
  readonly #signer: HeadSigner;
  #key: Promise<LogKey> | undefined;
  #registrations: Promise<void> = Promise.resolve();
  readonly #edge = new KeptEdge();

  constructor(db: Database, logger: Logger, options: KeyLogOptions = {}) {
    this.#db = db;
    this.#options = options;
    this.#signer = new HeadSigner(db, () => this.key(), logger, { ...SIGNER_TIMING, ...options });
  }

  /** Loads (or makes) the key and starts signing heads. */
  start(): void {
    void this.key().catch(() => undefined);
    this.#signer.start();
  }

  /** The log key; made on first use when the database has none. A failure is retried on the next call. */
  key(): Promise<LogKey> {
    if (!this.#key) {
      const seed = this.#options.seedKey;
      const pending = loadLogKey(this.#db, seed ? async () => seed : generateLogKey);
      pending.catch(() => {
        if (this.#key === pending) this.#key = undefined;
      });
      this.#key = pending;
    }
    return this.#key;
  }

  /** The newest signed head; the first is signed on demand if the signer has not stored one yet. */
  async head(): Promise<SignedTreeHead | undefined> {
    const select = readFrom(this.#db);
    let head = await newestHead(select);
    if (!head) {
      await this.#signer.run();
      head = await newestHead(select);
    }
    return head && publicHead(head);
  }

  /**
   * Waits for this process's previous registration to end; call the function it gives once this one ended.
   * Registrations take the log's one row lock anyway (append.ts), so queueing them here first costs nothing,
   * and on SQLite it is what keeps them working at all: each Sequelize transaction there is a connection of
   * its own whose BEGIN IMMEDIATE, while another holds the lock, busy-waits inside one of libuv's 4 threads —
   * four such waiters leave the holder no thread to finish on, and every registration stalls for the 10 s
   * busy timeout (30 parallel POST /users never finished before this queue).
   */
  async registrationTurn(): Promise<() => void> {
    let release!: () => void;
    const done = new Promise<void>((resolve) => {
      release = resolve;
    });
    const previous = this.#registrations;
    this.#registrations = previous.then(() => done);
    await previous;
    return release;
  }

  /** Inside POST /users' transaction: the new account's key entry. */
  async appendRegistration(transaction: Transaction, entry: Omit<NewEntry, 'publicKey'> & { publicKey: string }): Promise<void> {
    if (this.#options.registrationAppends === false) return;
    await appendEntry(sequelizeWrites(this.#db.sequelize, transaction), entry, this.#edge);
  }

  /** The index of the entry holding `username`'s key, if the log has one (GET /users/{u} keyIndex). */
  keyIndexOf(username: string): Promise<number | undefined> {
    return keyIndexOf(readFrom(this.#db), username);
  }

  /** Entries committed here (a registration, a deletion): a head covering them is signed shortly. */
  appended(): void {
    this.#signer.appended();
  }

  async close(): Promise<void> {
    await this.#signer.close();
  }
}
