// Core side (runs in Node, Electron main and the browser worker): getting into an account — registering,
// signing in with a password or a stay-signed-in secret, changing the password — up to an open session.
import { MAX_KDF_ITERATIONS } from '../protocol/constants.js';
import { decodeBase64, encodeBase64 } from '../protocol/base64.js';
import type { UserProfile } from '../protocol/schemas.js';
import { createAccount, openPrivateKey, openWithKek, resealPrivateKey } from '../crypto/account-crypto.js';
import { openRecoveryKey, parseRecoveryCode, recoveryAuthHash } from '../crypto/recovery-code.js';
import { deriveAuthHash, deriveKek } from '../crypto/kdf.js';
import { ChatError, toChatError } from '../api/errors.js';
import { MIN_NEW_PASSWORD_LENGTH } from '../api/schemas.js';
import type { SessionSnapshot } from '../api/session-snapshot.js';
import type { Progress, ProgressPhase } from '../api/view.js';
import { DeviceMemory, type KdfParameters } from './device-memory.js';
import type { ServerApi } from './server-api.js';
import { publicSpkiOfPrivateKey } from '../crypto/rsa.js';
import { openSession, sameKey, type Session, type SessionPlace } from './session.js';
import type { KeyValueStore } from './store.js';
import { safeServerUrl } from './transport-safety.js';

export interface AccountOptions {
  api: ServerApi;
  store: KeyValueStore;
  serverUrl: string;
  /** PBKDF2 rounds for a key sealed here (registration, password change). */
  kdfIterations: number;
  progress(progress: Progress): void;
  /** Takes the session the moment its key passed the checks (a later step may still fail). */
  hold(session: Session): void;
  /** What the account's device list calls this device (PROTOCOL.md "Accounts (v2)", `device`). */
  device?: string | undefined;
}

type SealedKey = KdfParameters & { encryptedPrivateKey: string };

const PROGRESS_LABELS: Record<ProgressPhase, string> = {
  generating_key: 'Making your encryption key',
  deriving_login_key: 'Checking your password',
  deriving_storage_key: 'Unlocking your key with your password',
  unlocking: 'Opening your key',
  sealing: 'Locking your key with your password',
};

export class Account {
  readonly #options: AccountOptions;
  readonly #memory: DeviceMemory;
  readonly #place: SessionPlace;
  /** A fraction of null: the step runs but cannot say how far it is. */
  readonly #progress: (phase: ProgressPhase, fraction: number | null) => void;

  constructor(options: AccountOptions) {
    this.#options = options;
    this.#memory = new DeviceMemory(options.store, options.serverUrl);
    this.#progress = (phase, fraction) => options.progress({ phase, fraction, label: PROGRESS_LABELS[phase] });
    this.#place = { store: options.store, serverUrl: options.serverUrl, dropToken: () => options.api.useToken(null) };
  }

  /** Registers and signs in; the password was checked with checkNewPassword() first. */
  async register(username: string, password: string, keep: boolean, invite?: string): Promise<void> {
    const { api } = this.#options;
    const progress = this.#progress;
    const account = await createAccount(username, password, this.#options.kdfIterations, (step, fraction) => {
      progress(step, step === 'generating_key' && fraction === 0 ? null : fraction);
    });
    try {
      const grant = await api.createUser(account.request, this.#options.device, invite);
      await this.#memory.keepCredential(username, grant.deviceCredential);
      api.useToken(grant.token);
      const profile = await api.ownProfile(username);
      progress('unlocking', 0);
      this.#options.hold(await openSession(this.#place, username, account.pkcs8, profile, keep ? account.request.authHash : null));
      await this.#memory.rememberKdf(username, account.request);
      progress('unlocking', 1);
    } finally {
      account.pkcs8.fill(0);
    }
  }

  async login(username: string, password: string, keep: boolean): Promise<void> {
    const { api } = this.#options;
    const progress = this.#progress;
    // The salt of the key-encryption key is known only after signing in — unless this device remembers it
    // from an earlier sign-in; then both derivations run side by side and the remembered salt is checked.
    const remembered = await this.#memory.rememberedKdf(username);
    progress('deriving_login_key', 0);
    if (remembered) progress('deriving_storage_key', 0);
    const early = remembered ? deriveKek(password, decodeBase64(remembered.kdfSalt), remembered.kdfIterations) : null;
    // Awaited only when the server's salt matches; a failure then shows there, never as an unhandled rejection.
    void early?.catch(() => undefined);
    const authHash = encodeBase64(await deriveAuthHash(username, password));
    progress('deriving_login_key', 1);
    await this.signIn(username, authHash);
    const profile = await api.ownProfile(username);
    const pkcs8 = await this.#unseal(username, password, sealedKeyOf(profile), remembered, early);
    try {
      progress('unlocking', 0);
      this.#options.hold(await openSession(this.#place, username, pkcs8, profile, keep ? authHash : null));
      progress('unlocking', 1);
    } finally {
      pkcs8.fill(0);
    }
  }

  /** Opens the sealed key, with the key-encryption key derived early when the server's salt is the remembered one. */
  async #unseal(username: string, password: string, sealed: SealedKey, remembered: KdfParameters | null, early: Promise<CryptoKey> | null): Promise<Uint8Array> {
    const progress = this.#progress;
    const sameKdf = remembered !== null && remembered.kdfSalt === sealed.kdfSalt && remembered.kdfIterations === sealed.kdfIterations;
    if (!sameKdf) progress('deriving_storage_key', 0);
    let pkcs8: Uint8Array;
    try {
      const kek = sameKdf ? await early! : await deriveKek(password, decodeBase64(sealed.kdfSalt), sealed.kdfIterations);
      pkcs8 = await openWithKek(kek, username, sealed.encryptedPrivateKey);
    } catch {
      this.#options.api.useToken(null);
      throw new ChatError('tampered', 'Your password was accepted, but your private key stored on the server does not open with it: the server copy was altered.');
    }
    progress('deriving_storage_key', 1);
    if (!sameKdf) await this.#memory.rememberKdf(username, sealed);
    return pkcs8;
  }

  /** Signs in again from a stay-signed-in snapshot of this server. */
  async resume(snapshot: SessionSnapshot): Promise<void> {
    if (safeServerUrl(snapshot.serverUrl) !== this.#options.serverUrl) {
      throw new ChatError('invalid_input', 'The saved sign-in belongs to another server.');
    }
    try {
      await this.signIn(snapshot.username, snapshot.authHash);
    } catch (error) {
      const e = toChatError(error);
      if (e.info.code === 'wrong_password') {
        throw new ChatError('unauthorized', 'Your saved sign-in no longer works (the password was changed). Sign in again.');
      }
      throw e;
    }
    const profile = await this.#options.api.ownProfile(snapshot.username);
    const pkcs8 = decodeBase64(snapshot.privateKeyPkcs8);
    try {
      this.#options.hold(await openSession(this.#place, snapshot.username, pkcs8, profile, snapshot.authHash));
    } finally {
      pkcs8.fill(0);
    }
  }

  /** POST /login with this device's credential; holds the token. */
  async signIn(username: string, authHash: string): Promise<void> {
    const grant = await this.#options.api.login(username, authHash, await this.#memory.credentialHeaders(username), this.#options.device);
    this.#options.api.useToken(grant.token);
    await this.#memory.keepCredential(username, grant.deviceCredential);
  }

  /** Signs in again with a kept authHash (the token was refused); true when that worked. */
  async renew(username: string, authHash: string): Promise<boolean> {
    try {
      await this.signIn(username, authHash);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * "Forgot password" (PROTOCOL.md "Accounts (v2)", Recovery code): the code opens the copy of the private key
   * sealed under it, the key is sealed again under the new password, and the password change made with the code
   * uses the code up. The session the recovery started carries no device name, so it is ended for one that
   * signs in with the new password. The new password was checked with checkNewPassword() first.
   */
  async recover(username: string, typedCode: string, newPassword: string, keep: boolean): Promise<void> {
    const { api } = this.#options;
    const progress = this.#progress;
    const code = parseRecoveryCode(typedCode);
    if (!code) throw new ChatError('invalid_input', 'That is not a recovery code: it has 8 groups of 4 letters and digits.');
    let pkcs8: Uint8Array | null = null;
    try {
      progress('deriving_login_key', 0);
      const answer = await api.recover(username, encodeBase64(await recoveryAuthHash(code, username)));
      api.useToken(answer.token);
      progress('deriving_login_key', 1);
      progress('deriving_storage_key', 0);
      pkcs8 = await openRecoveryKey(code, username, decodeBase64(answer.recoveryPrivateKey), decodeBase64(answer.recoveryKdfSalt)).catch(() => null);
      if (!pkcs8) {
        api.useToken(null);
        throw new ChatError('tampered', 'Your recovery code was accepted, but the copy of your private key it should open was altered on the server.');
      }
      progress('deriving_storage_key', 1);
      // The key is checked against the account before anything is changed on the server.
      const profile = await api.ownProfile(username);
      if (!(await sameKey(await publicSpkiOfPrivateKey(pkcs8), profile.publicKey))) {
        api.useToken(null);
        throw new ChatError('tampered', 'The private key your recovery code opened is not the key the server shows for your account. Do not use this server.');
      }
      progress('sealing', 0);
      const [newAuth, sealed] = await Promise.all([deriveAuthHash(username, newPassword), resealPrivateKey(username, newPassword, pkcs8, this.#options.kdfIterations)]);
      progress('sealing', 1);
      const body = { recoveryAuthHash: encodeBase64(await recoveryAuthHash(code, username)), newAuthHash: encodeBase64(newAuth), ...sealed };
      api.useToken((await api.changePassword(username, {}, body)).token);
      await this.#memory.rememberKdf(username, sealed);
      await api.logout().catch(() => undefined);
      await this.signIn(username, encodeBase64(newAuth));
      progress('unlocking', 0);
      this.#options.hold(await openSession(this.#place, username, pkcs8, await api.ownProfile(username), keep ? encodeBase64(newAuth) : null));
      progress('unlocking', 1);
    } catch (error) {
      if (toChatError(error).info.code !== 'wrong_password') api.useToken(null);
      throw error;
    } finally {
      pkcs8?.fill(0);
      code.fill(0);
    }
  }

  /**
   * The password, checked on this device: its login hash, and the private key it opens from the server's
   * copy (so a server's 401 afterwards is about the token, not the password). Zero the key when done.
   */
  async checkPassword(s: Session, password: string): Promise<{ authHash: string; pkcs8: Uint8Array }> {
    const profile = await this.#options.api.ownProfile(s.username);
    this.#progress('deriving_login_key', 0);
    const [authHash, pkcs8] = await Promise.all([
      deriveAuthHash(s.username, password),
      openPrivateKey(s.username, password, sealedKeyOf(profile)).catch(() => null),
    ]);
    this.#progress('deriving_login_key', 1);
    if (!pkcs8) throw new ChatError('wrong_password', 'The password is wrong.');
    return { authHash: encodeBase64(authHash), pkcs8 };
  }

  /** DELETE /users/{u} behind the password; the session is the caller's to end. */
  async deleteAccount(s: Session, password: string): Promise<void> {
    const { authHash, pkcs8 } = await this.checkPassword(s, password);
    pkcs8.fill(0);
    await this.#options.api.deleteAccount(s.username, authHash);
  }

  /** Re-seals the same private key under the new password; the new password was checked with checkNewPassword(). */
  async changePassword(s: Session, currentPassword: string, newPassword: string): Promise<void> {
    const { api } = this.#options;
    const progress = this.#progress;
    const checked = await this.checkPassword(s, currentPassword).catch((error: unknown) => {
      throw toChatError(error).info.code === 'wrong_password' ? new ChatError('wrong_password', 'The current password is wrong.') : error;
    });
    const currentAuth = checked.authHash;
    const pkcs8 = checked.pkcs8;
    try {
      progress('sealing', 0);
      const [newAuth, sealed] = await Promise.all([
        deriveAuthHash(s.username, newPassword),
        resealPrivateKey(s.username, newPassword, pkcs8, this.#options.kdfIterations),
      ]);
      progress('sealing', 1);
      const headers = await this.#memory.credentialHeaders(s.username);
      const grant = await api.changePassword(s.username, headers, { authHash: currentAuth, newAuthHash: encodeBase64(newAuth), ...sealed });
      api.useToken(grant.token);
      await this.#memory.keepCredential(s.username, grant.deviceCredential);
      if (s.secret) s.secret.authHash = encodeBase64(newAuth);
      await this.#memory.rememberKdf(s.username, sealed);
    } finally {
      pkcs8.fill(0);
    }
  }
}

export function checkNewPassword(password: string): void {
  if ([...password].length < MIN_NEW_PASSWORD_LENGTH) {
    throw new ChatError('weak_password', `Choose a password of at least ${MIN_NEW_PASSWORD_LENGTH} characters.`);
  }
}

function sealedKeyOf(profile: UserProfile): SealedKey {
  const { encryptedPrivateKey, kdfSalt, kdfIterations } = profile;
  if (encryptedPrivateKey === undefined || kdfSalt === undefined || kdfIterations === undefined) {
    throw new ChatError('protocol_violation', 'The server did not send your sealed private key.');
  }
  if (kdfIterations > MAX_KDF_ITERATIONS) {
    throw new ChatError('protocol_violation', `The server asks for ${kdfIterations} key-stretching rounds, more than the ${MAX_KDF_ITERATIONS} this app accepts.`);
  }
  return { encryptedPrivateKey, kdfSalt, kdfIterations };
}
