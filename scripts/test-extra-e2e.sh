#!/usr/bin/env bash
# test-extra-e2e.sh - the real-browser suite (`make e2e`; `make test` runs it
# through scripts/test-all.sh).  Installs what is missing (Debian's chromium
# and chromium-driver; Node.js and npm from Debian when there is no `node`;
# playwright-core and axe-core, pinned in e2e/package-lock.json, with
# `npm ci`), builds hoidong, then runs every e2e/*.mjs file: each starts its
# own server (test mode, loopback, demo content) and prints
# "<name>: N passed, M failed".  Screenshots and the axe report go to
# build/e2e-artifacts/.  Ends with exactly one "e2e-total: N passed, M failed".
set -u
cd "$(dirname "$0")/.."
pass=0; fail=0; skip=0
finish() { echo "e2e-total: $pass passed, $fail failed"; [ "$fail" -eq 0 ]; exit $?; }

extra=(chromium chromium-driver)
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || extra+=(nodejs npm)
if ! scripts/install-deps.sh "${extra[@]}"; then
  echo "e2e: could not install ${extra[*]}"; fail=1; finish
fi
if [ ! -d e2e/node_modules/playwright-core ] || [ ! -d e2e/node_modules/axe-core ] \
   || [ e2e/package-lock.json -nt e2e/node_modules/.package-lock.json ]; then
  echo "e2e: npm ci (playwright-core, axe-core; no browser download)"
  if ! (cd e2e && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 timeout 600 npm ci --no-audit --no-fund --loglevel=error); then
    echo "e2e: npm ci failed"; fail=1; finish
  fi
fi
if ! make --no-print-directory build/hoidong-test >/dev/null; then
  echo "e2e: build failed"; fail=1; finish
fi
mkdir -p build/e2e-artifacts
export HOIDONG_BIN="$PWD/build/hoidong-test"
for f in e2e/*.mjs; do
  name=$(basename "$f" .mjs)
  echo "-- $name"
  out=$(timeout 420 node "$f" 2>&1); rc=$?
  printf '%s\n' "$out" | sed 's/^/  /'
  line=$(printf '%s\n' "$out" | grep -E "^$name: [0-9]+ passed, [0-9]+ failed$" | tail -n 1)
  if [ -z "$line" ]; then
    echo "$name: crashed or printed no summary (exit $rc)"; fail=$((fail+1)); continue
  fi
  p=$(sed -E 's/.*: ([0-9]+) passed.*/\1/' <<<"$line"); f2=$(sed -E 's/.* ([0-9]+) failed/\1/' <<<"$line")
  pass=$((pass+p)); fail=$((fail+f2))
  skip=$((skip + $(printf '%s\n' "$out" | grep -c '^skip - ')))
  [ "$rc" -eq 0 ] || [ "$f2" -gt 0 ] || { echo "$name: exit $rc"; fail=$((fail+1)); }
done
[ "$skip" -gt 0 ] && echo "e2e: $skip skipped (routes not built yet)"
echo "e2e: screenshots in build/e2e-artifacts/"
finish
