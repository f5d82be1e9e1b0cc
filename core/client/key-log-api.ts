// Core side (runs anywhere): the five key-log endpoints (PROTOCOL.md "Key transparency") as the client calls
// them, each answer checked against what was asked. A server without a log answers 404 to all of them.
import {
  consistencyProofResponseSchema as consistencySchema,
  inclusionProofResponseSchema as proofSchema,
  keyLogEntriesResponseSchema as entriesSchema,
  keyLogKeyResponseSchema as logKeySchema,
  signedTreeHeadSchema,
} from '../protocol/schemas-keylog.js';
import type { LogEntry, SignedTreeHead } from '../keylog/entries.js';
import { ChatError } from '../api/errors.js';
import { parseAnswer, type HttpApi } from './http-api.js';
import { errorFromResponse } from './http-errors.js';

/** One page of entries at most. */
export const ENTRIES_PAGE = 1000;

export class KeyLogApi {
  readonly #http: HttpApi;

  constructor(http: HttpApi) {
    this.#http = http;
  }

  /** GET /keylog/key; null when the server keeps no key log. */
  async logKey(): Promise<{ publicKey: string; fingerprint: string } | null> {
    const data = await this.#get('/keylog/key', {}, true);
    return data === null ? null : parseAnswer(logKeySchema, data, 'GET /keylog/key');
  }

  async head(): Promise<SignedTreeHead> {
    return parseAnswer(signedTreeHeadSchema, await this.#get('/keylog/head', {}), 'GET /keylog/head');
  }

  async entries(start: number, limit: number): Promise<LogEntry[]> {
    const { entries } = parseAnswer(entriesSchema, await this.#get('/keylog/entries', { start, limit }), 'GET /keylog/entries');
    entries.forEach((e, i) => {
      if (e.index !== start + i) throw new ChatError('protocol_violation', `The key log's entries came out of order (entry ${e.index} where ${start + i} was asked).`);
    });
    return entries;
  }

  async proof(index: number, size: number): Promise<string[]> {
    const answer = parseAnswer(proofSchema, await this.#get('/keylog/proof', { index, size }), 'GET /keylog/proof');
    if (answer.index !== index || answer.size !== size) throw new ChatError('protocol_violation', 'The server answered an inclusion proof for another entry or size.');
    return answer.proof;
  }

  async consistency(from: number, to: number): Promise<string[]> {
    const answer = parseAnswer(consistencySchema, await this.#get('/keylog/consistency', { from, to }), 'GET /keylog/consistency');
    if (answer.from !== from || answer.to !== to) throw new ChatError('protocol_violation', 'The server answered a consistency proof between other sizes.');
    return answer.proof;
  }

  async #get(path: string, query: Record<string, number>, missingIsNull = false): Promise<unknown> {
    const response = await this.#http.raw('GET', path, { auth: this.#http.token !== null, query });
    if (response.status === 200) return response.data;
    if (missingIsNull && response.status === 404) return null;
    throw errorFromResponse(response, `GET ${path}`);
  }
}
