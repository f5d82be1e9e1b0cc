// Registration: the username checked while it is typed — the format here, at once; whether it is taken with
// one cheap request to the server once the format is valid and the typing paused. Nothing is generated
// before the name is known to be usable.
import type { ChatApi } from '../../../core/api/chat-api.js';

export type UsernameVerdict =
  | { kind: 'none' }
  | { kind: 'invalid'; message: string }
  | { kind: 'checking' }
  | { kind: 'free'; message: string }
  | { kind: 'taken'; message: string };

/** The pause after the last key press before the server is asked. */
export const CHECK_DELAY_MS = 400;

/** What the format rule says of a typed name (normalized as the session will); null when it is fine. */
export function formatProblem(name: string, finished: boolean): string | null {
  if (name === '') return null;
  if (/[^a-z0-9_]/.test(name)) return 'Use only letters a–z, digits 0–9 and _ (no spaces or other signs).';
  if (name.length > 32) return `At most 32 characters (this is ${name.length}).`;
  if (name.length < 3) return finished ? 'At least 3 characters.' : null;
  return null;
}

export class UsernameCheck {
  verdict = $state<UsernameVerdict>({ kind: 'none' });

  readonly #api: Pick<ChatApi, 'usernameTaken'>;
  readonly #delayMs: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #serial = 0;

  constructor(api: Pick<ChatApi, 'usernameTaken'>, delayMs = CHECK_DELAY_MS) {
    this.#api = api;
    this.#delayMs = delayMs;
  }

  /** The field changed (or, with `finished`, was left): check the name again. */
  typed(raw: string, finished = false): void {
    const name = raw.trim().toLowerCase();
    const serial = ++this.#serial;
    clearTimeout(this.#timer);
    const problem = formatProblem(name, finished);
    if (problem) {
      this.verdict = { kind: 'invalid', message: problem };
      return;
    }
    if (name.length < 3) {
      this.verdict = { kind: 'none' };
      return;
    }
    if (this.verdict.kind === 'free' || this.verdict.kind === 'taken') {
      // Leaving the field does not ask again for the name just answered.
      if (finished && this.#answeredFor === name) return;
    }
    this.verdict = { kind: 'checking' };
    this.#timer = setTimeout(() => void this.#ask(name, serial), this.#delayMs);
  }

  #answeredFor: string | null = null;

  async #ask(name: string, serial: number): Promise<void> {
    let taken: boolean;
    try {
      taken = await this.#api.usernameTaken(name);
    } catch {
      // The server could not say: registering will tell.
      if (serial === this.#serial) this.verdict = { kind: 'none' };
      return;
    }
    if (serial !== this.#serial) return;
    this.#answeredFor = name;
    this.verdict = taken ? { kind: 'taken', message: `The username ${name} is already taken. Try another.` } : { kind: 'free', message: `${name} is free.` };
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#serial++;
  }
}
