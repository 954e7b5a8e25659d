#!/usr/bin/env bash
# Benchmark: `eifkit diff --ramdisk-files` of two images of about SIZE_MIB (default 1024) in
# FILES files (default 4096) that differ in one file's content, with wall time and peak RSS,
# and in the same run the baselines: one read of both EIFs (cat) and one sha384sum of both.
# Then the same for images of MANY one-byte files (default 200000), where the sort by path
# works hardest. After each, a line `RATIO <name> <value> - <peak_rss_kib> - <spread>` (value = diff's
# time / sha384sum's, the median of 3 rounds (BENCH_RUNS), its spread last; no target or RSS
# limit is set), which bench/summary.sh tabulates.
# Usage: bench/diff_bench.sh [EIFKIT] [SIZE_MIB] [FILES] [MANY]
set -euo pipefail
eifkit=$(realpath "${1:-build/eifkit}")
size_mib=${2:-1024}
files=${3:-4096}
many=${4:-200000}
here=$(cd "$(dirname "$0")" && pwd)
v=$here/../testdata/vectors
work=$(mktemp -d "${TMPDIR:-/tmp}/eifkit-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

. "$here/common.sh"

build() {  # build NAME ROOTFS_DIR
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$2" -cf "$work/$1.tar" .
  "$eifkit" build --rootfs-tar "$work/$1.tar" --cmd /bin/app --kernel "$v/eif/inputs/kernel.bin" \
    --cmdline-file "$v/eif/inputs/cmdline.txt" --init "$v/ramdisk/init.bin" \
    --nsm "$v/ramdisk/nsm.ko.bin" --build-time 2024-01-01T00:00:00+00:00 \
    --output "$work/$1.eif" > /dev/null
  rm -f "$work/$1.tar"
}

compare() {  # compare LABEL RATIO_NAME
  cat "$work/a.eif" "$work/b.eif" > /dev/null  # warm the page cache for every run
  times=() peak=() status=()
  : > "$work/stderr"
  for ((round = 1; round <= runs; round++)); do
    sample cat cat "$work/a.eif" "$work/b.eif"
    sample sha sha384sum "$work/a.eif" "$work/b.eif"
    sample diff "$eifkit" diff --ramdisk-files "$work/a.eif" "$work/b.eif"
  done
  "$eifkit" diff --ramdisk-files "$work/a.eif" "$work/b.eif" > "$work/report.json" || true
  local r
  r=$(ratios "${times[diff]}" "${times[sha]}")
  printf '%s: 2 x %d MiB EIFs, medians of %d rounds (lowest-highest)\n' "$1" \
    "$(( $(stat -c %s "$work/a.eif") >> 20 ))" "$runs"
  printf '  cat of both (one read):  %6.2f s (%s)  %7d KiB peak RSS\n' "$(median "${times[cat]}")" \
    "$(spread "${times[cat]}")" "${peak[cat]}"
  printf '  sha384sum of both:       %6.2f s (%s)  %7d KiB peak RSS\n' "$(median "${times[sha]}")" \
    "$(spread "${times[sha]}")" "${peak[sha]}"
  printf '  eifkit diff:             %6.2f s (%s)  %7d KiB peak RSS  (%.2fx sha384sum, rounds %sx)\n' \
    "$(median "${times[diff]}")" "$(spread "${times[diff]}")" "${peak[diff]}" "$(median "$r")" \
    "$(spread "$r")"
  printf '  report: %s\n' "$(jq -c '[.Causes, .Ramdisks[1].Files.Changed, .Ramdisks[1].Files.Added]' "$work/report.json")"
  printf 'RATIO %s %s - %s - %s\n' "$2" "$(median "$r")" "${peak[diff]}" "$(spread "$r")"
}

# Large files: incompressible bytes (AES-CTR keystream), one file changed.
mkdir -p "$work/root/bin" "$work/root/data"
printf '#!/bin/sh\n' > "$work/root/bin/app" && chmod 755 "$work/root/bin/app"
per_file=$(( (size_mib << 20) / files ))
head -c $((size_mib << 20)) < <(openssl enc -aes-128-ctr -nosalt -pass pass:eifkit -in /dev/zero 2> /dev/null) > "$work/all.bin"
split -b "$per_file" -a 5 -d "$work/all.bin" "$work/root/data/f"
rm "$work/all.bin"
build a "$work/root"
printf 'x' | dd of="$work/root/data/f00100" bs=1 seek=7 conv=notrunc status=none
build b "$work/root"
compare "large files, one changed" diff_large_vs_sha384sum
rm -rf "$work/root" "$work"/*.eif

# Many tiny files, one changed.
mkdir -p "$work/root/bin" "$work/root/d"
printf '#!/bin/sh\n' > "$work/root/bin/app" && chmod 755 "$work/root/bin/app"
(cd "$work/root/d" && seq -w 1 "$many" | xargs -n 1000 sh -c 'for f; do printf x > "$f"; done' _)
build a "$work/root"
printf 'y' > "$work/root/d/$(seq -w 1 "$many" | sed -n 100p)"
build b "$work/root"
compare "$many one-byte files, one changed" diff_many_vs_sha384sum
