#!/usr/bin/env bash
# test-extra-fuzz.sh - the short fuzz run of `make test` (scripts/test-all.sh
# runs every scripts/test-extra-*.sh): build the libFuzzer targets and run
# each for FUZZ_SHORT_SECONDS (default 5) from its seed corpus, so every
# regression seed in fuzz/corpus is replayed and a few seconds of new
# inputs are tried.  Ends with "fuzz-total: N passed, M failed".
cd "$(dirname "$0")/.." || exit 1
exec scripts/fuzz.sh --short "${FUZZ_SHORT_SECONDS:-5}"
