// Main process: "stay signed in" for the session host — whether the keychain allows it, saving and erasing
// the session snapshot through the keychain store, reopening it, and the once-a-minute limit on recovering.
import { ChatError, toChatError } from '../../core/api/errors.js';
import type { SessionSnapshot } from '../../core/api/session-snapshot.js';
import type { SettingsStore } from './settings-store.js';
import type { KeychainStatus, StaySignedInStore } from './stay-signed-in.js';

const RECOVERY_INTERVAL_MS = 60_000;

export interface SavedSessionDeps {
  settings: SettingsStore;
  staySignedIn: StaySignedInStore<SessionSnapshot>;
  /** Probes the keychain; called once, the answer is kept for the life of the app. */
  probeKeychain: () => Promise<KeychainStatus>;
  logProblem: (what: string, error: unknown) => void;
  now: () => number;
}

/** Why reopening the saved session did not sign in: nothing was saved, or the reason, for a person. */
export type ReopenFailure = 'nothing_saved' | string;

export class SavedSession {
  readonly #deps: SavedSessionDeps;
  #keychain: KeychainStatus = { available: false, detail: 'The system keychain has not been checked yet.' };
  #lastRecovery = Number.NEGATIVE_INFINITY;

  constructor(deps: SavedSessionDeps) {
    this.#deps = deps;
  }

  get keychain(): KeychainStatus {
    return this.#keychain;
  }

  /** Probes the keychain once; a session saved while a keychain was there can never be opened without it. */
  async checkKeychain(staySignedIn: boolean): Promise<void> {
    this.#keychain = await this.#deps.probeKeychain().catch((error: unknown) => ({
      available: false,
      detail: `The system keychain could not be checked (${error instanceof Error ? error.message : String(error)}).`,
    }));
    if (staySignedIn && !this.#keychain.available) {
      await this.#deps.settings.update({ staySignedIn: false });
      await this.forget();
    }
  }

  /** Erases both halves of "stay signed in"; without a keychain only the file can be (and needs to be) removed. */
  async forget(): Promise<void> {
    try {
      if (this.#keychain.available) await this.#deps.staySignedIn.erase();
      else await this.#deps.staySignedIn.eraseFile();
    } catch (error) {
      this.#deps.logProblem('erasing the saved session', error);
    }
  }

  /** Saves the session when "stay signed in" is on; a keychain failure turns the option off, loudly. */
  async save(snapshot: () => SessionSnapshot | null): Promise<void> {
    if (!this.#deps.settings.get().staySignedIn) return;
    const saved = snapshot();
    if (saved === null) return;
    try {
      await this.#deps.staySignedIn.save(saved);
    } catch (error) {
      await this.#deps.settings.update({ staySignedIn: false });
      await this.#deps.staySignedIn.erase().catch(() => undefined);
      throw new ChatError(
        'keychain_unavailable',
        `"Stay signed in" was turned off: the system keychain refused to keep the key (${error instanceof Error ? error.message : String(error)}).`,
      );
    }
  }

  /**
   * Signs in from the saved session with `open`. Null when it worked. A saved sign-in the server refuses is
   * useless and erased; one that could not be checked (offline) is kept for the next try.
   */
  async reopen(open: (snapshot: SessionSnapshot) => Promise<void>): Promise<ReopenFailure | null> {
    const snapshot = await this.#deps.staySignedIn.load().catch((error: unknown) => {
      this.#deps.logProblem('reading the saved session', error);
      return null;
    });
    if (snapshot === null) return 'nothing_saved';
    try {
      await open(snapshot);
      return null;
    } catch (error) {
      const info = toChatError(error).info;
      if (info.code === 'unauthorized' || info.code === 'wrong_password' || info.code === 'invalid_input') await this.forget();
      return info.message;
    }
  }

  /**
   * With "stay signed in", a session the server ended on its own (the token expired while the app sat idle)
   * is opened again from the saved one instead of asking for the password — at most once a minute, so a
   * server that refuses every token cannot make this loop. Never after the person logged out. True when a
   * recovery may start now (and counts as started).
   */
  claimRecovery(loggingOut: boolean): boolean {
    if (loggingOut || !this.#keychain.available || !this.#deps.settings.get().staySignedIn) return false;
    if (this.#deps.now() - this.#lastRecovery <= RECOVERY_INTERVAL_MS) return false;
    this.#lastRecovery = this.#deps.now();
    return true;
  }
}
