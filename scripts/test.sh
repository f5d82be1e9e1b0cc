#!/usr/bin/env bash
# The README's test command (`npm test`): every test of the project, in one run.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the browser, keyring, Apache and PostgreSQL tests need (installed when missing, as root).
bash scripts/ci/system-packages.sh

# Types first: TypeScript strict over core, node, server, cli, electron and the tests; svelte-check over the window.
npm run typecheck

# The boundaries between the folders and no floating promises (eslint.config.js; docs/architecture.md).
npm run lint

npx vitest run

# The web client end to end in Debian's Chromium against a real server (test/e2e; builds dist/web first).
npx playwright test

# The server suite and the two-instance tests again, on PostgreSQL: a private throwaway cluster
# (scripts/ci/postgres.sh; installs Debian's postgresql when missing and running as root).
scripts/ci/with-postgres.sh npx vitest run --project node server test/deploy/two-instances

# CI only (CI=true), 60 s each: an instance killed with SIGKILL, then PostgreSQL restarted, under continuous
# sending by real clients behind a round-robin proxy (test/soak; also `npm run test:soak`).
if [ "${CI:-}" = true ]; then
  npm run test:soak
fi

# Desktop app: "stay signed in" against a real GNOME Keyring on a private D-Bus session.
bash scripts/test-keyring.sh

# Desktop app end to end (test/electron): the desktop window with the real preload and main-process core in
# Chromium, and the real Electron app (Playwright's _electron; skips, saying why, without the Electron binary).
if [ -z "${DISPLAY:-}" ] && command -v xvfb-run >/dev/null 2>&1 && command -v xauth >/dev/null 2>&1; then
  xvfb-run -a npx playwright test --config test/electron/playwright.config.ts
else
  npx playwright test --config test/electron/playwright.config.ts
fi
