#!/usr/bin/env bash
# Runs every fuzz target of BUILD_DIR (an EIFKIT_FUZZ=ON build) for SECONDS each, two at a
# time, on BUILD_DIR/fuzz/corpus/<target> (the seed corpus of make_corpus.sh copied in; what
# the fuzzer adds stays there for the next run). Fails when any target finds a crash, a leak,
# a timeout or an out-of-memory; the reproducer is BUILD_DIR/fuzz/artifacts/<target>/.
#   run_fuzzers.sh BUILD_DIR SECONDS VECTORS_DIR [TARGET...]
set -uo pipefail
build=$(cd "$1" && pwd) seconds=$2 vectors=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
fuzz=$build/fuzz
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for f in "$build"/tests/fuzz/eifkit_fuzz_*; do targets+=("${f##*/eifkit_fuzz_}"); done
fi

"$here/make_corpus.sh" "$build/eifkit" "$vectors" "$fuzz/seeds" > /dev/null || exit 1
rm -rf "$fuzz/logs"
mkdir -p "$fuzz/logs"
for t in "${targets[@]}"; do
  mkdir -p "$fuzz/corpus/$t" "$fuzz/artifacts/$t"
  cp -n "$fuzz/seeds/$t"/* "$fuzz/corpus/$t/" 2> /dev/null
done

export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=0
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
symbolizer=$(command -v llvm-symbolizer || ls /usr/lib/llvm-*/bin/llvm-symbolizer 2> /dev/null | head -1)
[ -n "$symbolizer" ] && export ASAN_SYMBOLIZER_PATH=$symbolizer

run_one() {
  local t=$1
  "$build/tests/fuzz/eifkit_fuzz_$t" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
    -print_final_stats=1 -artifact_prefix="$fuzz/artifacts/$t/" "$fuzz/corpus/$t" \
    > "$fuzz/logs/$t.log" 2>&1
}
export -f run_one
export build seconds fuzz
printf '%s\n' "${targets[@]}" | xargs -P 2 -I{} bash -c 'run_one {}'
status=$?

for t in "${targets[@]}"; do
  log=$fuzz/logs/$t.log
  stats=$(grep -E '^#[0-9]+' "$log" | grep 'cov:' | tail -1)
  execs=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  if grep -qE '^(==[0-9]+==ERROR|SUMMARY: |.*Test unit written to|.*ERROR: libFuzzer)' "$log" ||
     ! grep -q '^Done [0-9]* runs' "$log"; then
    echo "FAIL $t: $stats"
    # What went wrong, and the first frames in eifkit's code.
    grep -E '^==[0-9]+==ERROR|^SUMMARY|^terminate called|what\(\)|^.*runtime error' "$log" |
      head -4 | cut -c1-300 | sed 's/^/  /'
    grep -E '^ *#[0-9]+ .* in eifkit::' "$log" | head -3 | sed -E 's/^ *(#[0-9]+) 0x[0-9a-f]+ in /\1 /' |
      sed -E 's/\(std::.*\) (\/.*)$/(...) \1/' | cut -c1-200 | sed 's/^/  /'
    grep -o "Test unit written to .*" "$log" | sed 's/^/  reproducer: /; s/Test unit written to //'
    echo "  log: $log"
    status=1
  else
    echo "ok   $t: cov:${stats#*cov:} (average exec/s ${execs:-?})"
  fi
done
exit $status
