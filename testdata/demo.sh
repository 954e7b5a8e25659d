#!/usr/bin/env bash
# make demo: build an enclave image from the sample container image in testdata/ — no Docker
# daemon — and show its measurements. The kernel is a placeholder until eifkit ships a
# bootable one; init and nsm.ko are the sample boot files from the test vectors.
set -euo pipefail
eifkit=${1:-build/eifkit}
here=$(cd "$(dirname "$0")" && pwd)
vectors=$here/vectors
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "== eifkit build --image testdata/sample-image.tar (reproducible: --build-time)" >&2
"$eifkit" build --image "$here/sample-image.tar" \
  --kernel "$vectors/eif/inputs/kernel.bin" --init "$vectors/ramdisk/init.bin" \
  --nsm "$vectors/ramdisk/nsm.ko.bin" \
  --build-time 2024-01-01T00:00:00+00:00 --output "$out/sample.eif"
echo "== built again: same bytes?" >&2
"$eifkit" build --image "$here/sample-image.tar" \
  --kernel "$vectors/eif/inputs/kernel.bin" --init "$vectors/ramdisk/init.bin" \
  --nsm "$vectors/ramdisk/nsm.ko.bin" \
  --build-time 2024-01-01T00:00:00+00:00 --output "$out/again.eif" > /dev/null
cmp "$out/sample.eif" "$out/again.eif" && echo "yes: $(sha256sum < "$out/sample.eif" | cut -c1-64)" >&2
echo "== eifkit describe sample.eif" >&2
"$eifkit" describe "$out/sample.eif"
