#!/usr/bin/env bash
# What `make bench` runs: eif_build_bench.sh, image_build_bench.sh and diff_bench.sh in turn,
# their output shown as it comes and kept in a temporary file, then a table of every
# `RATIO <name> <value> <target> <peak_rss_kib> <rss_limit_kib> <spread>` line they printed:
# the ratio of eifkit's time to its baseline's (the median of 3 rounds, BENCH_RUNS), its
# target (met when the ratio is at most the target), eifkit's peak RSS against its limit, and
# the lowest and highest round's ratio. `-` is no target or no limit.
# Exits 1 when a script failed or a ratio is missing or FAILED; a target not met is reported,
# not an error (timings depend on the machine and on what else runs on it).
# An empty size argument keeps that script's default.
# Usage: bench/summary.sh [EIFKIT] [EIF_MIB] [IMAGE_MIB] [IMAGE_FILES] [IMAGE_LAYERS] \
#          [DIFF_MIB] [DIFF_FILES] [DIFF_MANY]
set -euo pipefail
eifkit=$(realpath "${1:-build/eifkit}")
eif_mib=${2:-1024}  # the issue's 1 GiB application ramdisk
here=$(cd "$(dirname "$0")" && pwd)
log=$(mktemp "${TMPDIR:-/tmp}/eifkit-bench-summary.XXXXXX")
trap 'rm -f "$log"' EXIT

failed=()
run() {  # run SCRIPT ARGS...: shows and keeps its output (stderr too); notes a failure
  local script=$1
  shift
  echo "== $script $*" | tee -a "$log"
  "$here/$script" "$@" 2>&1 | tee -a "$log" || failed+=("$script")
  echo | tee -a "$log"
}
run eif_build_bench.sh "$eifkit" "$eif_mib"
run image_build_bench.sh "$eifkit" "${3:-}" "${4:-}" "${5:-}"
run diff_bench.sh "$eifkit" "${6:-}" "${7:-}" "${8:-}"

is_number() { [[ $1 =~ ^[0-9]*\.?[0-9]+$ ]]; }
le() { [ "$(echo "$1 <= $2" | bc -l)" = 1 ]; }  # le A B: A <= B

expected=(eif_build_vs_sha384sum describe_vs_sha384sum image_build_vs_serial_floor
  image_build_compat_vs_default image_build_vs_skopeo_umoci_cpio diff_large_vs_sha384sum diff_many_vs_sha384sum)
bad=0
echo "summary (ratio = eifkit's time / the baseline's, median of ${BENCH_RUNS:-3} rounds; met when at most the target):"
printf '%-34s %8s %11s %7s  %-11s %10s %10s  %s\n' ratio value rounds target time 'peak KiB' 'limit KiB' memory
while read -r name value target kib limit rounds; do
  if ! is_number "$value"; then
    verdict="$value"
    bad=1
  elif [ "$target" = - ]; then
    verdict="no target"
  elif le "$value" "$target"; then
    verdict=met
  else
    verdict="NOT met"
  fi
  if ! is_number "$kib" || [ "$value" = FAILED ]; then
    memory=-
  elif [ "$limit" = - ]; then
    memory="no limit"
  elif [ "$kib" -le "$limit" ]; then
    memory=within
  else
    memory="OVER limit"
  fi
  is_number "$value" && value=$(printf '%.2f' "$value")
  printf '%-34s %8s %11s %7s  %-11s %10s %10s  %s\n' "$name" "$value" "${rounds:--}" "$target" "$verdict" "$kib" "$limit" "$memory"
done < <(grep '^RATIO ' "$log" | cut -d' ' -f2-)
for name in "${expected[@]}"; do
  if ! grep -q "^RATIO $name " "$log"; then
    printf '%-34s %8s\n' "$name" missing
    bad=1
  fi
done
echo "the Docker-less alternative, same run, same archive:"
grep -E '^(skopeo\+umoci\+cpio|eifkit build --image is)' "$log" | sed 's/^/  /' || echo "  (not measured)"
if [ ${#failed[@]} -gt 0 ]; then
  echo "failed: ${failed[*]}"
  bad=1
fi
exit "$bad"
