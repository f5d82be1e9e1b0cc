// Core side (runs in Node, Electron main and the browser worker): blocking contacts on the server, and telling
// "no such user" apart from "this server has no blocking", which both answer 404.
import { ChatError, toChatError } from '../api/errors.js';
import type { ServerApi } from './server-api.js';

export class Blocking {
  readonly #api: ServerApi;

  constructor(api: ServerApi) {
    this.#api = api;
  }

  /** PUT (block) or DELETE (unblock) /blocks/{u}. */
  async set(peer: string, blocked: boolean): Promise<void> {
    const answer = await this.#api.setBlocked(peer, blocked);
    if (answer === 'done') return;
    if (answer === 'unsupported' || (await this.#api.blockedList()) === null) {
      throw new ChatError('not_found', 'This server does not support blocking.');
    }
    throw new ChatError('not_found', `There is no user named ${peer}.`);
  }

  /** Who is blocked, for the details view: a failure other than a refused session shows "not blocked" (null). */
  async listOrUnknown(): Promise<string[] | null> {
    try {
      return await this.#api.blockedList();
    } catch (error) {
      if (toChatError(error).info.code === 'unauthorized') throw error;
      return null;
    }
  }
}
