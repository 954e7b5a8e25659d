#!/usr/bin/env bash
# `cmake --install` into a temporary prefix gives a working tree, wherever it is:
#  1. every file is where cmake/package.cmake and init/init.cmake say, the man pages gzipped;
#  2. the installed eifkit finds its inits in BINDIR/../lib/eifkit (--version names them) and
#     builds the sample image with them to the PCRs this build tree's eifkit gives;
#  3. so does the tree moved to another directory;
#  4. the binary copied alone out of the tree finds the inits of the prefix it was configured
#     with: the probe (tests/packaging/CMakeLists.txt) is eifkit configured for PROBE_PREFIX.
#   install_tree_test.sh SOURCE_DIR BUILD_DIR CONFIGURED_PREFIX PROBE PROBE_PREFIX VECTORS
set -eu
src=$1 build=$2 configured=$3 probe=$4 probe_prefix=$5 vectors=$6
scratch=$(mktemp -d)
trap 'rm -rf "$scratch" "$probe_prefix"' EXIT
status=0
fail() {
  echo "FAIL $*"
  status=1
}

# What `eifkit --version` prints when its inits are X86 and ARM ("" for none found).
expected_version() {
  "$build/eifkit" --version | head -n 1
  local arch path
  for arch in x86_64 aarch64; do
    if [ $arch = x86_64 ]; then path=$1; else path=$2; fi
    if [ -n "$path" ]; then
      echo "init $arch: sha384 $(sha384sum < "$path" | cut -d' ' -f1) $path"
    else
      echo "init $arch: not found"
    fi
  done
}

# check_version EIFKIT X86 ARM: its --version names those inits.
check_version() {
  local got want
  got=$("$1" --version)
  want=$(expected_version "$2" "$3")
  [ "$got" = "$want" ] || fail "$1 --version:
$got
expected:
$want"
}

# x86 and arm: the inits an installed tree at PREFIX has (aarch64's only with a cross compiler).
tree_inits() {
  x86=$1/lib/eifkit/init arm=
  [ ! -f "$build/eifkit-init-aarch64" ] || arm=$1/lib/eifkit/init-aarch64
}

# The sample image with the README's blob directory less its init, so eifkit's own is used.
mkdir "$scratch/blobs"
cp "$vectors/eif/inputs/kernel.bin" "$scratch/blobs/bzImage"
cp "$vectors/ramdisk/nsm.ko.bin" "$scratch/blobs/nsm.ko"
measure() {
  "$1" build --image "$src/testdata/sample-image.tar" --blobs "$scratch/blobs" \
    --build-time 2024-01-01T00:00:00+00:00 --measure-only 2> /dev/null
}
want_pcrs=$(measure "$build/eifkit")
check_pcrs() {
  local got
  got=$(measure "$1") || fail "$1 build --image sample-image.tar failed"
  [ "$got" = "$want_pcrs" ] || fail "$1: the sample image's PCRs differ from the build tree's:
$got"
}

prefix=$scratch/prefix
cmake --install "$build" --prefix "$prefix" > "$scratch/install.log" ||
  { cat "$scratch/install.log"; exit 1; }

# 1. The files.
for f in bin/eifkit lib/eifkit/init share/bash-completion/completions/eifkit \
  share/doc/eifkit/README.md share/doc/eifkit/LICENSE share/doc/eifkit/copyright \
  share/doc/eifkit/changelog.gz; do
  [ -f "$prefix/$f" ] || fail "$prefix/$f is not installed"
done
[ ! -f "$build/eifkit-init-aarch64" ] || [ -x "$prefix/lib/eifkit/init-aarch64" ] ||
  fail "$prefix/lib/eifkit/init-aarch64 is not installed"
for page in "$src"/man/*.1; do
  gz=$prefix/share/man/man1/$(basename "$page").gz
  gzip -dc "$gz" 2> /dev/null | cmp -s - "$page" || fail "$gz is not man/$(basename "$page") gzipped"
done

# 2. The installed tree.
tree_inits "$prefix"
check_version "$prefix/bin/eifkit" "$x86" "$arm"
check_pcrs "$prefix/bin/eifkit"

# 3. Moved.
mv "$prefix" "$scratch/moved"
tree_inits "$scratch/moved"
check_version "$scratch/moved/bin/eifkit" "$x86" "$arm"
check_pcrs "$scratch/moved/bin/eifkit"

# 4. The binary alone: this build's looks in its own configured prefix (where nothing may be
# installed), the probe in PROBE_PREFIX.
mkdir "$scratch/alone"
cp "$scratch/moved/bin/eifkit" "$scratch/alone/eifkit"
x86=$configured/lib/eifkit/init arm=$configured/lib/eifkit/init-aarch64
[ -f "$x86" ] || x86=
[ -f "$arm" ] || arm=
check_version "$scratch/alone/eifkit" "$x86" "$arm"
rm -rf "$probe_prefix"
cmake --install "$build" --prefix "$probe_prefix" > "$scratch/install.log" ||
  { cat "$scratch/install.log"; exit 1; }
cp "$probe" "$scratch/alone/eifkit"
tree_inits "$probe_prefix"
check_version "$scratch/alone/eifkit" "$x86" "$arm"
check_pcrs "$scratch/alone/eifkit"

[ $status = 0 ] && echo "ok   installed, moved and copied alone, eifkit finds its inits and builds with them"
exit $status
