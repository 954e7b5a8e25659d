#!/usr/bin/env bash
# Benchmark: that time and memory follow an input's real content, not what it claims.
# 1) `eifkit build --rootfs-tar` of 10^5 and 10^6 tiny files: the second should cost about ten
#    times the first (no quadratic walk over entries), with peak RSS growing with the tree only.
# 2) The fan-out reproducers (refused in the end: they hold no files, so no command) of fuzz-cases/image (an OCI index naming one child n times, n
#    levels deep; a docker manifest.json naming one 4 MB config 200 times): each descriptor
#    and config is read once, so they cost milliseconds.
# Usage: bench/hostile_inputs_bench.sh [EIFKIT] [MAX_FILES]
set -euo pipefail
eifkit=$(realpath "${1:-build/eifkit}")
max_files=${2:-1000000}
here=$(cd "$(dirname "$0")" && pwd)
vectors=$here/../testdata/vectors
cases=$here/../../shared/fuzz-cases
[ -d "$cases" ] || cases=$here/../testdata/fuzz-cases
work=$(mktemp -d "${TMPDIR:-/tmp}/eifkit-hostile-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
boot=(--kernel "$vectors/eif/inputs/kernel.bin" --cmdline-file "$vectors/eif/inputs/cmdline.txt"
      --init "$vectors/ramdisk/init.bin" --nsm "$vectors/ramdisk/nsm.ko.bin"
      --build-time 2024-01-01T00:00:00+00:00)

measure() {  # LABEL COMMAND...: wall time and peak RSS of one run
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" > /dev/null 2> "$work/err" || true
  read -r secs kib < <(tail -n 1 "$work/time")
  printf '%-40s %8s s %9s KiB peak RSS  %s\n' "$label" "$secs" "$kib" \
    "$(grep -v '^Command' "$work/err" | head -c 120 | head -1)"
}

for files in 100000 "$max_files"; do
  echo "generating a rootfs tar of $files one-byte files..." >&2
  python3 - "$work/tiny-$files.tar" "$files" <<'PY'
import io, sys, tarfile
path, n = sys.argv[1], int(sys.argv[2])
with tarfile.open(path, "w", format=tarfile.USTAR_FORMAT) as t:
    for d in range((n + 999) // 1000):
        info = tarfile.TarInfo(f"d{d:04}"); info.type = tarfile.DIRTYPE; info.mode = 0o755
        t.addfile(info)
        for f in range(min(1000, n - d * 1000)):
            info = tarfile.TarInfo(f"d{d:04}/f{f:03}"); info.size = 1
            info.mode = 0o755 if d == 0 and f == 0 else 0o644
            t.addfile(info, io.BytesIO(b"x"))
PY
  measure "build --rootfs-tar, $files files" \
    "$eifkit" build --rootfs-tar "$work/tiny-$files.tar" --cmd /d0000/f000 "${boot[@]}" \
    --output "$work/tiny-$files.eif"
  rm -f "$work/tiny-$files.tar" "$work/tiny-$files.eif"
done

for f in oci-fanout-16.image.tar oci-fanout-32.image.tar docker-fanout-200x4m.image.tar.gz; do
  input=$cases/image/$f
  if [[ $f == *.gz ]]; then gunzip -c "$input" > "$work/${f%.gz}"; input=$work/${f%.gz}; fi
  measure "build --image $f" "$eifkit" build --image "$input" --cmd /x "${boot[@]}" \
    --output "$work/fanout.eif"
done
