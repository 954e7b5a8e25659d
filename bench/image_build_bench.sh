#!/usr/bin/env bash
# Benchmark: `eifkit build --image` on a generated docker save archive (default 1 GiB in
# ~50,000 files over 4 gzip layers). Reports wall time and peak RSS, and in the same run the
# baseline a streaming builder cannot beat by much: `gzip -dc` of the layers plus one
# `sha384sum` over the uncompressed layer bytes.
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

measure() {  # "seconds peak_rss_kib" of the command
  /usr/bin/time -f '%e %M' -o "$work/time" "$@" > /dev/null
  cat "$work/time"
}
sync
cat "$work/image.tar" "$work"/l*.tar > /dev/null  # page cache warm for every run
read -r gz_s _ < <(measure sh -c "cat '$work'/out/layer*.tar.gz | gzip -dc")
read -r sha_s _ < <(measure sh -c "cat '$work'/l*.tar | sha384sum")
base_s=$(echo "$gz_s + $sha_s" | bc -l)
read -r eif_s eif_kib < <(measure "$eifkit" build --image "$work/image.tar" \
  --kernel "$vectors/eif/inputs/kernel.bin" --init "$vectors/ramdisk/init.bin" \
  --build-time 2024-01-01T00:00:00+00:00 --output "$work/app.eif" 2>/dev/null || echo "FAILED 0")
size=$(stat -c %s "$work/app.eif" 2>/dev/null || echo 0)

printf 'image: %d MiB uncompressed, %d files, %d gzip layers; cores: %d\n' "$total_mib" "$files" "$layers" "$(nproc)"
printf 'gzip -dc of the layers:   %6.2f s\n' "$gz_s"
printf 'sha384sum of their bytes: %6.2f s\n' "$sha_s"
printf 'baseline (sum):           %6.2f s\n' "$base_s"
printf 'eifkit build --image:     %6.2f s  %7d KiB peak RSS  (%.2fx baseline), EIF %d MiB\n' \
  "$eif_s" "$eif_kib" "$(echo "$eif_s / $base_s" | bc -l)" $((size >> 20))
