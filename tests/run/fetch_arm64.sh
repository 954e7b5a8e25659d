#!/usr/bin/env bash
# Fetches what the arm64 boot test needs from Debian's archive into DIR: busybox (from
# busybox-static:arm64) and vmlinuz (the Image of linux-image-cloud-arm64). Adds the arm64
# architecture to dpkg for `apt-get download`; installs nothing. Does nothing when DIR has both.
#   fetch_arm64.sh DIR
set -euo pipefail
dir=$1
[ -f "$dir/busybox" ] && [ -f "$dir/vmlinuz" ] && exit 0
sudo=$([ "$(id -u)" = 0 ] || echo sudo)
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  $sudo dpkg --add-architecture arm64
  $sudo apt-get update -qq
fi
# The metapackage names the versioned kernel package, which holds the Image.
kernel_pkg=$(apt-cache depends linux-image-cloud-arm64:arm64 |
  sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\).*/\1/p' | head -1)
[ -n "$kernel_pkg" ] || { echo "fetch_arm64.sh: no kernel package behind linux-image-cloud-arm64" >&2; exit 1; }
work=$(mktemp -d)
chmod 755 "$work"  # apt downloads as _apt
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download -qq busybox-static:arm64 "${kernel_pkg%:arm64}:arm64")
mkdir -p "$work/x" "$dir"
for deb in "$work"/*.deb; do dpkg-deb -x "$deb" "$work/x"; done
cp "$work/x/bin/busybox" "$dir/busybox.tmp" && mv "$dir/busybox.tmp" "$dir/busybox"
cp "$work"/x/boot/vmlinuz-* "$dir/vmlinuz.tmp" && mv "$dir/vmlinuz.tmp" "$dir/vmlinuz"
echo "fetched $kernel_pkg and busybox-static:arm64 into $dir"
