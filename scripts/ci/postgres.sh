#!/usr/bin/env bash
# A private, throwaway PostgreSQL cluster for tests and benchmarks (never the host's own cluster).
#
#   scripts/ci/postgres.sh start DIR   initdb (if needed) + start a cluster in DIR on 127.0.0.1 and a free
#                                      port; prints `TEST_DATABASE_URL=postgres://…` on stdout
#   scripts/ci/postgres.sh stop DIR    stops the cluster in DIR (no error when it is not running)
#   scripts/ci/postgres.sh restart DIR stops it if running and starts it again on the same port (the
#                                      instance-failure soak takes the database away and brings it back)
#   scripts/ci/postgres.sh remove DIR  stops it and deletes DIR: the clean-up of a throwaway cluster
#   scripts/ci/postgres.sh url DIR     prints the URL of the cluster in DIR
#
# Idempotent: `start` on a running cluster only prints its URL. Installs Debian's `postgresql` when no
# PostgreSQL binaries are found and we are root. As root, PostgreSQL runs as the `postgres` user (initdb
# refuses root), so DIR is handed to that user.
set -euo pipefail

role=encrypted_chat
database=encrypted_chat_test

log() { echo "postgres.sh: $*" >&2; }

find_bindir() {
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
    pg_config --bindir; return
  fi
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/initdb" ]; then echo "$d"; return; fi
  done
  if command -v initdb >/dev/null 2>&1; then dirname "$(readlink -f "$(command -v initdb)")"; return; fi
  return 1
}

ensure_installed() {
  if find_bindir >/dev/null; then return; fi
  if [ "$(id -u)" -ne 0 ]; then
    log "PostgreSQL is not installed; install Debian's postgresql (apt-get install postgresql) and retry"
    exit 1
  fi
  log "installing Debian's postgresql"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
}

# Runs a PostgreSQL binary as the cluster's owner.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

url_of() {
  local dir=$1
  echo "postgres://${role}:$(cat "$dir/password")@127.0.0.1:$(cat "$dir/port")/${database}"
}

is_running() {
  local dir=$1 bindir=$2
  [ -f "$dir/data/postmaster.pid" ] && as_owner "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1
}

start() {
  local dir=$1 bindir
  ensure_installed
  bindir=$(find_bindir)
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir"; chmod 700 "$dir"; fi

  if is_running "$dir" "$bindir"; then
    echo "TEST_DATABASE_URL=$(url_of "$dir")"
    return
  fi

  if [ ! -f "$dir/data/PG_VERSION" ]; then
    local superpw
    superpw=$(openssl rand -hex 24)
    openssl rand -hex 24 > "$dir/password"
    printf '%s\n' "$superpw" > "$dir/superpassword"
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir/password" "$dir/superpassword"; fi
    chmod 600 "$dir/password" "$dir/superpassword"
    # Local socket connections (only the owner can reach the socket in DIR) are trusted; TCP needs a password.
    as_owner "$bindir/initdb" -D "$dir/data" -U postgres --pwfile="$dir/superpassword" \
      --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { log "initdb failed:"; cat "$dir/initdb.log" >&2; exit 1; }
  fi

  if [ "${keep_port:-0}" != 1 ] || [ ! -f "$dir/port" ]; then free_port > "$dir/port"; fi
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir/port"
  local port
  port=$(cat "$dir/port")
  # fsync off: a test cluster trades durability for speed; it is thrown away anyway.
  as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir -c fsync=off \
        -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null \
    || { log "PostgreSQL did not start:"; tail -n 30 "$dir/server.log" >&2; exit 1; }

  local psql=("$bindir/psql" -h "$dir" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtA)
  if [ "$(as_owner "${psql[@]}" -c "select 1 from pg_roles where rolname = '$role'")" != "1" ]; then
    as_owner "${psql[@]}" -c "create role $role login createdb password '$(cat "$dir/password")'"
  fi
  if [ "$(as_owner "${psql[@]}" -c "select 1 from pg_database where datname = '$database'")" != "1" ]; then
    as_owner "${psql[@]}" -c "create database $database owner $role"
  fi
  echo "TEST_DATABASE_URL=$(url_of "$dir")"
}

stop() {
  local dir=$1 bindir
  bindir=$(find_bindir) || return 0
  if is_running "$dir" "$bindir"; then
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
  fi
}

remove() {
  stop "$1" || true
  rm -rf "$1"
}

case "${1:-}" in
  start) start "${2:?usage: postgres.sh start DIR}" ;;
  stop) stop "${2:?usage: postgres.sh stop DIR}" ;;
  restart) stop "${2:?usage: postgres.sh restart DIR}"; keep_port=1 start "$2" ;;
  remove) remove "${2:?usage: postgres.sh remove DIR}" ;;
  url) url_of "${2:?usage: postgres.sh url DIR}" ;;
  *) echo "usage: $0 start|stop|restart|remove|url DIR" >&2; exit 2 ;;
esac
