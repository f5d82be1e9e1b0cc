#!/usr/bin/env bash
# Runs a command with TEST_DATABASE_URL pointing at a private PostgreSQL cluster, e.g.
#   scripts/ci/with-postgres.sh npx vitest run server test/deploy
# When TEST_DATABASE_URL is already set, the command runs against that database unchanged. Otherwise a
# cluster is started in a temporary directory and stopped and removed when the command ends, whatever
# its outcome. The command's exit status is this script's exit status.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

if [ $# -eq 0 ]; then echo "usage: $0 COMMAND [ARGS...]" >&2; exit 2; fi

if [ -n "${TEST_DATABASE_URL:-}" ]; then
  exec "$@"
fi

dir=$(mktemp -d /tmp/encrypted-chat-pg.XXXXXX)
trap '"$here/postgres.sh" remove "$dir"' EXIT
trap 'exit 130' INT TERM

line=$("$here/postgres.sh" start "$dir")
export TEST_DATABASE_URL=${line#TEST_DATABASE_URL=}
echo "with-postgres.sh: PostgreSQL test cluster on ${TEST_DATABASE_URL##*@}" >&2

status=0
"$@" || status=$?
exit $status
