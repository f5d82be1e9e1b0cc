// Window: the progress of creating an account, in the words of what is happening. The core makes the key and
// stretches the password at the same time and reports each step's start and end; this turns what it reported
// so far into one label and how many of the five steps are done.
import type { ProgressPhase } from '../../../core/api/chat-api.js';

/** The latest fraction each step reported (null: started, cannot say how far). */
export type StepsSeen = Partial<Record<ProgressPhase, number | null>>;

export interface RegistrationProgress {
  label: string;
  /** Steps done out of all of them, 0 to 1. */
  fraction: number;
}

const STEPS = 5;
const done = (seen: StepsSeen, phase: ProgressPhase) => seen[phase] === 1;

export function registrationProgress(seen: StepsSeen): RegistrationProgress {
  const finished =
    Number(done(seen, 'generating_key')) +
    Number(done(seen, 'deriving_login_key')) +
    Number(done(seen, 'deriving_storage_key')) +
    Number('unlocking' in seen) +
    Number(done(seen, 'unlocking'));
  const fraction = finished / STEPS;
  if ('unlocking' in seen) return { label: 'Opening your new account…', fraction };
  if (!done(seen, 'generating_key')) return { label: 'Making your key…', fraction };
  if (!done(seen, 'deriving_login_key') || !done(seen, 'deriving_storage_key')) return { label: 'Protecting it with your password…', fraction };
  return { label: 'Creating your account on the server…', fraction };
}
