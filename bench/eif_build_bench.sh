#!/usr/bin/env bash
# Benchmark: `eifkit build` from a large application ramdisk (default 2 GiB of pseudo-random
# bytes), reporting wall time, peak RSS, and in the same run two baselines: one sha384sum over
# the same bytes, and a plain copy of the file with sync (the I/O any writer of the EIF pays).
# Every command runs in 3 rounds (BENCH_RUNS, bench/common.sh). The last lines are
# `RATIO <name> <value> <target> <peak_rss_kib> <rss_limit_kib> <spread>` (value = the median
# of the rounds' eifkit time / sha384sum's, peak RSS is eifkit's; `-` where there is no limit;
# spread the lowest and highest round's), which bench/summary.sh tabulates. `make bench` runs
# it with 1024 MiB.
# Usage: bench/eif_build_bench.sh [EIFKIT] [SIZE_MIB]
set -euo pipefail
eifkit=$(realpath "${1:-build/eifkit}")
size_mib=${2:-2048}
here=$(cd "$(dirname "$0")" && pwd)
inputs=$here/../testdata/vectors/eif/inputs
work=$(mktemp -d "${TMPDIR:-/tmp}/eifkit-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Incompressible, fast to make: AES-CTR keystream from openssl.
head -c $((size_mib << 20)) < <(openssl enc -aes-128-ctr -nosalt -pass pass:eifkit -in /dev/zero 2>/dev/null) > "$work/app.bin"
sync

. "$here/common.sh"
line() {  # line LABEL KEY BASE_KEY: eifkit's median time, peak RSS, ratio to the baseline's
  if [ "${status[$2]}" = 0 ]; then
    local r
    r=$(ratios "${times[$2]}" "${times[$3]}")
    printf '%-23s %6.2f s (%s)  %7d KiB peak RSS  (%.2fx baseline, rounds %sx)\n' "$1:" \
      "$(median "${times[$2]}")" "$(spread "${times[$2]}")" "${peak[$2]}" "$(median "$r")" \
      "$(spread "$r")"
  else
    printf '%-23s FAILED (exit %s): %s\n' "$1:" "${status[$2]}" "$(cat "$work/stderr")"
  fi
}
ratio_fields() {  # ratio_fields KEY BASE_KEY: "median spread", or "FAILED -"
  if [ "${status[$1]}" = 0 ]; then
    local r
    r=$(ratios "${times[$1]}" "${times[$2]}")
    echo "$(median "$r") $(spread "$r")"
  else
    echo "FAILED -"
  fi
}

cat "$work/app.bin" > /dev/null  # warm the page cache for every run
: > "$work/stderr"
for ((round = 1; round <= runs; round++)); do
  # The previous round's 1 GiB EIF is removed and everything written back before anything is
  # timed: its writeback running under the next commands made rounds differ by up to 2x
  # (bench/README.md, issue 29).
  rm -f "$work/app.eif"
  sync
  sample sha sha384sum "$work/app.bin"
  sample copy sh -c "cat '$work/app.bin' > '$work/copy.bin' && sync '$work/copy.bin'"
  rm -f "$work/copy.bin"
  sample build "$eifkit" build --kernel "$inputs/kernel.bin" \
    --cmdline-file "$inputs/cmdline.txt" --ramdisk "$inputs/ramdisk-bootstrap.bin" \
    --ramdisk "$work/app.bin" --build-time 2024-01-01T00:00:00+00:00 --output "$work/app.eif"
  if [ -f "$work/app.eif" ]; then
    sample describe "$eifkit" describe "$work/app.eif"
  else
    echo "no EIF to describe" >> "$work/stderr"
    times[describe]+=" 0" status[describe]=1 peak[describe]=0
  fi
done

printf 'ramdisk: %d MiB, cores: %d, medians of %d rounds (lowest-highest)\n' "$size_mib" "$(nproc)" "$runs"
printf 'sha384sum (baseline):   %6.2f s (%s)  %7d KiB peak RSS\n' "$(median "${times[sha]}")" \
  "$(spread "${times[sha]}")" "${peak[sha]}"
printf 'copy + sync (I/O floor): %5.2f s (%s)  %7d KiB peak RSS\n' "$(median "${times[copy]}")" \
  "$(spread "${times[copy]}")" "${peak[copy]}"
line 'eifkit build' build sha
line 'eifkit describe' describe sha
read -r eif_ratio eif_spread < <(ratio_fields build sha)
read -r desc_ratio desc_spread < <(ratio_fields describe sha)
printf 'RATIO eif_build_vs_sha384sum %s 1.2 %s 65536 %s\n' "$eif_ratio" "${peak[build]}" "$eif_spread"
printf 'RATIO describe_vs_sha384sum %s 1.1 %s - %s\n' "$desc_ratio" "${peak[describe]}" "$desc_spread"
