// Words for a failed validation. Type-only use of zod, so code that only reports errors (the window) does not
// bundle it.
import type { z } from 'zod';

/** `field: why` for the first problem, the form every 400 message takes. */
export function describeIssues(error: z.ZodError, options: { skipPath?: number } = {}): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => {
      const path = issue.path.slice(options.skipPath ?? 0).join('.');
      if (issue.code === 'unrecognized_keys') return `unknown field${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.join(', ')}`;
      if (issue.code === 'invalid_type' && issue.input === undefined) return `${path}: is required`;
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}
