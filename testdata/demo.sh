#!/usr/bin/env bash
# make demo: build a bootable enclave image from the sample container image in testdata/ —
# no Docker daemon — with Debian's cloud kernel and eifkit's own init, show its measurements,
# show that a rebuild gives the same bytes, and boot it in QEMU to see the application run.
set -euo pipefail
eifkit=${1:-build/eifkit}
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
kernel=$(ls /boot/vmlinuz-*-cloud-amd64 2>/dev/null | tail -n 1)
[ -n "$kernel" ] || { echo "demo: no /boot/vmlinuz-*-cloud-amd64 (make demo installs linux-image-cloud-amd64)" >&2; exit 1; }

# The sample image plus a bottom layer with Debian's static busybox, so its /bin/sh script runs.
"$here/make-sample-image.sh" --bootable "$out/sample.tar" 2>/dev/null

echo "== eifkit build --image sample.tar --kernel $kernel" >&2
"$eifkit" build --image "$out/sample.tar" --kernel "$kernel" \
  --build-time 2024-01-01T00:00:00+00:00 --output "$out/sample.eif"
"$eifkit" build --image "$out/sample.tar" --kernel "$kernel" \
  --build-time 2024-01-01T00:00:00+00:00 --output "$out/again.eif" > /dev/null
cmp "$out/sample.eif" "$out/again.eif" &&
  echo "== rebuilt: byte-identical ($(sha256sum < "$out/sample.eif" | cut -c1-16)…)" >&2

echo "== eifkit run sample.eif (QEMU, the application's output below)" >&2
"$eifkit" run "$out/sample.eif" --memory 256 --timeout 120 < /dev/null | grep -v '^\['
