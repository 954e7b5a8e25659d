#!/usr/bin/env bash
# Benchmark: `eifkit build --image` on a generated docker save archive (default 1 GiB in
# ~50,000 files over 4 gzip layers). Reports wall time and peak RSS, and in the same run the
# baseline a streaming builder cannot beat by much: `gzip -dc` of the layers plus one
# `sha384sum` over the uncompressed layer bytes (the serial floor). Then, on the same archive,
# the pipeline a user without Docker has: skopeo copy to an OCI layout, umoci raw unpack, and
# a newc cpio of the tree, timed as one step (the sum of the three wall times, the largest of
# their peak RSS). It makes only a ramdisk: no EIF, no PCRs.
# Every command runs in 3 rounds (BENCH_RUNS, bench/common.sh). The last lines are
# `RATIO <name> <value> <target> <peak_rss_kib> <rss_limit_kib> <spread>` (value = the median
# of the rounds' eifkit time / the baseline's, peak RSS is eifkit's; `-` where there is no
# target or limit; spread the lowest and highest round's), which bench/summary.sh tabulates.
# Usage: bench/image_build_bench.sh [EIFKIT] [TOTAL_MIB] [FILES] [LAYERS]
set -euo pipefail
eifkit=$(realpath "${1:-build/eifkit}")
total_mib=${2:-1024}
files=${3:-50000}
layers=${4:-4}
here=$(cd "$(dirname "$0")" && pwd)
vectors=$here/../testdata/vectors
work=$(mktemp -d "${TMPDIR:-/tmp}/eifkit-image-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "generating $total_mib MiB in $files files, $layers gzip layers..." >&2
piece=$(( (total_mib << 20) / files ))
head -c $((piece * files)) \
  < <(openssl enc -aes-128-ctr -nosalt -pass pass:eifkit -in /dev/zero 2>/dev/null) > "$work/pool"
mkdir -p "$work/pieces"
(cd "$work/pieces" && split -b "$piece" -a 6 -d "$work/pool" f)
rm "$work/pool"
per_layer=$(( (files + layers - 1) / layers ))
i=0
for f in "$work/pieces"/*; do
  l=$(( i / per_layer ))
  d="$work/l$l/data/d$(( (i / 1000) ))"
  [ -d "$d" ] || mkdir -p "$d"
  mv "$f" "$d/"
  [ "$i" = 0 ] && chmod 755 "$d/$(basename "$f")"  # the command the image runs
  i=$((i + 1))
done
mkdir -p "$work/out"
diff_ids=()
manifest_layers=()
for ((l = 0; l < layers; l++)); do
  tar --sort=name --owner=0 --group=0 --numeric-owner -C "$work/l$l" -cf "$work/l$l.tar" .
  diff_ids+=("\"sha256:$(sha256sum < "$work/l$l.tar" | cut -d' ' -f1)\"")
  gzip -1 -n < "$work/l$l.tar" > "$work/out/layer$l.tar.gz"
  manifest_layers+=("\"layer$l.tar.gz\"")
  rm -rf "$work/l$l"
done
join() { local IFS=,; echo "$*"; }
printf '{"architecture":"amd64","os":"linux","config":{"Cmd":["/data/d0/f000000"]},"rootfs":{"type":"layers","diff_ids":[%s]}}' \
  "$(join "${diff_ids[@]}")" > "$work/config.json"
hex=$(sha256sum < "$work/config.json" | cut -d' ' -f1)
mv "$work/config.json" "$work/out/$hex.json"
printf '[{"Config":"%s.json","RepoTags":["bench:1"],"Layers":[%s]}]' "$hex" \
  "$(join "${manifest_layers[@]}")" > "$work/out/manifest.json"
tar -C "$work/out" -cf "$work/image.tar" .

. "$here/common.sh"
# Sums per round: "A1 A2 ..." + "B1 B2 ..." (+ "C1 ...").
add_rounds() {
  local -a a=($1) b=($2) c=(${3:-})
  local i out=
  for i in "${!a[@]}"; do out+="${out:+ }$(echo "${a[$i]} + ${b[$i]} + ${c[$i]:-0}" | bc -l)"; done
  echo "$out"
}
# The Docker-less alternative, one round: skopeo copy, umoci unpack (--rootless when not
# root), cpio of the tree. Stops at the first step that fails or is not installed.
rootless=()
[ "$(id -u)" = 0 ] || rootless=(--rootless)
alt_step=
alternative() {
  rm -rf "$work/oci" "$work/rootfs" "$work/ramdisk.cpio"
  local step
  for step in skopeo umoci cpio; do
    case $step in
      skopeo) cmd=(skopeo --insecure-policy copy --quiet "docker-archive:$work/image.tar" "oci:$work/oci:bench") ;;
      umoci) cmd=(umoci raw unpack "${rootless[@]}" --image "$work/oci:bench" "$work/rootfs") ;;
      cpio) cmd=(sh -c "cd '$work/rootfs' && find . | LC_ALL=C sort | cpio -o -H newc --quiet > '$work/ramdisk.cpio'") ;;
    esac
    if ! command -v "${cmd[0]}" > /dev/null; then
      echo "$step: not installed" >> "$work/stderr"; status[$step]=127; alt_step=$step; return
    fi
    sample "$step" "${cmd[@]}"
    if [ "${status[$step]}" != 0 ]; then alt_step=$step; return; fi
  done
}
build_layout() {  # build_layout KEY LAYOUT
  sample "$1" "$eifkit" build --image "$work/image.tar" --compat "$2" \
    --kernel "$vectors/eif/inputs/kernel.bin" --init "$vectors/ramdisk/init.bin" \
    --build-time 2024-01-01T00:00:00+00:00 --output "$work/app.eif"
}

sync
cat "$work/image.tar" "$work"/l*.tar > /dev/null  # page cache warm for every run
: > "$work/stderr"
size=0
# Each round: the baseline's two steps, the default build, the same image in nitro-cli's
# layout (build --compat nitro-cli), then the Docker-less alternative.
for ((round = 1; round <= runs; round++)); do
  sample gzip sh -c "cat '$work'/out/layer*.tar.gz | gzip -dc"
  sample sha sh -c "cat '$work'/l*.tar | sha384sum"
  build_layout build eifkit
  size=$(stat -c %s "$work/app.eif" 2>/dev/null || echo 0)
  rm -f "$work/app.eif"
  sync  # the EIF's writeback is not charged to the next command (bench/eif_build_bench.sh)
  build_layout compat nitro-cli
  rm -f "$work/app.eif"
  sync
  [ -n "$alt_step" ] || alternative
done
eif_err=$(cat "$work/stderr")
ramdisk=$(stat -c %s "$work/ramdisk.cpio" 2>/dev/null || echo 0)
floor=$(add_rounds "${times[gzip]}" "${times[sha]}")

printf 'image: %d MiB uncompressed, %d files, %d gzip layers; cores: %d; medians of %d rounds (lowest-highest)\n' \
  "$total_mib" "$files" "$layers" "$(nproc)" "$runs"
printf 'gzip -dc of the layers:   %6.2f s (%s)  %7d KiB peak RSS\n' "$(median "${times[gzip]}")" \
  "$(spread "${times[gzip]}")" "${peak[gzip]}"
printf 'sha384sum of their bytes: %6.2f s (%s)  %7d KiB peak RSS\n' "$(median "${times[sha]}")" \
  "$(spread "${times[sha]}")" "${peak[sha]}"
printf 'baseline (sum):           %6.2f s (%s)\n' "$(median "$floor")" "$(spread "$floor")"
if [ "${status[build]}" = 0 ]; then
  r=$(ratios "${times[build]}" "$floor")
  eif_ratio=$(median "$r") eif_spread=$(spread "$r")
  printf 'eifkit build --image:     %6.2f s (%s)  %7d KiB peak RSS  (%.2fx baseline, rounds %sx), EIF %d MiB\n' \
    "$(median "${times[build]}")" "$(spread "${times[build]}")" "${peak[build]}" "$eif_ratio" \
    "$eif_spread" $((size >> 20))
else
  eif_ratio=FAILED eif_spread=-
  printf 'eifkit build --image:     FAILED (exit %s): %s\n' "${status[build]}" "$eif_err"
fi
alt_ratio=FAILED alt_spread=-
if [ -z "$alt_step" ]; then
  alt=$(add_rounds "${times[skopeo]}" "${times[umoci]}" "${times[cpio]}")
  alt_kib=$(printf '%s\n' "${peak[skopeo]}" "${peak[umoci]}" "${peak[cpio]}" | sort -n | tail -1)
  printf 'skopeo+umoci+cpio (ramdisk only): %6.2f s (%s)  %7d KiB peak RSS, ramdisk %d MiB, no EIF, no PCRs (skopeo %.2f s %d KiB, umoci %.2f s %d KiB, cpio %.2f s %d KiB)\n' \
    "$(median "$alt")" "$(spread "$alt")" "$alt_kib" $((ramdisk >> 20)) \
    "$(median "${times[skopeo]}")" "${peak[skopeo]}" "$(median "${times[umoci]}")" "${peak[umoci]}" \
    "$(median "${times[cpio]}")" "${peak[cpio]}"
  if [ "${status[build]}" = 0 ]; then
    r=$(ratios "${times[build]}" "$alt")
    alt_ratio=$(median "$r") alt_spread=$(spread "$r")
    faster=$(ratio "$(median "$alt")" "$(median "${times[build]}")")
    if [ "$(echo "$faster >= 1" | bc)" = 1 ]; then
      printf 'eifkit build --image is %.2fx faster than skopeo+umoci+cpio (which makes only the ramdisk)\n' "$faster"
    else
      printf 'eifkit build --image is %.2fx slower than skopeo+umoci+cpio (which makes only the ramdisk)\n' \
        "$(ratio "$(median "${times[build]}")" "$(median "$alt")")"
    fi
  fi
else
  printf 'skopeo+umoci+cpio (ramdisk only): FAILED at %s (exit %s): %s\n' "$alt_step" \
    "${status[$alt_step]}" "$eif_err"
fi
compat_ratio=FAILED compat_spread=-
if [ "${status[compat]}" = 0 ] && [ "${status[build]}" = 0 ]; then
  r=$(ratios "${times[compat]}" "${times[build]}")
  compat_ratio=$(median "$r") compat_spread=$(spread "$r")
  printf 'layouts, each round one after the other: default %6.2f s %7d KiB, --compat nitro-cli %6.2f s %7d KiB (%.2fx, rounds %sx)\n' \
    "$(median "${times[build]}")" "${peak[build]}" "$(median "${times[compat]}")" "${peak[compat]}" \
    "$compat_ratio" "$compat_spread"
else
  printf 'eifkit build --image --compat nitro-cli: FAILED (exit %s): %s\n' "${status[compat]}" "$eif_err"
fi
printf 'RATIO image_build_vs_serial_floor %s 0.9 %s 131072 %s\n' "$eif_ratio" "${peak[build]}" "$eif_spread"
# Within 10 % of the default layout, in time and in memory.
printf 'RATIO image_build_compat_vs_default %s 1.1 %s %s %s\n' "$compat_ratio" "${peak[compat]}" \
  "$(( ${peak[build]:-0} * 11 / 10 ))" "$compat_spread"
printf 'RATIO image_build_vs_skopeo_umoci_cpio %s - %s - %s\n' "$alt_ratio" "${peak[build]}" "$alt_spread"
