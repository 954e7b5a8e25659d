#!/usr/bin/env bash
# Benchmark: `eifkit build --image` on a generated docker save archive (default 1 GiB in
# ~50,000 files over 4 gzip layers). Reports wall time and peak RSS, and in the same run the
# baseline a streaming builder cannot beat by much: `gzip -dc` of the layers plus one
# `sha384sum` over the uncompressed layer bytes (the serial floor). Then, on the same archive,
# the pipeline a user without Docker has: skopeo copy to an OCI layout, umoci raw unpack, and
# a newc cpio of the tree, timed as one step (the sum of the three wall times, the largest of
# their peak RSS). It makes only a ramdisk: no EIF, no PCRs.
# The last lines are `RATIO <name> <value> <target> <peak_rss_kib> <rss_limit_kib>`
# (value = eifkit's time / the baseline's, peak RSS is eifkit's; `-` where there is no target
# or limit), which bench/summary.sh tabulates.
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

measure() {  # "seconds peak_rss_kib exit_status" of the command
  local rc=0
  /usr/bin/time -f '%e %M' -o "$work/time" "$@" > /dev/null 2>> "$work/stderr" || rc=$?
  echo "$(tail -1 "$work/time") $rc"  # GNU time puts "Command exited with..." first on failure
}
ratio() {  # a / b to 4 places; b below GNU time's resolution (0.00 s) counts as 0.01 s
  printf '%.4f' "$(echo "define r(a, b) { if (b < 0.01) b = 0.01; return a / b; }; scale = 6; r($1, $2)" | bc -l)"
}
sync
cat "$work/image.tar" "$work"/l*.tar > /dev/null  # page cache warm for every run
read -r gz_s _ _ < <(measure sh -c "cat '$work'/out/layer*.tar.gz | gzip -dc")
read -r sha_s _ _ < <(measure sh -c "cat '$work'/l*.tar | sha384sum")
base_s=$(echo "$gz_s + $sha_s" | bc -l)
: > "$work/stderr"
read -r eif_s eif_kib eif_rc < <(measure "$eifkit" build --image "$work/image.tar" \
  --kernel "$vectors/eif/inputs/kernel.bin" --init "$vectors/ramdisk/init.bin" \
  --build-time 2024-01-01T00:00:00+00:00 --output "$work/app.eif")
eif_err=$(cat "$work/stderr")
size=$(stat -c %s "$work/app.eif" 2>/dev/null || echo 0)
rm -f "$work/app.eif"
# The same image in nitro-cli's layout (build --compat nitro-cli) against the default layout,
# alternately, twice each: the first build after the baselines runs on a different page cache
# than the next, so each layout's faster run (and larger peak RSS) is compared.
build_layout() {  # build_layout LAYOUT: "seconds peak_rss_kib exit_status"
  measure "$eifkit" build --image "$work/image.tar" --compat "$1" \
    --kernel "$vectors/eif/inputs/kernel.bin" --init "$vectors/ramdisk/init.bin" \
    --build-time 2024-01-01T00:00:00+00:00 --output "$work/app.eif"
  rm -f "$work/app.eif"
}
: > "$work/stderr"
default_s= default_kib=0 compat_s= compat_kib=0 compat_rc=0
for _ in 1 2; do
  for layout in eifkit nitro-cli; do
    read -r s kib rc < <(build_layout "$layout")
    [ "$rc" = 0 ] || compat_rc=$rc
    if [ "$layout" = eifkit ]; then
      [ -z "$default_s" ] || [ "$(echo "$s < $default_s" | bc)" = 1 ] && default_s=$s
      [ "$kib" -gt "$default_kib" ] && default_kib=$kib
    else
      [ -z "$compat_s" ] || [ "$(echo "$s < $compat_s" | bc)" = 1 ] && compat_s=$s
      [ "$kib" -gt "$compat_kib" ] && compat_kib=$kib
    fi
  done
done
compat_err=$(cat "$work/stderr")

# The Docker-less alternative, on the same archive. umoci needs --rootless when not root.
rootless=()
[ "$(id -u)" = 0 ] || rootless=(--rootless)
: > "$work/stderr"
alt_s=0 alt_kib=0 alt_rc=0 alt_step= alt_steps=
for step in skopeo umoci cpio; do
  case $step in
    skopeo) cmd=(skopeo --insecure-policy copy --quiet "docker-archive:$work/image.tar" "oci:$work/oci:bench") ;;
    umoci) cmd=(umoci raw unpack "${rootless[@]}" --image "$work/oci:bench" "$work/rootfs") ;;
    cpio) cmd=(sh -c "cd '$work/rootfs' && find . | LC_ALL=C sort | cpio -o -H newc --quiet > '$work/ramdisk.cpio'") ;;
  esac
  if ! command -v "${cmd[0]}" > /dev/null; then
    echo "$step: not installed" >> "$work/stderr"; alt_rc=127; alt_step=$step; break
  fi
  read -r s kib rc < <(measure "${cmd[@]}")
  alt_s=$(echo "$alt_s + $s" | bc -l)
  alt_steps+="${alt_steps:+, }$step $s s"
  [ "$kib" -gt "$alt_kib" ] && alt_kib=$kib
  if [ "$rc" != 0 ]; then alt_rc=$rc; alt_step=$step; break; fi
done
alt_err=$(cat "$work/stderr")
ramdisk=$(stat -c %s "$work/ramdisk.cpio" 2>/dev/null || echo 0)

printf 'image: %d MiB uncompressed, %d files, %d gzip layers; cores: %d\n' "$total_mib" "$files" "$layers" "$(nproc)"
printf 'gzip -dc of the layers:   %6.2f s\n' "$gz_s"
printf 'sha384sum of their bytes: %6.2f s\n' "$sha_s"
printf 'baseline (sum):           %6.2f s\n' "$base_s"
if [ "$eif_rc" = 0 ]; then
  eif_ratio=$(ratio "$eif_s" "$base_s")
  printf 'eifkit build --image:     %6.2f s  %7d KiB peak RSS  (%.2fx baseline), EIF %d MiB\n' \
    "$eif_s" "$eif_kib" "$eif_ratio" $((size >> 20))
else
  eif_ratio=FAILED
  printf 'eifkit build --image:     FAILED (exit %s): %s\n' "$eif_rc" "$eif_err"
fi
if [ "$alt_rc" = 0 ]; then
  printf 'skopeo+umoci+cpio (ramdisk only): %6.2f s  %7d KiB peak RSS, ramdisk %d MiB, no EIF, no PCRs (%s)\n' \
    "$alt_s" "$alt_kib" $((ramdisk >> 20)) "$alt_steps"
  if [ "$eif_rc" = 0 ]; then
    alt_ratio=$(ratio "$eif_s" "$alt_s")
    faster=$(ratio "$alt_s" "$eif_s")
    if [ "$(echo "$faster >= 1" | bc)" = 1 ]; then
      printf 'eifkit build --image is %.2fx faster than skopeo+umoci+cpio (which makes only the ramdisk)\n' "$faster"
    else
      printf 'eifkit build --image is %.2fx slower than skopeo+umoci+cpio (which makes only the ramdisk)\n' \
        "$(ratio "$eif_s" "$alt_s")"
    fi
  else
    alt_ratio=FAILED
  fi
else
  alt_ratio=FAILED
  printf 'skopeo+umoci+cpio (ramdisk only): FAILED at %s (exit %s): %s\n' "$alt_step" "$alt_rc" "$alt_err"
fi
if [ "$compat_rc" = 0 ]; then
  compat_ratio=$(ratio "$compat_s" "$default_s")
  printf 'layouts, faster of two alternate runs: default %6.2f s %7d KiB, --compat nitro-cli %6.2f s %7d KiB (%.2fx)\n' \
    "$default_s" "$default_kib" "$compat_s" "$compat_kib" "$compat_ratio"
else
  compat_ratio=FAILED
  printf 'eifkit build --image --compat nitro-cli: FAILED (exit %s): %s\n' "$compat_rc" "$compat_err"
fi
printf 'RATIO image_build_vs_serial_floor %s 0.9 %s 131072\n' "$eif_ratio" "$eif_kib"
# Within 10 % of the default layout, in time and in memory.
printf 'RATIO image_build_compat_vs_default %s 1.1 %s %s\n' "$compat_ratio" "$compat_kib" \
  "$(( default_kib * 11 / 10 ))"
printf 'RATIO image_build_vs_skopeo_umoci_cpio %s - %s -\n' "$alt_ratio" "$eif_kib"
