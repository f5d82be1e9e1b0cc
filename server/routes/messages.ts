// POST /messages, GET /messages, GET /messages/:id.
import { Router } from 'express';
import { z } from 'zod';
import { messageIdSchema, messagesQuerySchema, sendMessageRequestSchema } from '../../core/protocol/schemas.js';
import { requireCaller } from '../auth/authenticate.js';
import { ApiError, parseOr400 } from '../http/errors.js';
import type { MessageAppender } from '../messages/append.js';
import { findMessage, listMessages } from '../messages/query.js';
import { noQuery } from '../http/no-query.js';
import type { RouteContext } from './context.js';

const pathSchema = z.strictObject({ id: messageIdSchema });

function formatBytes(bytes: number): string {
  for (const [unit, size] of [['GiB', 1024 ** 3], ['MiB', 1024 ** 2], ['KiB', 1024]] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size} ${unit}`;
  }
  return `${bytes} bytes`;
}

export function messagesRouter({ db, auth, limits }: RouteContext, appender: MessageAppender): Router {
  const router = Router();

  router.post('/messages', auth.required, noQuery, limits.sendPerUser, async (req, res) => {
    const sender = requireCaller(res);
    const message = parseOr400(sendMessageRequestSchema, req.body, 'request body');
    const result = await appender.append(sender, message);
    if (result.outcome === 'conflict') {
      throw new ApiError('conflict', `a different message with id ${message.id} already exists`);
    }
    if (result.outcome === 'unknown-recipient') throw new ApiError('not_found', `there is no user ${message.recipient}`);
    if (result.outcome === 'blocked') throw new ApiError('forbidden', 'the recipient does not accept your messages');
    if (result.outcome === 'quota-exceeded') {
      // PROTOCOL.md v2's error code; core's v1 ErrorCode list does not have it, so it is written out here.
      res.status(413).json({
        error: {
          code: 'quota_exceeded',
          message: `your stored messages would exceed this server's limit of ${formatBytes(result.quotaBytes)} per user`,
        },
      });
      return;
    }
    if (result.outcome === 'repeated') res.status(200).json(result.record);
    else res.status(201).json(result.header);
  });

  router.get('/messages', auth.required, async (req, res) => {
    const username = requireCaller(res);
    const query = parseOr400(messagesQuerySchema, req.query, 'query');
    res.json({ messages: await listMessages(db, username, query) });
  });

  router.get('/messages/:id', auth.required, noQuery, async (req, res) => {
    const username = requireCaller(res);
    const { id } = parseOr400(pathSchema, req.params, 'path');
    const record = await findMessage(db, username, id);
    if (!record) throw new ApiError('not_found', `there is no message ${id} of yours`);
    res.json(record);
  });

  return router;
}
