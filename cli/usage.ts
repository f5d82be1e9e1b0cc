// CLI side: the usage error (exit 2) and the one way an argument is checked against a schema.
import type { z } from 'zod';
import { describeIssues } from '../core/protocol/schemas.js';

export class UsageError extends Error {}

/** `value` as `schema` reads it, or a UsageError naming `what` (an option or argument) and why. */
export function check<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new UsageError(`${what}: ${describeIssues(result.error)}`);
  return result.data;
}
