#!/usr/bin/env bash
# test-extra-crash.sh - the short durability run of `make test` (issue 4):
# tests/crash.c kills the server with SIGKILL at random moments under a
# concurrent write load (5 kills in about 20 s), then checks that every
# acknowledged write is stored exactly once and the database is intact,
# and takes `hoidong backup` under load and serves the copy.  `make soak`
# runs the same program much longer (scripts/soak.sh).
# Ends with "crash-total: N passed, M failed" (summed by test-all.sh).
# Settings: CRASH_KILLS, CRASH_SECONDS, CRASH_WRITERS.
set -u
cd "$(dirname "$0")/.."
if ! make --no-print-directory build/hoidong-test build/tests/crash >/dev/null; then
  echo "crash: build failed"
  echo "crash-total: 0 passed, 1 failed"
  exit 1
fi
export HOIDONG_BIN="$PWD/build/hoidong-test"
out=$(timeout 600 build/tests/crash --kills "${CRASH_KILLS:-5}" --seconds "${CRASH_SECONDS:-20}" \
      --writers "${CRASH_WRITERS:-4}" 2> >(sed 's/^/  [crash] /' >&2)); rc=$?
printf '%s\n' "$out"
line=$(printf '%s\n' "$out" | grep -E '^crash: [0-9]+ passed, [0-9]+ failed$' | tail -n 1)
if [ -z "$line" ]; then
  echo "crash: crashed or printed no summary (exit $rc)"
  echo "crash-total: 0 passed, 1 failed"
  exit 1
fi
p=$(sed -E 's/.*: ([0-9]+) passed.*/\1/' <<<"$line"); f=$(sed -E 's/.* ([0-9]+) failed/\1/' <<<"$line")
[ "$rc" -eq 0 ] || [ "$f" -gt 0 ] || f=1
echo "crash-total: $p passed, $f failed"
[ "$f" -eq 0 ]
