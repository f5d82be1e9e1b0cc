// POST /messages (direct messages in format 1 or 2, group messages), GET /messages, GET /messages/:id,
// DELETE /messages/:id.
import { Router, type Response } from 'express';
import { z } from 'zod';
import { messageIdSchema } from '../../core/protocol/schemas.js';
import { directSendRequestSchema, groupSendRequestSchema, messagesQueryV2Schema } from '../../core/protocol/schemas-v2.js';
import { requireCaller } from '../auth/authenticate.js';
import { ApiError, parseOr400 } from '../http/errors.js';
import type { AppendResult, MessageAppender, Outgoing } from '../messages/append.js';
import { eraseMessage } from '../messages/erase.js';
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

const has = (body: unknown, field: string) => typeof body === 'object' && body !== null && Object.hasOwn(body, field);

/** A body naming `group` is a group message, any other a direct one; each schema then refuses what does not belong. */
function parseOutgoing(body: unknown): Outgoing {
  if (has(body, 'group')) return { kind: 'group', message: parseOr400(groupSendRequestSchema, body, 'request body') };
  return { kind: 'direct', message: parseOr400(directSendRequestSchema, body, 'request body') };
}

/** PROTOCOL.md v2's error codes; core's v1 ErrorCode list does not have them, so they are written out here. */
function sendV2Error(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ error: { code, message } });
}

function answer(res: Response, outgoing: Outgoing, result: AppendResult): void {
  const { id } = outgoing.message;
  switch (result.outcome) {
    case 'created':
      // The record less its encrypted fields: the header, and the attachments it names.
      res.status(201).json(result.attachments.length > 0 ? { ...result.header, attachments: result.attachments } : result.header);
      return;
    case 'repeated':
      res.status(200).json(result.record);
      return;
    case 'conflict':
      throw new ApiError('conflict', `a different message with id ${id} already exists`);
    case 'unknown-recipient':
      throw new ApiError('not_found', `there is no user ${outgoing.kind === 'direct' ? outgoing.message.recipient : ''}`);
    case 'gone':
      throw new ApiError('gone', `the account ${outgoing.kind === 'direct' ? outgoing.message.recipient : ''} was deleted`);
    case 'blocked':
      throw new ApiError('forbidden', 'the recipient does not accept your messages');
    case 'not-member':
      throw new ApiError('not_found', `there is no group ${outgoing.kind === 'group' ? outgoing.message.group : ''} of yours`);
    case 'alone':
      throw new ApiError('invalid_request', 'request body: group: you are its only member, so there is nobody to send to');
    case 'members-changed':
      sendV2Error(res, 409, 'members_changed', "keys must name exactly the group's current members other than you; read the group again");
      return;
    case 'bad-attachments':
      throw new ApiError('invalid_request', result.message);
    case 'quota-exceeded':
      sendV2Error(res, 413, 'quota_exceeded', `your stored messages would exceed this server's limit of ${formatBytes(result.quotaBytes)} per user`);
      return;
  }
}

export function messagesRouter({ db, auth, limits }: RouteContext, appender: MessageAppender): Router {
  const router = Router();

  router.post('/messages', auth.required, noQuery, limits.sendPerUser, async (req, res) => {
    const sender = requireCaller(res);
    const outgoing = parseOutgoing(req.body);
    answer(res, outgoing, await appender.append(sender, outgoing));
  });

  router.get('/messages', auth.required, async (req, res) => {
    const username = requireCaller(res);
    const query = parseOr400(messagesQueryV2Schema, req.query, 'query');
    res.json({ messages: await listMessages(db, username, query) });
  });

  router.get('/messages/:id', auth.required, noQuery, async (req, res) => {
    const username = requireCaller(res);
    const { id } = parseOr400(pathSchema, req.params, 'path');
    const record = await findMessage(db, username, id);
    if (!record) throw new ApiError('not_found', `there is no message ${id} of yours`);
    res.json(record);
  });

  router.delete('/messages/:id', auth.required, noQuery, async (req, res) => {
    const username = requireCaller(res);
    const { id } = parseOr400(pathSchema, req.params, 'path');
    if (req.body !== undefined) parseOr400(z.strictObject({}), req.body, 'request body');
    if (!(await eraseMessage(db, username, id))) throw new ApiError('not_found', `there is no message ${id} that you sent`);
    res.status(204).end();
  });

  return router;
}
