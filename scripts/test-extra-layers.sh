#!/usr/bin/env bash
# test-extra-layers.sh - the layering check of `make test` (issue 7):
# scripts/check-layers.sh on the objects of the normal build (build/obj,
# which test-all.sh's first step has just built; `make all` here brings it
# up to date, or builds it when this runs alone).
# LAYERS_B names another build directory (LAYERS_B=build/h-layers).
# Ends with "layers-total: N passed, M failed" (summed by test-all.sh).
set -u
cd "$(dirname "$0")/.."
b=${LAYERS_B:-build}
if ! make --no-print-directory B="$b" all >/dev/null; then
  echo "layers: build failed"
  echo "layers-total: 0 passed, 1 failed"
  exit 1
fi
out=$(scripts/check-layers.sh "$b/obj"); rc=$?
printf '%s\n' "$out"
line=$(printf '%s\n' "$out" | grep -E '^layers: [0-9]+ passed, [0-9]+ failed$' | tail -n 1)
if [ -z "$line" ]; then
  echo "layers: check printed no summary (exit $rc)"
  echo "layers-total: 0 passed, 1 failed"
  exit 1
fi
p=$(sed -E 's/.*: ([0-9]+) passed.*/\1/' <<<"$line"); f=$(sed -E 's/.* ([0-9]+) failed/\1/' <<<"$line")
[ "$rc" -eq 0 ] || [ "$f" -gt 0 ] || f=1
echo "layers-total: $p passed, $f failed"
[ "$f" -eq 0 ]
