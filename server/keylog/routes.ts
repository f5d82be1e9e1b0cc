// The five key-log endpoints of PROTOCOL.md "Key transparency". Each takes "directory" auth: a token when
// USER_DIRECTORY=signed-in (the default), none when public — as GET /users. Queries are validated with
// core/protocol/schemas-keylog.ts (unknown parameters refused); sizes are checked against the newest head.
import { Router, type Request, type Response } from 'express';
import {
  keyLogConsistencyQuerySchema,
  keyLogEntriesQuerySchema,
  keyLogProofQuerySchema,
  type ConsistencyProofResponse,
  type InclusionProofResponse,
  type KeyLogEntriesResponse,
  type KeyLogKeyResponse,
  type SignedTreeHeadResponse,
} from '../../core/protocol/schemas-keylog.js';
import { DEFAULT_PAGE_LIMIT } from '../../core/protocol/constants.js';
import { caller } from '../auth/authenticate.js';
import { ApiError, parseOr400 } from '../http/errors.js';
import { noQuery } from '../http/no-query.js';
import type { RouteContext } from '../routes/context.js';
import type { KeyLog } from './key-log.js';
import { readFrom } from './nodes.js';
import { consistencyProof, inclusionProof, readEntries } from './proofs.js';

type Handler = (req: Request, res: Response) => Promise<void>;

const noHeadYet = () => new ApiError('unavailable', 'the key log has no signed head yet; try again in a few seconds');

export function keyLogRouter({ config, db }: RouteContext, keyLog: KeyLog): Router {
  const router = Router();
  const select = readFrom(db);

  const directory = (_req: Request, res: Response, next: () => void): void => {
    if (config.userDirectory === 'signed-in' && caller(res) === undefined) {
      throw new ApiError('unauthorized', 'this server shows its key log to signed-in users only: send Authorization: Bearer <token>');
    }
    next();
  };

  /** The newest head's size: what a proof may reach (a client only holds heads up to it). */
  const headSize = async (): Promise<number> => {
    const head = await keyLog.head();
    if (!head) throw noHeadYet();
    return head.size;
  };

  const key: Handler = async (_req, res) => {
    const { publicKey, fingerprint } = await keyLog.key();
    res.json({ publicKey, fingerprint } satisfies KeyLogKeyResponse);
  };

  const head: Handler = async (_req, res) => {
    const newest = await keyLog.head();
    if (!newest) throw noHeadYet();
    res.json(newest satisfies SignedTreeHeadResponse);
  };

  const entries: Handler = async (req, res) => {
    const query = parseOr400(keyLogEntriesQuerySchema, req.query, 'query');
    const start = query.start ?? 0;
    const list = await readEntries(select, start, query.limit ?? DEFAULT_PAGE_LIMIT);
    res.json({ entries: list } satisfies KeyLogEntriesResponse);
  };

  const proof: Handler = async (req, res) => {
    const { index, size } = parseOr400(keyLogProofQuerySchema, req.query, 'query');
    const newest = await headSize();
    if (size > newest) throw new ApiError('invalid_request', `query: size: must be at most the newest head's size (${newest})`);
    res.json({ index, size, proof: await inclusionProof(select, index, size) } satisfies InclusionProofResponse);
  };

  const consistency: Handler = async (req, res) => {
    const { from, to } = parseOr400(keyLogConsistencyQuerySchema, req.query, 'query');
    const newest = await headSize();
    if (to > newest) throw new ApiError('invalid_request', `query: to: must be at most the newest head's size (${newest})`);
    res.json({ from, to, proof: await consistencyProof(select, from, to) } satisfies ConsistencyProofResponse);
  };

  router.get('/keylog/key', directory, noQuery, key);
  router.get('/keylog/head', directory, noQuery, head);
  router.get('/keylog/entries', directory, entries);
  router.get('/keylog/proof', directory, proof);
  router.get('/keylog/consistency', directory, consistency);
  return router;
}
