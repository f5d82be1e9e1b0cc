// The one error shape of the protocol, `{"error":{"code","message"}}`, and the handler that turns anything
// thrown into it without ever exposing a stack trace or internals.
import type { ErrorRequestHandler, Response } from 'express';
import type { z } from 'zod';
import { ERROR_STATUS, type ErrorCode } from '../../core/protocol/constants.js';
import { describeIssues } from '../../core/protocol/schemas.js';
import { isDatabaseUnreachable } from '../db/unreachable.js';

/** v1's codes, and v2's (PROTOCOL.md "v2"), which core's v1 ErrorCode list does not have. */
export type ServerErrorCode = ErrorCode | 'gone' | 'members_changed' | 'quota_exceeded';
const V2_STATUS = { gone: 410, members_changed: 409, quota_exceeded: 413 } as const;
const statusOf = (code: ServerErrorCode): number => (code in V2_STATUS ? V2_STATUS[code as keyof typeof V2_STATUS] : ERROR_STATUS[code as ErrorCode]);

export class ApiError extends Error {
  constructor(
    readonly code: ServerErrorCode,
    message: string,
  ) {
    super(message);
  }

  get status(): number {
    return statusOf(this.code);
  }
}

export function sendError(res: Response, code: ServerErrorCode, message: string): void {
  res.status(statusOf(code)).json({ error: { code, message } });
}

/** Parses `input` with a shared schema, or throws a 400 naming the field and why. */
export function parseOr400<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  if (input === undefined) {
    throw new ApiError('invalid_request', `${what}: is required (send JSON with Content-Type: application/json)`);
  }
  // reportInput lets describeIssues tell a missing field from a wrong one; inputs never leave this function.
  const result = schema.safeParse(input, { reportInput: true });
  if (!result.success) throw new ApiError('invalid_request', `${what}: ${describeIssues(result.error)}`);
  return result.data;
}

interface HttpError {
  type?: unknown;
  status?: unknown;
}

/** Client errors raised by Express itself or its body parser (they carry a 4xx `status`). */
function clientError(error: unknown): ApiError | undefined {
  const { type, status } = (error ?? {}) as HttpError;
  if (typeof status !== 'number' || status < 400 || status > 499) return undefined;
  if (type === 'entity.parse.failed') return new ApiError('invalid_request', 'request body is not valid JSON');
  if (type === 'entity.too.large' || status === 413) return new ApiError('too_large', 'request body is larger than the server accepts');
  if (type === 'encoding.unsupported' || type === 'charset.unsupported' || status === 415) {
    return new ApiError('unsupported_media_type', 'request body must be UTF-8 JSON');
  }
  if (typeof type === 'string') return new ApiError('invalid_request', 'request body could not be read');
  return new ApiError('invalid_request', 'malformed request (for example bad %-encoding in the path)');
}

export function errorHandler(onInternal: (error: unknown) => void): ErrorRequestHandler {
  return (error, _req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const known = error instanceof ApiError ? error : clientError(error);
    if (known) {
      sendError(res, known.code, known.message);
      return;
    }
    onInternal(error);
    // A database that is away (stopped, restarting, cut off) is not a fault of the request: 503, come back soon.
    if (isDatabaseUnreachable(error)) {
      sendError(res, 'unavailable', 'the database is not answering; try again in a few seconds');
      return;
    }
    sendError(res, 'internal', 'the server could not complete the request');
  };
}
