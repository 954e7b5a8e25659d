#!/usr/bin/env bash
# Benchmark: `eifkit diff --ramdisk-files` of two images of about SIZE_MIB (default 1024) in
# FILES files (default 4096) that differ in one file's content, with wall time and peak RSS,
# and in the same run the baselines: one read of both EIFs (cat) and one sha384sum of both.
# Then the same for images of MANY one-byte files (default 200000), where the sort by path
# works hardest. After each, a line `RATIO <name> <value> - <peak_rss_kib> -` (value = diff's
# time / sha384sum's; no target or RSS limit is set), which bench/summary.sh tabulates.
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

measure() {  # prints "seconds peak_rss_kib" for the command (its exit status is ignored)
  /usr/bin/time -f '%e %M' -o "$work/time" "$@" > /dev/null || true
  cat "$work/time" | tail -1
}
ratio() {  # a / b to 4 places; b below GNU time's resolution (0.00 s) counts as 0.01 s
  printf '%.4f' "$(echo "define r(a, b) { if (b < 0.01) b = 0.01; return a / b; }; scale = 6; r($1, $2)" | bc -l)"
}

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
  read -r cat_s _ < <(measure cat "$work/a.eif" "$work/b.eif")
  read -r sha_s _ < <(measure sha384sum "$work/a.eif" "$work/b.eif")
  read -r diff_s diff_kib < <(measure "$eifkit" diff --ramdisk-files "$work/a.eif" "$work/b.eif")
  "$eifkit" diff --ramdisk-files "$work/a.eif" "$work/b.eif" > "$work/report.json" || true
  printf '%s: 2 x %d MiB EIFs\n' "$1" "$(( $(stat -c %s "$work/a.eif") >> 20 ))"
  printf '  cat of both (one read):  %6.2f s\n' "$cat_s"
  printf '  sha384sum of both:       %6.2f s\n' "$sha_s"
  printf '  eifkit diff:             %6.2f s  %7d KiB peak RSS  (%.2fx sha384sum)\n' "$diff_s" \
    "$diff_kib" "$(ratio "$diff_s" "$sha_s")"
  printf '  report: %s\n' "$(jq -c '[.Causes, .Ramdisks[1].Files.Changed, .Ramdisks[1].Files.Added]' "$work/report.json")"
  printf 'RATIO %s %s - %s -\n' "$2" "$(ratio "$diff_s" "$sha_s")" "$diff_kib"
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
