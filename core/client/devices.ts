// Core side (runs anywhere): the account's signed-in devices — one server session each (PROTOCOL.md
// "Accounts (v2)", Sessions) — and telling a token that merely expired from a session ended elsewhere.
//
// A device that stays signed in gets a new token by signing in again, which starts a new session. Had its old
// session been ended from another device (or by a password change or a new recovery code), signing in again
// would undo that; so the old session's id is kept, and after signing in again it must still be listed: then
// it only expired and is ended in favour of the new one; otherwise the new session is ended too.
import { ChatError, toChatError } from '../api/errors.js';
import type { DeviceView } from '../api/view.js';
import type { SessionInfo } from '../protocol/schemas-accounts.js';
import type { ServerApi } from './server-api.js';

export const SIGNED_OUT_ELSEWHERE =
  'This device was signed out from another device of your account (or the password was changed, or a new recovery code made, there). Sign in again.';

const deviceView = (s: SessionInfo): DeviceView => ({
  id: s.id,
  name: s.device,
  signedInAt: Date.parse(s.createdAt),
  lastSeenAt: Date.parse(s.lastSeenAt),
  current: s.current,
});

export class Devices {
  readonly #api: ServerApi;

  constructor(api: ServerApi) {
    this.#api = api;
  }

  async list(): Promise<DeviceView[]> {
    return (await this.#api.sessions()).map(deviceView);
  }

  /** Ends another device's session; this device signs out with logout instead. */
  async signOut(id: string): Promise<DeviceView[]> {
    const target = (await this.list()).find((d) => d.id === id);
    if (target?.current) throw new ChatError('invalid_input', 'That is this device: use Sign out to sign out here.');
    if (!target || !(await this.#api.revokeSession(id))) throw new ChatError('not_found', 'That device is not signed in any more.');
    return this.list();
  }

  /**
   * After signing in again in place of the session `previous`: the id of the session now held. Throws
   * (unauthorized) when `previous` was ended elsewhere, after ending the new session as well. A server that
   * lists no sessions (v1) answers null.
   */
  async takeOver(previous: string | null): Promise<string | null> {
    let listed: SessionInfo[];
    try {
      listed = await this.#api.sessions();
    } catch (error) {
      if (toChatError(error).info.code === 'not_found') return null;
      throw error;
    }
    const now = listed.find((s) => s.current)!;
    if (previous === null || previous === now.id) return now.id;
    if (!listed.some((s) => s.id === previous)) {
      await this.#api.logout().catch(() => undefined);
      this.#api.useToken(null);
      throw new ChatError('unauthorized', SIGNED_OUT_ELSEWHERE);
    }
    // It only expired: this device keeps one session in the list, the new one.
    await this.#api.revokeSession(previous).catch(() => undefined);
    return now.id;
  }
}
