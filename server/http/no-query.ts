// Routes that take no query parameters refuse any, like routes with a query schema refuse unknown ones.
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { parseOr400 } from './errors.js';

const emptyQuerySchema = z.strictObject({});

export const noQuery: RequestHandler = (req, _res, next) => {
  parseOr400(emptyQuerySchema, req.query, 'query');
  next();
};
