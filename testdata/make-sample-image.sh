#!/usr/bin/env bash
# Writes testdata/sample-image.tar: a small `docker save`-style archive (classic layout, two
# gzip layers, a whiteout in the second) made with tar, gzip and sha256sum only, byte for byte
# the same on every run. The README's examples build enclave images from it.
# With --bootable OUT it writes to OUT the same image over a bottom layer holding Debian's
# static busybox (/bin/busybox, /bin/sh), so the image's /bin/sh script runs when booted:
# `make demo` boots that one.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$here/sample-image.tar
bootable=
if [ "${1:-}" = --bootable ]; then
  out=$2
  bootable=1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tarflags=(--sort=name --mtime=@1700000000 --owner=0 --group=0 --numeric-owner --format=posix
          --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime)

mkdir -p "$work/l1/usr/bin" "$work/l1/etc" "$work/l2/etc" "$work/l2/usr/share/hello"
cat > "$work/l1/usr/bin/hello" <<'SH'
#!/bin/sh
echo "Hello from an eifkit enclave: $GREETING"
SH
chmod 0755 "$work/l1/usr/bin/hello"
echo "build-only secret" > "$work/l1/etc/build.key"
echo "sample" > "$work/l1/etc/hostname"
touch "$work/l2/etc/.wh.build.key"
echo "Hello, world" > "$work/l2/usr/share/hello/message"
ln -s /usr/share/hello/message "$work/l2/etc/motd"

layers=()
diff_ids=()
names=(l1 l2)
if [ -n "$bootable" ]; then
  mkdir -p "$work/l0/bin"
  cp /bin/busybox "$work/l0/bin/busybox"
  ln -s busybox "$work/l0/bin/sh"
  names=(l0 l1 l2)
fi
for l in "${names[@]}"; do
  tar "${tarflags[@]}" -C "$work/$l" -cf "$work/$l.tar" .
  diff_ids+=("sha256:$(sha256sum < "$work/$l.tar" | cut -d' ' -f1)")
  gzip -n -9 < "$work/$l.tar" > "$work/$l.tar.gz"
  hex=$(sha256sum < "$work/$l.tar.gz" | cut -d' ' -f1)
  mkdir -p "$work/out/$hex"
  mv "$work/$l.tar.gz" "$work/out/$hex/layer.tar"
  layers+=("$hex/layer.tar")
done

join() { local IFS=,; echo "$*"; }
quoted_ids=$(printf '"%s" ' "${diff_ids[@]}")
config=$(printf '{"architecture":"amd64","os":"linux","created":"2023-11-14T22:13:20Z","config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","GREETING=made without a Docker daemon"],"Entrypoint":["hello"],"WorkingDir":"/"},"rootfs":{"type":"layers","diff_ids":[%s]}}' "$(join $quoted_ids)")
printf '%s' "$config" > "$work/config.json"
config_hex=$(sha256sum < "$work/config.json" | cut -d' ' -f1)
mv "$work/config.json" "$work/out/$config_hex.json"
quoted_layers=$(printf '"%s" ' "${layers[@]}")
printf '[{"Config":"%s.json","RepoTags":["eifkit/sample:1.0"],"Layers":[%s]}]' \
  "$config_hex" "$(join $quoted_layers)" > "$work/out/manifest.json"
printf '{"eifkit/sample":{"1.0":"%s"}}' "$config_hex" > "$work/out/repositories"
tar "${tarflags[@]}" -C "$work/out" -cf "$out" .
echo "wrote $out (image sha256:$config_hex)" >&2
