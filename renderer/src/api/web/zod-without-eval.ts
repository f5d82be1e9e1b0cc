// Imported first by the web adapter, before any module that builds a zod schema. The page runs under a CSP
// without 'unsafe-eval'; zod decides at schema construction whether to compile a fast path with
// `new Function`, and its probe alone is blocked and reported as a CSP violation. The interpreter
// validates the same way.
import { z } from 'zod';

z.config({ jitless: true });
