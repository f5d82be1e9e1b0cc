// Serves the built web client (WEB_ROOT, default dist/web) at / with its assets, and index.html for
// unknown non-API pages a browser asks for (client-side routes). Without a build, / says how to make one.
import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';

export const API_PREFIXES = ['/users', '/login', '/logout', '/messages', '/events', '/health'];

function isApiPath(p: string): boolean {
  return API_PREFIXES.some((prefix) => p === prefix || p.startsWith(`${prefix}/`));
}

export function webClientRouter(webRoot: string): Router {
  const router = Router();
  const index = path.join(webRoot, 'index.html');
  if (!existsSync(index)) {
    router.get('/', (_req, res) => {
      res.type('text/plain').send('The web client is not built here: run `npm run build:web` (it goes to dist/web) or set WEB_ROOT.\n');
    });
    return router;
  }
  router.use(express.static(webRoot, { index: 'index.html', dotfiles: 'ignore', redirect: false }));
  router.get(/.*/, (req, res, next) => {
    if (isApiPath(req.path) || !(req.headers.accept ?? '').includes('text/html')) {
      next();
      return;
    }
    res.sendFile(index);
  });
  return router;
}
