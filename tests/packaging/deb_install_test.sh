#!/usr/bin/env bash
# The .deb as a user gets it: packed from this build tree by cpack (so never a stale one),
# checked by lintian (no error), installed with apt into a fresh Debian 12 root that has none
# of the build tree, where apt fetches its Depends from deb.debian.org. There:
#  - `eifkit --version` names /usr/lib/eifkit/init and init-aarch64, also for a copy of the
#    binary elsewhere (the prefix compiled in is /usr);
#  - `man -w` finds the man pages, the bash completion is installed;
#  - the sample image built with the README's blob directory less its init (so the installed
#    init is used) has the PCRs this build tree's eifkit gives;
#  - the README's examples (tests/readme/run_readme.py) print what the README shows.
# The minbase root (debootstrap) is cached as a tarball in $EIFKIT_TEST_CACHE (default
# /var/cache/eifkit-tests), so only the first run pays for debootstrap.
# Needs root (chroot, mount), debootstrap, zstd, lintian, dpkg-shlibdeps and file, Debian's
# cloud kernel in /boot (the README boots it), and a build configured with
# CMAKE_INSTALL_PREFIX=/usr (make build does). Without one: exit 77 (skipped), or a failure in
# CI (CI=true).
#   deb_install_test.sh SOURCE_DIR BUILD_DIR CPACK VECTORS
set -eu
src=$1 build=$2 cpack=$3 vectors=$4
cache=${EIFKIT_TEST_CACHE:-/var/cache/eifkit-tests}
base_tar=$cache/debian12-minbase.tar.zst
mirror=http://deb.debian.org/debian

missing=()
[ "$(id -u)" = 0 ] || missing+=("root (chroot and mount)")
for tool in debootstrap zstd lintian dpkg-shlibdeps file chroot mount; do
  command -v $tool > /dev/null || missing+=("$tool")
done
ls /boot/vmlinuz-*-cloud-amd64 > /dev/null 2>&1 ||
  missing+=("/boot/vmlinuz-*-cloud-amd64 (linux-image-cloud-amd64)")
prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$build/CMakeCache.txt")
[ "$prefix" = /usr ] ||
  missing+=("a build configured with -DCMAKE_INSTALL_PREFIX=/usr, the .deb's prefix (this one: $prefix)")
if [ ${#missing[@]} -gt 0 ]; then
  case ${CI:-} in
    '' | 0 | false)
      printf 'skipped, missing: %s\n' "${missing[@]}"
      exit 77 ;;
    *)
      printf 'FAIL missing in CI: %s (CI=true: a missing prerequisite fails)\n' "${missing[@]}"
      exit 1 ;;
  esac
fi

# In a mount namespace of its own, so that the root's /proc goes away with the test even when
# it is killed (ctest's timeout) before its trap runs.
if [ -z "${EIFKIT_DEB_TEST_NAMESPACE:-}" ]; then
  EIFKIT_DEB_TEST_NAMESPACE=1 exec unshare --mount --propagation private "$0" "$@"
fi
# What a killed run left: its directory, named by the process that made it.
for old in /var/tmp/eifkit-deb.*/pid; do
  [ -f "$old" ] || continue
  kill -0 "$(cat "$old")" 2> /dev/null || rm -rf --one-file-system "$(dirname "$old")"
done

started=$(date +%s)
elapsed() { echo "$(($(date +%s) - started)) s"; }
work=$(mktemp -d /var/tmp/eifkit-deb.XXXXXX)
echo $$ > "$work/pid"
root=$work/root
# Unmount whatever is mounted in the root, deepest first, before anything is removed; and
# remove nothing on another file system even then.
# shellcheck disable=SC2317 # called by the trap
cleanup() {
  awk -v r="$root" '$2 == r || index($2, r "/") == 1 { print $2 }' /proc/mounts | sort -r |
    while read -r m; do umount "$m" 2> /dev/null || umount -l "$m"; done
  rm -rf --one-file-system "$work"
  echo "cleaned up ($(elapsed))"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
status=0
fail() {
  echo "FAIL $*"
  status=1
}

# The package, and lintian's verdict on it.
"$cpack" --config "$build/CPackConfig.cmake" -B "$work/pkg" > "$work/cpack.log" 2>&1 ||
  { cat "$work/cpack.log"; exit 1; }
deb=$(ls "$work"/pkg/eifkit_*_amd64.deb)
echo "packed $(basename "$deb") ($(elapsed))"
owners=$(dpkg-deb -c "$deb" | awk '$2 != "root/root"')
[ -z "$owners" ] || fail "files not owned by root:
$owners"
# Errors fail; warnings are shown (there are none today), infos and overrides are not.
lintian --fail-on error --tag-display-limit 0 "$deb" > "$work/lintian.log" 2>&1 ||
  fail "lintian finds errors"
grep -v '^running with root privileges' "$work/lintian.log" | sed 's/^/lintian: /' || true
echo "lintian done ($(elapsed))"

# The fresh root: debootstrap's minbase with man-db, from the cache when there is one.
if [ ! -f "$base_tar" ]; then
  debootstrap --variant=minbase --include=man-db bookworm "$work/base" "$mirror" \
    > "$work/debootstrap.log" 2>&1 || { tail -n 30 "$work/debootstrap.log"; exit 1; }
  mkdir -p "$cache"
  tar -C "$work/base" --numeric-owner -cf - . | zstd -q -T0 -o "$base_tar.$$.tmp"
  mv "$base_tar.$$.tmp" "$base_tar"
  rm -rf --one-file-system "$work/base"
  echo "debootstrap done, cached in $base_tar ($(elapsed))"
fi
mkdir "$root"
zstd -dc "$base_tar" | tar -C "$root" --numeric-owner -xpf -
echo "root unpacked ($(elapsed))"

mount -t proc proc "$root/proc"
cp /etc/resolv.conf "$root/etc/resolv.conf"
cp "$deb" "$root/tmp/"
in_root() {
  chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8 \
    DEBIAN_FRONTEND=noninteractive "$@"
}
in_root apt-get update -q > "$work/apt.log" 2>&1 || { cat "$work/apt.log"; exit 1; }
in_root apt-get install -y -q --no-install-recommends "/tmp/$(basename "$deb")" \
  >> "$work/apt.log" 2>&1 || { cat "$work/apt.log"; exit 1; }
grep 'newly installed' "$work/apt.log" || true
# shellcheck disable=SC2016 # dpkg-query's ${Depends}
echo "installed with apt, with: $(in_root dpkg-query -W -f='${Depends}' eifkit) ($(elapsed))"

# --version, for the installed binary and a copy of it elsewhere.
want=$("$build/eifkit" --version | head -n 1)
for arch in x86_64 aarch64; do
  file=$build/eifkit-init path=/usr/lib/eifkit/init
  [ $arch = x86_64 ] || file=$build/eifkit-init-$arch path=/usr/lib/eifkit/init-$arch
  if [ -f "$file" ]; then
    want="$want
init $arch: sha384 $(sha384sum < "$file" | cut -d' ' -f1) $path"
  else
    want="$want
init $arch: not found"
  fi
done
in_root mkdir -p /opt/elsewhere
in_root cp /usr/bin/eifkit /opt/elsewhere/eifkit
for bin in /usr/bin/eifkit /opt/elsewhere/eifkit; do
  got=$(in_root "$bin" --version) || fail "$bin --version failed"
  [ "$got" = "$want" ] || fail "$bin --version in the root:
$got
expected:
$want"
done

# The man pages and the completion.
for page in "$src"/man/*.1; do
  name=$(basename "$page" .1)
  got=$(in_root man -w "$name") || true
  [ "$got" = "/usr/share/man/man1/$name.1.gz" ] || fail "man -w $name in the root: $got"
done
[ -f "$root/usr/share/bash-completion/completions/eifkit" ] || fail "no bash completion"

# The sample image with the installed init, against this build tree's eifkit.
mkdir -p "$work/host/blobs" "$root/tmp/work/blobs"
for dir in "$work/host" "$root/tmp/work"; do
  cp "$src/testdata/sample-image.tar" "$dir/"
  cp "$vectors/eif/inputs/kernel.bin" "$dir/blobs/bzImage"
  cp "$vectors/ramdisk/nsm.ko.bin" "$dir/blobs/nsm.ko"
done
build_args=(build --image sample-image.tar --blobs blobs --build-time 2024-01-01T00:00:00+00:00
            --output sample.eif)
want=$(cd "$work/host" && "$build/eifkit" "${build_args[@]}" 2> /dev/null)
got=$(in_root sh -c 'cd /tmp/work && exec "$@" 2> /dev/null' sh eifkit "${build_args[@]}") ||
  fail "eifkit build in the root failed"
[ "$got" = "$want" ] || fail "the sample image's measurements in the root:
$got
this build tree's:
$want"
cmp -s "$work/host/sample.eif" "$root/tmp/work/sample.eif" ||
  fail "the sample image built in the root differs from this build tree's"

echo "checks done ($(elapsed))"

# The README's examples, against the installed eifkit, with only the tools they call installed
# into the root and the host's cloud kernel copied into /boot.
if [ $status = 0 ]; then
  in_root apt-get install -y -q --no-install-recommends python3 jq openssl cpio skopeo \
    softhsm2 busybox-static qemu-system-x86 >> "$work/apt.log" 2>&1 ||
    { cat "$work/apt.log"; exit 1; }
  cp /boot/vmlinuz-*-cloud-amd64 "$root/boot/"
  [ ! -c /dev/kvm ] || cp -a /dev/kvm "$root/dev/"  # the node, for QEMU's KVM
  mkdir -p "$root/tmp/repo/tests"
  cp -r "$src/README.md" "$src/testdata" "$root/tmp/repo/"
  cp -r "$src/tests/readme" "$root/tmp/repo/tests/"
  echo "README tools installed ($(elapsed))"
  in_root python3 /tmp/repo/tests/readme/run_readme.py --eifkit /usr/bin/eifkit /tmp/repo ||
    fail "the README's examples against the installed eifkit"
  echo "README examples done ($(elapsed))"
fi
[ $status = 0 ] && echo "ok   the .deb installs with apt into a fresh Debian 12 root and works there"
exit $status
