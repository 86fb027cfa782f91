#!/usr/bin/env bash
# run-tests.sh BUILD_DIR - run every test program in BUILD_DIR/tests, sum
# their "N passed, M failed" lines. Exit non-zero if anything failed or a
# program crashed without printing its summary.
set -u
B=${1:-build}
# The tests run the test build (test aids, tuning.h); tests/http_testaids.c
# also checks the shipped build, named by HOIDONG_SHIPPED_BIN.
export HOIDONG_BIN="$PWD/$B/hoidong-test" HOIDONG_SHIPPED_BIN="$PWD/$B/hoidong"
pass=0; fail=0; skip=0; status=0
for t in "$B"/tests/unit_* "$B"/tests/http_*; do
  [ -x "$t" ] || continue
  name=$(basename "$t")
  out=$(timeout 600 "$t" 2> >(sed "s/^/  [$name] /" >&2)); rc=$?
  line=$(printf '%s\n' "$out" | grep -E '^[a-z_]+: [0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$' | tail -n 1)
  if [ -z "$line" ]; then
    echo "$name: crashed or printed no summary (exit $rc)"; fail=$((fail+1)); status=1; continue
  fi
  echo "$line"
  p=$(sed -E 's/.*: ([0-9]+) passed.*/\1/' <<<"$line"); f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
  k=0; [[ $line == *skipped ]] && k=$(sed -E 's/.* ([0-9]+) skipped$/\1/' <<<"$line")
  pass=$((pass+p)); fail=$((fail+f)); skip=$((skip+k))
  [ "$rc" -eq 0 ] || status=1
done
echo "$B: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] || status=1
exit $status
