#!/usr/bin/env bash
# Writes the seed corpus of every fuzz target into OUT/<target>/, from the test vectors, the
# sample image, the hand-written seeds of tests/fuzz/seeds/ and what the given eifkit makes of
# them (ramdisks and signature sections extracted from the vector EIFs, policies generated from
# the vector records). Never from /work/shared/fuzz-cases: those are known crashes.
#   make_corpus.sh EIFKIT VECTORS_DIR OUT
set -euo pipefail
eifkit=$1 vectors=$2 out=$3
here=$(cd "$(dirname "$0")" && pwd)
testdata=$here/../../testdata
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

rm -rf "$out"
for t in eif_describe eif_ramdisk_list cpio_reader signature_section rootfs_tar image_archive \
         policy_check build_record attestation_document eif_diff pkcs11_uri nitro_cli_image \
         provenance_envelope; do
  mkdir -p "$out/$t"
  if [ -d "$here/seeds/$t" ]; then cp "$here/seeds/$t"/* "$out/$t/" 2>/dev/null || true; fi
done

# EIFs, and what they hold.
cp "$vectors"/eif/*.eif "$out/eif_describe/"
cp "$vectors"/eif/*.eif "$out/eif_ramdisk_list/"
cp "$vectors"/eif/*.eif "$out/eif_diff/"
cp "$vectors"/ramdisk/*.cpio "$out/cpio_reader/"
for eif in "$vectors"/eif/*.eif; do
  name=$(basename "$eif" .eif)
  "$eifkit" extract --no-verify --output "$work/$name" "$eif" > /dev/null
  for r in "$work/$name"/ramdisk-*.cpio; do cp "$r" "$out/cpio_reader/$name-$(basename "$r")"; done
  if [ -f "$work/$name/signature.cbor" ]; then
    cp "$work/$name/signature.cbor" "$out/signature_section/$name.cbor"
  fi
done
# Attestation documents, and for the signature section's decoder too: they are COSE_Sign1.
for doc in "$vectors"/attestation/*.cbor; do
  cp "$doc" "$out/attestation_document/"
  [ "$(stat -c %s "$doc")" -le 32768 ] && cp "$doc" "$out/signature_section/"
done

# Records (the vectors' nitro-cli measurements, as the {"Measurements": ...} record nitro-cli
# prints) and the policies eifkit writes for them.
for m in "$vectors"/eif/*.build.json; do
  cp "$m" "$out/build_record/flat-$(basename "$m")"
  jq '{Measurements: .}' "$m" > "$out/build_record/$(basename "$m")"
done
record=$out/build_record/signed.build.json
p=$out/policy_check
"$eifkit" policy aws "$record" > "$p/aws-statement.json"
"$eifkit" policy aws --document --principal arn:aws:iam::123456789012:role/app \
  --admin arn:aws:iam::123456789012:role/admin "$record" > "$p/aws-document.json"
"$eifkit" policy aws --effect deny --image-sha384 --pcrs 0,1 \
  "$record" "$out/build_record/aarch64.build.json" > "$p/aws-deny.json"
"$eifkit" policy huawei "$record" > "$p/huawei-5.0.json"
"$eifkit" policy huawei --policy-version 1.1 "$record" > "$p/huawei-1.1.json"

# Root filesystem tars: the sample image's layers (gzip), uncompressed, zstd, and a tree with
# what flattening has rules for, in the three tar formats.
i=0
while read -r layer; do
  i=$((i + 1))
  tar -xOf "$testdata/sample-image.tar" "$layer" > "$out/rootfs_tar/layer$i.tar.gz"
  gzip -dc "$out/rootfs_tar/layer$i.tar.gz" > "$out/rootfs_tar/layer$i.tar"
done < <(tar -tf "$testdata/sample-image.tar" | grep 'layer.tar$')
zstd -q -c "$out/rootfs_tar/layer1.tar" > "$out/rootfs_tar/layer1.tar.zst"
tree=$work/tree
mkdir -p "$tree/etc" "$tree/bin" "$tree/opt/.wh..wh..opq" "$tree/var"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$tree/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$tree/etc/group"
printf '#!/bin/sh\n' > "$tree/bin/sh" && chmod 0755 "$tree/bin/sh"
ln "$tree/bin/sh" "$tree/bin/ash"
ln -s sh "$tree/bin/dash"
touch "$tree/var/.wh.old"
for format in gnu posix ustar; do
  tar -C "$tree" --sort=name --mtime=@1700000000 --owner=0 --group=0 --numeric-owner \
    --format=$format -cf "$out/rootfs_tar/tree-$format.tar" .
done

# Container images: the docker save sample, and the same as an OCI archive.
cp "$testdata/sample-image.tar" "$out/image_archive/docker-save.tar"
cp "$testdata/sample-image.tar" "$out/nitro_cli_image/docker-save.tar"
if command -v skopeo > /dev/null; then
  skopeo --insecure-policy copy -q "docker-archive:$testdata/sample-image.tar" \
    "oci-archive:$out/image_archive/oci-archive.tar:sample:1.0" || true
fi

# Provenance: the statements of a record with Inputs, as payloads (the target signs them) and
# as signed envelopes.
in=$vectors/eif/inputs
"$eifkit" build --kernel "$in/kernel.bin" --ramdisk "$in/ramdisk-bootstrap.bin" \
  --ramdisk "$in/ramdisk-app.bin" --build-time 2024-01-01T00:00:00Z --output "$work/p.eif" \
  --measurements-out "$work/p.json" > /dev/null
for predicate in measurements slsa; do
  "$eifkit" provenance "$work/p.json" --predicate $predicate | jq -c . \
    > "$out/provenance_envelope/$predicate.json"
  "$eifkit" provenance "$work/p.json" --predicate $predicate \
    --signing-certificate "$in/signing-cert.pem" --private-key "$in/signing-key.pem" \
    > "$out/provenance_envelope/$predicate.dsse.json"
done

chmod -R u+w "$out"
for t in "$out"/*; do echo "$(basename "$t"): $(ls "$t" | wc -l) seeds"; done
