#!/usr/bin/env bash
# The README's test command (`npm test`): every test of the project, in one run.
set -euo pipefail
cd "$(dirname "$0")/.."

npx vitest run

# Desktop app: "stay signed in" against a real GNOME Keyring on a private D-Bus session.
bash scripts/test-keyring.sh
