#!/usr/bin/env bash
# make demo: build an EIF from the sample inputs in testdata/ and show its measurements.
set -euo pipefail
eifkit=${1:-build/eifkit}
here=$(cd "$(dirname "$0")" && pwd)
inputs=$here/vectors/eif/inputs
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "== eifkit build (reproducible: --build-time pins the metadata's BuildTime)" >&2
"$eifkit" build --kernel "$inputs/kernel.bin" --cmdline-file "$inputs/cmdline.txt" \
  --ramdisk "$inputs/ramdisk-bootstrap.bin" --ramdisk "$inputs/ramdisk-app.bin" \
  --name demo --build-time 2024-01-01T00:00:00+00:00 --output "$out/demo.eif"
echo "== eifkit describe demo.eif" >&2
"$eifkit" describe "$out/demo.eif"
