// pino to stderr (stdout carries only the "listening" line). Requests log one line each: method, route
// pattern, status and time. Never headers, bodies, query strings, tokens or message fields.
import type { RequestHandler } from 'express';
import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from './config.js';

export function createLogger(level: LogLevel, destination: DestinationStream = pino.destination({ fd: 2, sync: false })): Logger {
  return pino({ level, base: undefined }, destination);
}

export function requestLogger(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const route = req.route ? `${req.baseUrl}${String(req.route.path)}` : res.statusCode < 400 ? '(static)' : '(none)';
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.info({ method: req.method, route, status: res.statusCode, ms: Math.round(ms * 10) / 10 }, 'request');
    });
    next();
  };
}

/** What may be logged about an unexpected error: its kind and message, never its SQL or parameters. */
export function describeError(error: unknown): { name: string; message: string } {
  if (error instanceof Error) return { name: error.name, message: error.message.slice(0, 200) };
  return { name: typeof error, message: 'non-Error thrown' };
}
