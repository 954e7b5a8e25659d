#!/usr/bin/env bash
# The init's bytes depend on the source and the toolchain only (init/init.cmake):
#  1. the init of BUILD_DIR is the one init/init.sha384 records, when the toolchain's packages
#     are the versions recorded there (otherwise that check is skipped, and said so);
#  2. Debug, Release, RelWithDebInfo and MinSizeRel builds of the init target alone, in two
#     differently named directories and with CMAKE_C_FLAGS set, give BUILD_DIR's bytes.
# A check left out makes the whole test skipped (exit 77, ctest's SKIP_RETURN_CODE), or failed
# in CI (CI=true), where nothing may be quietly left out.
#   init_reproducible.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$1 build=$2
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
status=0
skipped=()

while read -r arch sha packages; do
  case $arch in '#'* | '') continue ;; esac
  file=$build/eifkit-init
  [ "$arch" = x86_64 ] || file=$build/eifkit-init-$arch
  if [ ! -f "$file" ]; then
    echo "skip $arch: $file was not built (no cross compiler)"
    skipped+=("$arch: $file was not built (no cross compiler: make deps installs it)")
    continue
  fi
  pinned=yes
  for p in $packages; do
    have=$(dpkg-query -W -f='${Version}' "${p%%=*}" 2> /dev/null || true)
    if [ "$have" != "${p#*=}" ]; then
      echo "skip $arch record check: ${p%%=*} is ${have:-not installed}, the record is for ${p#*=}"
      skipped+=("$arch record check: ${p%%=*} is ${have:-not installed}, the record is for ${p#*=}")
      pinned=no
    fi
  done
  got=$(sha384sum "$file" | cut -d' ' -f1)
  if [ $pinned = yes ] && [ "$got" != "$sha" ]; then
    echo "FAIL $arch: $file has SHA-384 $got; init/init.sha384 records $sha"
    status=1
  elif [ $pinned = yes ]; then
    echo "ok   $arch: $got as recorded"
  fi
done < "$src/init/init.sha384"

for type in Debug Release RelWithDebInfo MinSizeRel; do
  for dir in "$scratch/a-$type" "$scratch/somewhere/much/deeper/b-$type"; do
    mkdir -p "$(dirname "$dir")"
    cmake -S "$src" -B "$dir" -DCMAKE_BUILD_TYPE=$type -DBUILD_TESTING=OFF \
      "-DCMAKE_C_FLAGS=-O0 -g -DNOISE=$type" > "$dir.log" 2>&1 || { cat "$dir.log"; exit 1; }
    cmake --build "$dir" --target eifkit_init_x86_64 eifkit_init_aarch64 >> "$dir.log" 2>&1 ||
      { cat "$dir.log"; exit 1; }
    for f in eifkit-init eifkit-init-aarch64; do
      [ -f "$build/$f" ] || continue
      if ! cmp -s "$build/$f" "$dir/$f"; then
        echo "FAIL $f: the $type build in $dir differs from $build/$f"
        status=1
      fi
    done
  done
done
[ $status = 0 ] && echo "ok   the init is byte-identical in 4 build types x 2 directories"
[ $status = 0 ] || exit $status
if [ ${#skipped[@]} -gt 0 ]; then
  case ${CI:-} in
    '' | 0 | false)
      echo "skipped: ${skipped[*]}"
      exit 77 ;;
    *)
      printf 'FAIL missing in CI: %s (CI=true: a missing prerequisite fails)\n' "${skipped[@]}"
      exit 1 ;;
  esac
fi
