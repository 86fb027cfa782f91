#!/usr/bin/env bash
# fuzz.sh [--short] SECONDS [NAME...] - build the libFuzzer targets
# (fuzz/fuzz_*.c, clang with ASan+UBSan, in build/fuzz) and run each for
# SECONDS with its seed corpus fuzz/corpus/NAME (read only) plus a working
# corpus, FUZZ_JOBS (default: the number of CPUs) at a time.  One line per
# target ("fuzz_NAME: ok, N executions in S s" or "... CRASH ..."), then
# "fuzz-total: N passed, M failed".
#   make fuzz              -> scripts/fuzz.sh 60   (working corpus kept in fuzz/out/NAME/corpus)
#   make test              -> scripts/test-extra-fuzz.sh -> fuzz.sh --short 5 (working corpus in a temp dir)
# A crashing input is saved as fuzz/out/NAME/crash-* (or timeout-*, oom-*,
# leak-*); reproduce with: build/fuzz/fuzz_NAME fuzz/out/NAME/crash-...
# fuzz/NAME.dict (a libFuzzer dictionary) and fuzz/NAME.options (extra
# libFuzzer flags on one line) are used when present.
# Needs clang and libFuzzer (Debian: clang, libclang-rt-14-dev), installed
# through scripts/install-deps.sh when missing.
set -u
cd "$(dirname "$0")/.."
short=0
if [ "${1:-}" = "--short" ]; then short=1; shift; fi
secs=${1:-60}; shift || true

fail_all() { echo "fuzz: $1" >&2; echo "fuzz-total: 0 passed, 1 failed"; exit 1; }

# clang with the libFuzzer runtime?
have_fuzzer() {
  command -v clang >/dev/null 2>&1 || return 1
  echo 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n){(void)d;(void)n;return 0;}' \
    | clang -x c -fsanitize=fuzzer,address,undefined - -o /tmp/hoidong-fuzzcheck.$$ >/dev/null 2>&1
  local rc=$?; rm -f /tmp/hoidong-fuzzcheck.$$; return $rc
}
if ! have_fuzzer; then
  scripts/install-deps.sh clang libclang-rt-14-dev || fail_all "cannot install clang/libFuzzer"
  have_fuzzer || fail_all "clang cannot build libFuzzer targets"
fi

log=$(mktemp); trap 'rm -f "$log"' EXIT
if ! make --no-print-directory -j"$(nproc)" fuzz-build >"$log" 2>&1; then
  grep -E 'error|Error' "$log" | head -20 >&2
  fail_all "build failed (make fuzz-build)"
fi

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for f in fuzz/fuzz_*.c; do n=$(basename "$f" .c); names+=("${n#fuzz_}"); done
fi
work_root=""
if [ $short -eq 1 ]; then work_root=$(mktemp -d); fi

res_dir=$(mktemp -d); trap 'rm -f "$log"; rm -rf "$res_dir" ${work_root:+"$work_root"}' EXIT

# Run target $1; its report goes to $res_dir/$1.txt, its status to $1.rc.
run_one() {
  local n=$1 bin=build/fuzz/fuzz_$1 out=fuzz/out/$1 work tlog=$res_dir/$1.log
  mkdir -p "$out"
  if [ $short -eq 1 ]; then work=$work_root/$n; else work=$out/corpus; fi
  mkdir -p "$work"
  local seeds=() dict=() opts=()
  [ -d fuzz/corpus/$n ] && seeds=(fuzz/corpus/$n)
  # The template target also starts from the real templates (not copied
  # into the corpus, so they never drift from what ships).
  [ "$n" = tmpl ] && seeds+=(templates)
  [ -f fuzz/$n.dict ] && dict=(-dict=fuzz/$n.dict)
  [ -f fuzz/$n.options ] && read -r -a opts < fuzz/$n.options   # extra flags, one line
  local start el rc runs
  start=$(date +%s)
  # -timeout: one input taking 10 s is a bug (a hang); -rss_limit_mb: a
  # leak or a blow-up past 2 GB is one too.
  timeout $((secs + 120)) "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$out/" "${dict[@]}" "${opts[@]}" "$work" "${seeds[@]}" >"$tlog" 2>&1
  rc=$?
  el=$(( $(date +%s) - start ))
  runs=$(grep -a -E '^stat::number_of_executed_units:' "$tlog" | awk '{print $2}' | tail -n 1)
  [ -n "$runs" ] || runs=$(grep -a -oE '^Done [0-9]+ runs' "$tlog" | awk '{print $2}' | tail -n 1)
  {
    if [ $rc -eq 0 ]; then
      echo "fuzz_$n: ok, ${runs:-?} executions in ${el} s"
    else
      local art why
      art=$(grep -a -oE "Test unit written to [^ ]+" "$tlog" | tail -n 1 | sed 's/Test unit written to //')
      why=$(grep -a -m1 -E 'oracle failed|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error' "$tlog")
      echo "fuzz_$n: CRASH (exit $rc) after ${runs:-?} executions: ${why:-see log}"
      [ -n "$art" ] && echo "  input: $art  (reproduce: $bin $art)"
      grep -a -E '^(==|    #[0-9]|SUMMARY|[^ ]+:[0-9]+:[0-9]+: runtime error|fuzz/)' "$tlog" | head -n 25 | sed 's/^/  /'
    fi
  } >"$res_dir/$n.txt"
  echo $rc >"$res_dir/$n.rc"
}

# FUZZ_JOBS targets at a time (default: one per CPU).
jobs_max=${FUZZ_JOBS:-$(nproc)}
running=0
for n in "${names[@]}"; do
  if [ ! -x build/fuzz/fuzz_$n ]; then echo "fuzz: no target fuzz_$n" >&2; echo 1 >"$res_dir/$n.rc"; continue; fi
  run_one "$n" &
  running=$((running+1))
  if [ $running -ge "$jobs_max" ]; then wait -n; running=$((running-1)); fi
done
wait
pass=0; fail=0
for n in "${names[@]}"; do
  [ -f "$res_dir/$n.txt" ] && cat "$res_dir/$n.txt"
  if [ "$(cat "$res_dir/$n.rc" 2>/dev/null)" = "0" ]; then pass=$((pass+1)); else fail=$((fail+1)); fi
done
echo "fuzz-total: $pass passed, $fail failed"
[ $fail -eq 0 ]
