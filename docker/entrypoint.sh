#!/bin/sh
# Container entrypoint: bring the database schema up to date, then become the command
# (image default `portalwatch run`; compose and `docker run IMAGE portalwatch portals` only change it).
#
# Why retries: under compose the app can start while PostgreSQL is still initialising, after a
# database restart, or on a host where the database comes up later; failing at once would turn each
# of those into a restart loop. `portalwatch migrate` is tried PORTALWATCH_MIGRATE_ATTEMPTS times
# (default 30), PORTALWATCH_MIGRATE_DELAY seconds apart (default 2), one line per failure; after the
# last one the full output is printed and the container exits 1.
#
# Why `exec`: the command replaces this shell, so it receives SIGTERM from `docker stop` directly
# and its exit code is the container's.
#
# Commands that are not `portalwatch ...` (a shell, python, scrapy) and `--help` run without
# migrating: they must work even when no database is reachable.
set -eu

attempts="${PORTALWATCH_MIGRATE_ATTEMPTS:-30}"
delay="${PORTALWATCH_MIGRATE_DELAY:-2}"

needs_migration() {
  [ "$#" -ge 2 ] && [ "$1" = portalwatch ] || return 1
  for arg in "$@"; do
    case "$arg" in -h | --help) return 1 ;; esac
  done
  return 0
}

# A shell that is PID 1 ignores SIGTERM unless it traps it; the migration and the pause run in the
# background and are awaited with `wait`, which a trapped signal interrupts, so `docker stop` during
# the retries ends the container at once instead of after the grace period.
child=""
trap '[ -n "$child" ] && kill -TERM "$child" 2>/dev/null; exit 143' TERM INT

if needs_migration "$@"; then
  log=$(mktemp)
  n=1
  while :; do
    # This loop is the wait: each attempt fails at once instead of retrying on its own.
    PORTALWATCH_DATABASE_WAIT=0 portalwatch migrate >"$log" 2>&1 &
    child=$!
    if wait "$child"; then
      child=""
      cat "$log"
      break
    fi
    child=""
    if [ "$n" -ge "$attempts" ]; then
      echo "entrypoint: portalwatch migrate failed $n times, giving up; last output:" >&2
      cat "$log" >&2
      rm -f "$log"
      exit 1
    fi
    # The error is portalwatch's one line ("portalwatch migrate: database not reachable: ..."); for a
    # traceback, its last `Name: message` line (SQLAlchemy appends a "Background on this error" link).
    reason=$(grep -E '^[A-Za-z_][A-Za-z0-9_.]*: ' "$log" | tail -n 1)
    [ -n "$reason" ] || reason=$(grep -v '^[[:space:]]*$' "$log" | tail -n 1)
    echo "entrypoint: migrate attempt $n/$attempts failed: $reason; retrying in ${delay}s" >&2
    n=$((n + 1))
    sleep "$delay" &
    child=$!
    wait "$child" || true
    child=""
  done
  rm -f "$log"
fi

trap - TERM INT
exec "$@"
