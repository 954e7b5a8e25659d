#!/usr/bin/env bash
# Benchmark: `eifkit build` from a large application ramdisk (default 2 GiB of pseudo-random
# bytes), reporting wall time, peak RSS, and in the same run two baselines: one sha384sum over
# the same bytes, and a plain copy of the file with sync (the I/O any writer of the EIF pays).
# The last lines are `RATIO <name> <value> <target> <peak_rss_kib> <rss_limit_kib>` (value =
# eifkit's time / sha384sum's, peak RSS is eifkit's; `-` where there is no limit), which
# bench/summary.sh tabulates. `make bench` runs it with 1024 MiB.
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

measure() {  # prints "seconds peak_rss_kib exit_status" for the command
  local rc=0
  /usr/bin/time -f '%e %M' -o "$work/time" "$@" > /dev/null 2>> "$work/stderr" || rc=$?
  echo "$(tail -1 "$work/time") $rc"  # GNU time puts "Command exited with..." first on failure
}
ratio() {  # a / b to 4 places; b below GNU time's resolution (0.00 s) counts as 0.01 s
  printf '%.4f' "$(echo "define r(a, b) { if (b < 0.01) b = 0.01; return a / b; }; scale = 6; r($1, $2)" | bc -l)"
}
line() {  # line LABEL SECONDS KIB STATUS RATIO: one eifkit measurement
  if [ "$4" = 0 ]; then
    printf '%-23s %6.2f s  %7d KiB peak RSS  (%.2fx baseline)\n' "$1:" "$2" "$3" "$5"
  else
    printf '%-23s FAILED (exit %s): %s\n' "$1:" "$4" "$(cat "$work/stderr")"
  fi
}

cat "$work/app.bin" > /dev/null  # warm the page cache for both runs
read -r base_s base_kib _ < <(measure sha384sum "$work/app.bin")
read -r copy_s _ _ < <(measure sh -c "cat '$work/app.bin' > '$work/copy.bin' && sync '$work/copy.bin'")
rm -f "$work/copy.bin"
: > "$work/stderr"
read -r eif_s eif_kib eif_rc < <(measure "$eifkit" build --kernel "$inputs/kernel.bin" \
  --cmdline-file "$inputs/cmdline.txt" --ramdisk "$inputs/ramdisk-bootstrap.bin" \
  --ramdisk "$work/app.bin" --build-time 2024-01-01T00:00:00+00:00 --output "$work/app.eif")

printf 'ramdisk: %d MiB, cores: %d\n' "$size_mib" "$(nproc)"
printf 'sha384sum (baseline):   %6.2f s  %7d KiB peak RSS\n' "$base_s" "$base_kib"
printf 'copy + sync (I/O floor): %5.2f s\n' "$copy_s"
eif_ratio=FAILED
[ "$eif_rc" = 0 ] && eif_ratio=$(ratio "$eif_s" "$base_s")
line 'eifkit build' "$eif_s" "$eif_kib" "$eif_rc" "$eif_ratio"
: > "$work/stderr"
desc_rc=1 desc_s=0 desc_kib=0
[ -f "$work/app.eif" ] || echo "no EIF to describe" > "$work/stderr"
[ -f "$work/app.eif" ] && read -r desc_s desc_kib desc_rc < <(measure "$eifkit" describe "$work/app.eif")
desc_ratio=FAILED
[ "$desc_rc" = 0 ] && desc_ratio=$(ratio "$desc_s" "$base_s")
line 'eifkit describe' "$desc_s" "$desc_kib" "$desc_rc" "$desc_ratio"
printf 'RATIO eif_build_vs_sha384sum %s 1.2 %s 65536\n' "$eif_ratio" "$eif_kib"
printf 'RATIO describe_vs_sha384sum %s 1.1 %s -\n' "$desc_ratio" "$desc_kib"
