#!/usr/bin/env bash
# test-all.sh - the whole suite, as `make test` runs it: the normal build,
# then the same tests under ASan+UBSan, then the other suites. Ends with
# one "N passed, N failed" line over everything.
set -u
cd "$(dirname "$0")/.."
log=$(mktemp); trap 'rm -f "$log"' EXIT
status=0
run() { # name command...
  echo "== $1"; shift
  "$@" 2>&1 | tee -a "$log"; local rc=${PIPESTATUS[0]}
  [ "$rc" -eq 0 ] || status=1
}
run "unit and HTTP tests" make --no-print-directory test-fast
run "same under ASan+UBSan" make --no-print-directory test-asan
for extra in scripts/test-extra-*.sh; do
  [ -x "$extra" ] && run "$(basename "$extra" .sh)" "$extra"
done
# Sum the per-build totals ("build: N passed, M failed", "<suite>-total: ...").
read -r p f < <(grep -E '^[A-Za-z0-9_./-]+: [0-9]+ passed, [0-9]+ failed$' "$log" \
  | grep -E '^(build[^:]*|[a-z0-9-]+-total):' \
  | sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed/\1 \2/' \
  | awk '{p+=$1; f+=$2} END {print p+0, f+0}')
echo "$p passed, $f failed"
[ "$f" -eq 0 ] || status=1
exit $status
