#!/usr/bin/env bash
# Benchmark: `eifkit build` from a large application ramdisk (default 2 GiB of pseudo-random
# bytes), reporting wall time, peak RSS, and in the same run two baselines: one sha384sum over
# the same bytes, and a plain copy of the file with sync (the I/O any writer of the EIF pays).
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

measure() {  # prints "seconds peak_rss_kib" for the command
  /usr/bin/time -f '%e %M' -o "$work/time" "$@" > /dev/null
  cat "$work/time"
}

cat "$work/app.bin" > /dev/null  # warm the page cache for both runs
read -r base_s base_kib < <(measure sha384sum "$work/app.bin")
read -r copy_s _ < <(measure sh -c "cat '$work/app.bin' > '$work/copy.bin' && sync '$work/copy.bin'")
rm -f "$work/copy.bin"
read -r eif_s eif_kib < <(measure "$eifkit" build --kernel "$inputs/kernel.bin" \
  --cmdline-file "$inputs/cmdline.txt" --ramdisk "$inputs/ramdisk-bootstrap.bin" \
  --ramdisk "$work/app.bin" --build-time 2024-01-01T00:00:00+00:00 --output "$work/app.eif")

printf 'ramdisk: %d MiB, cores: %d\n' "$size_mib" "$(nproc)"
printf 'sha384sum (baseline):   %6.2f s  %7d KiB peak RSS\n' "$base_s" "$base_kib"
printf 'copy + sync (I/O floor): %5.2f s\n' "$copy_s"
printf 'eifkit build:           %6.2f s  %7d KiB peak RSS  (%.2fx baseline)\n' "$eif_s" "$eif_kib" \
  "$(echo "$eif_s / $base_s" | bc -l)"
read -r desc_s desc_kib < <(measure "$eifkit" describe "$work/app.eif")
printf 'eifkit describe:        %6.2f s  %7d KiB peak RSS  (%.2fx baseline)\n' "$desc_s" "$desc_kib" \
  "$(echo "$desc_s / $base_s" | bc -l)"
