// Core side (runs anywhere): GET and PUT /account/state, this implementation's sealed account state
// (docs/api.md), as the client calls them; each answer checked against what was asked.
import { decodeBase64, encodeBase64 } from '../protocol/base64.js';
import { accountStatePutResponseSchema, accountStateResponseSchema } from '../protocol/schemas-account-state.js';
import { ChatError } from '../api/errors.js';
import { parseAnswer, type HttpApi } from './http-api.js';
import { errorFromResponse } from './http-errors.js';

export interface StoredState {
  blob: Uint8Array;
  version: number;
}

export type PutOutcome =
  | { kind: 'stored'; version: number }
  /** Another device wrote since `version`: get, merge, put again. */
  | { kind: 'conflict' }
  /** A server without this addition (another implementation of the protocol). */
  | { kind: 'unsupported' }
  | { kind: 'too_large' };

/** What a server that does not have these endpoints answers. */
const NOT_THERE = new Set([404, 405, 501]);

export class AccountStateApi {
  readonly #http: HttpApi;

  constructor(http: HttpApi) {
    this.#http = http;
  }

  /** GET /account/state; null when none is stored (or the server has no such endpoint: the PUT tells). */
  async get(): Promise<StoredState | null> {
    const response = await this.#http.raw('GET', '/account/state', { auth: true });
    if (response.status === 404) return null;
    if (response.status !== 200) throw errorFromResponse(response, 'GET /account/state');
    const answer = parseAnswer(accountStateResponseSchema, response.data, 'GET /account/state');
    return { blob: decodeBase64(answer.state), version: answer.version };
  }

  /** PUT /account/state replacing the state at `version` (0: none yet). */
  async put(blob: Uint8Array, version: number): Promise<PutOutcome> {
    const response = await this.#http.raw('PUT', '/account/state', { auth: true, body: { state: encodeBase64(blob), version } });
    if (response.status === 409) return { kind: 'conflict' };
    if (response.status === 413) return { kind: 'too_large' };
    if (NOT_THERE.has(response.status)) return { kind: 'unsupported' };
    if (response.status !== 200) throw errorFromResponse(response, 'PUT /account/state');
    const stored = parseAnswer(accountStatePutResponseSchema, response.data, 'PUT /account/state').version;
    if (stored !== version + 1) throw new ChatError('protocol_violation', `The server stored the account state as version ${stored} where ${version + 1} was due.`);
    return { kind: 'stored', version: stored };
  }
}
