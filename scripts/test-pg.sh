#!/usr/bin/env bash
# test-pg.sh BUILD_DIR - the unit tests that go through db.h, and the HTTP
# suite with its test servers on PostgreSQL, against a
# throw-away PostgreSQL cluster (scripts/pg-temp.sh) instead of SQLite:
# HOIDONG_TEST_PG holds the server's URL and tests/t.c gives every test
# database its own schema there.  `make test-pg` runs it.  If the cluster
# cannot start, this fails: it never falls back to SQLite or skips.
# Prints the same "N passed, M failed" lines as run-tests.sh.
set -u
B=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
out=$(PG_TEMP_FSYNC=off "$here/pg-temp.sh" start) || { echo "test-pg: cannot start PostgreSQL (see above)"; echo "test-pg: 0 passed, 1 failed"; exit 1; }
dir=$(sed -n 's/^DIR=//p' <<<"$out")
url=$(sed -n 's/^URL=//p' <<<"$out")
trap '"$here/pg-temp.sh" stop "$dir"' EXIT
[ -n "$url" ] || { echo "test-pg: no URL from pg-temp.sh"; exit 1; }
# The tests talk to it over its Unix socket in DIR: a round trip costs about
# half of TCP's, and the tests make hundreds of thousands.
port=$(sed -E 's/.*:([0-9]+)\/.*/\1/' <<<"$url")
url="postgresql://hoidong@/hoidong?host=$dir&port=$port"
echo "test-pg: PostgreSQL at $url"
export HOIDONG_TEST_PG="$url"
# Every unit program; those that never open a database pass as they do on
# SQLite.  unit_fuzz_regress opens ":memory:" databases (SQLite by nature).
pass=0; fail=0; skip=0; status=0
start=$(date +%s)
for t in "$B"/tests/unit_*; do
  [ -x "$t" ] || continue
  name=$(basename "$t")
  o=$(timeout 600 "$t" 2> >(sed "s/^/  [$name] /" >&2)); rc=$?
  line=$(printf '%s\n' "$o" | grep -E '^[a-z_]+: [0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$' | tail -n 1)
  if [ -z "$line" ]; then
    echo "$name: crashed or printed no summary (exit $rc)"; fail=$((fail+1)); status=1; continue
  fi
  echo "$line"
  p=$(sed -E 's/.*: ([0-9]+) passed.*/\1/' <<<"$line"); f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
  k=0; [[ $line == *skipped ]] && k=$(sed -E 's/.* ([0-9]+) skipped$/\1/' <<<"$line")
  pass=$((pass+p)); fail=$((fail+f)); skip=$((skip+k))
  [ "$rc" -eq 0 ] || status=1
done
# The HTTP suite: the test server itself runs on PostgreSQL (tests/tclient.c
# gives each server its schema through t_db).  Checks that read the SQLite
# file (privacy scans, the full-disk test, hoidong backup) count as skipped.
export HOIDONG_BIN=${HOIDONG_BIN:-$B/hoidong-test} HOIDONG_SHIPPED_BIN=${HOIDONG_SHIPPED_BIN:-$B/hoidong}
for t in "$B"/tests/http_*; do
  [ -x "$t" ] || continue
  name=$(basename "$t")
  o=$(timeout 900 "$t" 2> >(sed "s/^/  [$name] /" >&2)); rc=$?
  line=$(printf '%s\n' "$o" | grep -E '^[a-z_]+: [0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$' | tail -n 1)
  if [ -z "$line" ]; then
    echo "$name: crashed or printed no summary (exit $rc)"; fail=$((fail+1)); status=1; continue
  fi
  echo "$line"
  p=$(sed -E 's/.*: ([0-9]+) passed.*/\1/' <<<"$line"); f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
  k=0; [[ $line == *skipped ]] && k=$(sed -E 's/.* ([0-9]+) skipped$/\1/' <<<"$line")
  pass=$((pass+p)); fail=$((fail+f)); skip=$((skip+k))
  [ "$rc" -eq 0 ] || status=1
done
# Several nodes behind nginx on one database (scripts/cluster.sh --check:
# its own PostgreSQL, two nodes, / and an article through nginx and from
# each node).  Skipped, and counted so, when nginx is not installed.
if command -v nginx >/dev/null; then
  o=$(B="$B" timeout 300 "$here/cluster.sh" --check 2> >(sed "s/^/  [cluster] /" >&2)); rc=$?
  line=$(printf '%s\n' "$o" | grep -E '^cluster-check: [0-9]+ passed, [0-9]+ failed$' | tail -n 1)
  if [ -z "$line" ]; then
    echo "cluster-check: crashed or printed no summary (exit $rc)"; fail=$((fail+1)); status=1
  else
    echo "$line"
    p=$(sed -E 's/.*: ([0-9]+) passed.*/\1/' <<<"$line"); f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
    pass=$((pass+p)); fail=$((fail+f))
    [ "$rc" -eq 0 ] || status=1
  fi
else
  echo "cluster-check: SKIP (nginx is not installed: scripts/install-deps.sh nginx-light)"; skip=$((skip+1))
fi
echo "test-pg: $pass passed, $fail failed, $skip skipped ($(( $(date +%s) - start )) s)"
[ "$fail" -eq 0 ] || status=1
exit $status
