#!/usr/bin/env bash
# test-extra-postgresql.sh - the second database backend in `make test`
# (issue 11 item 4): the unit tests that go through db.h and the whole HTTP
# suite, their test servers included, against a throw-away PostgreSQL 15
# cluster (scripts/test-pg.sh, scripts/pg-temp.sh; `make test-pg` alone).
# If the cluster cannot start, this fails: it never skips.  Checks that
# read the SQLite file itself count as skipped there.
# Ends with "postgresql-total: N passed, M failed, K skipped".
set -u
cd "$(dirname "$0")/.."
out=$(make --no-print-directory test-pg 2> >(sed 's/^/  [pg] /' >&2)); rc=$?
printf '%s\n' "$out"
line=$(printf '%s\n' "$out" | grep -E '^test-pg: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped' | tail -n 1)
if [ -z "$line" ]; then
  echo "postgresql: no summary from make test-pg (exit $rc)"
  echo "postgresql-total: 0 passed, 1 failed"
  exit 1
fi
p=$(sed -E 's/.*: ([0-9]+) passed.*/\1/' <<<"$line")
f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
k=$(sed -E 's/.* ([0-9]+) skipped.*/\1/' <<<"$line")
[ "$rc" -eq 0 ] || [ "$f" -gt 0 ] || f=1
echo "postgresql-total: $p passed, $f failed, $k skipped"
[ "$f" -eq 0 ]
