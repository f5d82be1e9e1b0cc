// registrationProgress: the label follows the step under way, the share of steps done only grows.
import { describe, expect, it } from 'vitest';
import { registrationProgress, type StepsSeen } from './registration-progress.js';

describe('registrationProgress', () => {
  it('labels each stage by what happens and moves forward', () => {
    const stages: StepsSeen[] = [
      {},
      { generating_key: null, deriving_login_key: 0, deriving_storage_key: 0 },
      { generating_key: null, deriving_login_key: 1, deriving_storage_key: 1 },
      { generating_key: 1, deriving_login_key: 1, deriving_storage_key: 0 },
      { generating_key: 1, deriving_login_key: 1, deriving_storage_key: 1 },
      { generating_key: 1, deriving_login_key: 1, deriving_storage_key: 1, unlocking: 0 },
      { generating_key: 1, deriving_login_key: 1, deriving_storage_key: 1, unlocking: 1 },
    ];
    const shown = stages.map(registrationProgress);
    expect(shown.map((p) => p.label)).toEqual([
      'Making your key…',
      'Making your key…',
      'Making your key…',
      'Protecting it with your password…',
      'Creating your account on the server…',
      'Opening your new account…',
      'Opening your new account…',
    ]);
    expect(shown.map((p) => p.fraction)).toEqual([0, 0, 0.4, 0.4, 0.6, 0.8, 1]);
  });
});
