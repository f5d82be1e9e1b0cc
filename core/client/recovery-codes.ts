// Core side (runs anywhere): the account's recovery code (PROTOCOL.md "Accounts (v2)", Recovery code) — made
// here, shown once, never kept on the device; the server keeps only a salted hash of what it checks and the
// private key sealed under a key derived from the code.
import { encodeBase64 } from '../protocol/base64.js';
import { displayRecoveryCode, newRecoveryCode, recoveryAuthHash, sealRecoveryKey } from '../crypto/recovery-code.js';
import { ChatError } from '../api/errors.js';
import type { RecoveryCodeView, RecoveryStatus } from '../api/view.js';
import type { Account } from './account.js';
import type { ServerApi } from './server-api.js';
import type { CurrentSession } from './session.js';

export class RecoveryCodes {
  readonly #api: ServerApi;
  readonly #account: Account;
  readonly #session: CurrentSession;

  constructor(api: ServerApi, account: Account, session: CurrentSession) {
    this.#api = api;
    this.#account = account;
    this.#session = session;
  }

  async status(): Promise<RecoveryStatus> {
    const { recovery } = await this.#api.ownProfile(this.#session().username);
    if (recovery === undefined) throw new ChatError('not_found', 'This server has no recovery codes (it speaks an older version of the protocol).');
    return recovery === null ? { set: false, setAt: null, device: null } : { set: true, setAt: Date.parse(recovery.setAt), device: recovery.device };
  }

  /** A new code in place of any earlier one; the server ends every other session of the account. */
  async create(password: string): Promise<RecoveryCodeView> {
    const s = this.#session();
    const { authHash, pkcs8 } = await this.#account.checkPassword(s, password);
    const code = newRecoveryCode();
    try {
      const [hash, sealed] = await Promise.all([recoveryAuthHash(code, s.username), sealRecoveryKey(code, s.username, pkcs8)]);
      await this.#api.setRecovery(s.username, {
        authHash,
        recoveryAuthHash: encodeBase64(hash),
        recoveryPrivateKey: encodeBase64(sealed.recoveryPrivateKey),
        recoveryKdfSalt: encodeBase64(sealed.recoveryKdfSalt),
      });
      const shown = displayRecoveryCode(code);
      const status = await this.status();
      return { code: shown, setAt: status.setAt ?? Date.now() };
    } finally {
      pkcs8.fill(0);
      code.fill(0);
    }
  }

  async remove(password: string): Promise<RecoveryStatus> {
    const s = this.#session();
    const { authHash, pkcs8 } = await this.#account.checkPassword(s, password);
    pkcs8.fill(0);
    await this.#api.removeRecovery(s.username, authHash);
    return this.status();
  }
}
