// CLI side: a new password (register, passwd, recover) must pass the window's strength rule, the one in core.
import { ChatError } from '../core/api/errors.js';
import { loadStrengthCheck, weakPasswordReason } from '../core/password/strength.js';

/** A check for PasswordSource.check: refuses a weak password for `username`, saying why in words. */
export function strongPasswordFor(username: string): (password: string) => Promise<void> {
  return async (password) => {
    const strength = (await loadStrengthCheck())(password, [username]);
    if (!strength.acceptable) throw new ChatError('invalid_input', weakPasswordReason(strength));
  };
}
