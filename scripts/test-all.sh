#!/usr/bin/env bash
# test-all.sh - the whole suite, as `make test` runs it: the normal build,
# then the same tests under ASan+UBSan, then the other suites. Ends with
# one "N passed, M failed, K skipped" line over everything.
#
# Nothing can vanish from the count: a suite that exits non-zero without
# printing its total (it died, or its build failed) adds one failure, and
# so does a scripts/test-extra-*.sh that is not executable (a lost mode
# bit once hid every extra suite).  Skipped checks (e.g. not root) are
# counted as skipped, never as passed.
set -u
cd "$(dirname "$0")/.."
log=$(mktemp); one=$(mktemp); trap 'rm -f "$log" "$one"' EXIT
TOTAL_RE='^(build[^:]*|[a-z0-9-]+-total): [0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$'
status=0; dead=0
run() { # name command...
  local name=$1; shift
  echo "== $name"
  "$@" 2>&1 | tee "$one"; local rc=${PIPESTATUS[0]}
  cat "$one" >>"$log"
  if [ "$rc" -ne 0 ]; then
    status=1
    if ! grep -qE "$TOTAL_RE" "$one"; then
      echo "$name: died without its summary (exit $rc): counted as 1 failed"
      dead=$((dead+1))
    fi
  fi
}
run "unit and HTTP tests" make --no-print-directory test-fast
run "same under ASan+UBSan" make --no-print-directory test-asan
for extra in scripts/test-extra-*.sh; do
  if [ -x "$extra" ]; then
    run "$(basename "$extra" .sh)" "$extra"
  else
    echo "== $(basename "$extra" .sh): not executable (chmod +x?): counted as 1 failed"
    dead=$((dead+1)); status=1
  fi
done
# Sum the per-build totals ("build: N passed, M failed[, K skipped]", "<suite>-total: ...").
read -r p f k < <(grep -E "$TOTAL_RE" "$log" \
  | sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed(, ([0-9]+) skipped)?$/\1 \2 \4/' \
  | awk '{p+=$1; f+=$2; k+=$3} END {print p+0, f+0, k+0}')
f=$((f+dead))
echo "$p passed, $f failed, $k skipped"
[ "$f" -eq 0 ] || status=1
exit $status
