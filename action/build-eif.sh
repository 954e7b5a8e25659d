#!/usr/bin/env bash
# The step of the eifkit GitHub Action (action.yml), callable from any CI: builds an EIF with
# `eifkit build` from INPUT_* variables, then appends the step outputs to $GITHUB_OUTPUT, a
# Markdown summary to $GITHUB_STEP_SUMMARY and, for GitLab's `reports: dotenv`, PCR0=… lines
# to $EIFKIT_DOTENV; each only when set, and none of them when the build fails.
#
# INPUT_IMAGE (required), INPUT_BLOBS, INPUT_KERNEL, INPUT_KERNEL_CONFIG, INPUT_INIT, INPUT_NSM,
# INPUT_CMDLINE, INPUT_COMPAT, INPUT_BUILD_TIME, INPUT_NAME, INPUT_VERSION,
# INPUT_SIGNING_CERTIFICATE, INPUT_PRIVATE_KEY, INPUT_PKCS11_MODULE, INPUT_OUTPUT (default
# enclave.eif), INPUT_RECORD (default enclave.json), INPUT_PROVENANCE, INPUT_BUILDER_ID,
# INPUT_EIFKIT: see action.yml. An empty variable is an input not given.
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)

# A workflow command is one line: the runner decodes %25, %0D and %0A.
escape() {
  local s=${1//%/%25}
  s=${s//$'\r'/%0D}
  printf '%s' "${s//$'\n'/%0A}"
}
fail() {
  printf '::error::%s\n' "$(escape "$1")"
  exit "${2:-1}"
}
# A GitHub table cell: a | would end the cell even inside a code span.
cell() { printf '%s' "${1//|/\\|}"; }

image=${INPUT_IMAGE:-}
output=${INPUT_OUTPUT:-enclave.eif}
record=${INPUT_RECORD:-enclave.json}
[ -n "$image" ] || fail "eifkit action: the image input is required"
# The paths are written into one-line output files, where a newline would forge another key.
provenance=${INPUT_PROVENANCE:-}
if [ -n "$provenance" ] && { [ -z "${INPUT_SIGNING_CERTIFICATE:-}" ] || [ -z "${INPUT_PRIVATE_KEY:-}" ]; }; then
  fail "eifkit action: the provenance input needs signing-certificate and private-key, which sign it"
fi
case "$output$record$provenance" in
  *$'\n'* | *$'\r'*) fail "eifkit action: the output, record and provenance paths must not hold a line break" ;;
esac

eifkit=${INPUT_EIFKIT:-}
if [ -z "$eifkit" ] && ! eifkit=$(command -v eifkit); then
  # Only eifkit and its init, as `make demo` builds them: the test suite would double the time.
  echo "::group::eifkit is not on PATH: building it from $src"
  sudo=
  [ "$(id -u)" = 0 ] || sudo=sudo
  if ! command -v make > /dev/null; then
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends make
  fi
  make -C "$src" deps
  cmake -S "$src" -B "$src/build" -DCMAKE_BUILD_TYPE=Release
  cmake --build "$src/build" -j "$(nproc)" --target eifkit
  echo "::endgroup::"
  eifkit=$src/build/eifkit
fi
# After the build above, whose packages include jq.
command -v jq > /dev/null || fail "eifkit action: jq is needed to read the build record (apt-get install jq)"

# Reproducible by default: a rebuild of the same commit gives the same bytes (the PCRs never
# depend on the build time, the EIF's SHA-384 does).
build_time=${INPUT_BUILD_TIME:-}
if [ -z "$build_time" ] && [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
  # safe.directory: in a container job the checkout belongs to the runner's user, not root.
  if epoch=$(git -c safe.directory='*' log -1 --format=%ct 2> /dev/null) && [ -n "$epoch" ]; then
    export SOURCE_DATE_EPOCH=$epoch
    echo "eifkit action: build time: the commit time of HEAD (SOURCE_DATE_EPOCH=$epoch)"
  else
    echo "::warning::eifkit action: no build-time input, SOURCE_DATE_EPOCH or git checkout: the EIF holds the current time, so a rebuild writes other bytes (the PCRs are the same)"
  fi
fi

args=(build --image "$image" --output "$output" --measurements-out "$record" --progress=plain)
[ -z "${INPUT_BLOBS:-}" ] || args+=(--blobs "$INPUT_BLOBS")
[ -z "${INPUT_KERNEL:-}" ] || args+=(--kernel "$INPUT_KERNEL")
[ -z "${INPUT_KERNEL_CONFIG:-}" ] || args+=(--kernel-config "$INPUT_KERNEL_CONFIG")
[ -z "${INPUT_INIT:-}" ] || args+=(--init "$INPUT_INIT")
[ -z "${INPUT_NSM:-}" ] || args+=(--nsm "$INPUT_NSM")
[ -z "${INPUT_CMDLINE:-}" ] || args+=(--cmdline "$INPUT_CMDLINE")
[ -z "${INPUT_COMPAT:-}" ] || args+=(--compat "$INPUT_COMPAT")
[ -z "$build_time" ] || args+=(--build-time "$build_time")
[ -z "${INPUT_NAME:-}" ] || args+=(--name "$INPUT_NAME")
[ -z "${INPUT_VERSION:-}" ] || args+=(--image-version "$INPUT_VERSION")
[ -z "${INPUT_SIGNING_CERTIFICATE:-}" ] || args+=(--signing-certificate "$INPUT_SIGNING_CERTIFICATE")
[ -z "${INPUT_PKCS11_MODULE:-}" ] || args+=(--pkcs11-module "$INPUT_PKCS11_MODULE")
shown=("${args[@]}")
if [ -n "${INPUT_PRIVATE_KEY:-}" ]; then
  args+=(--private-key "$INPUT_PRIVATE_KEY")
  # A pkcs11: URI may hold its PIN.
  shown+=(--private-key '(private-key input)')
fi
echo "$eifkit ${shown[*]}"

mkdir -p "$(dirname "$output")" "$(dirname "$record")"
messages=$(mktemp)
trap 'rm -f "$messages"' EXIT
# eifkit's stdout (the measurements) goes to the log as it is; its stderr is kept for the error
# annotation, and its warnings become warning annotations as they come.
annotate() {
  local line
  while IFS= read -r line || [ -n "$line" ]; do
    printf '%s\n' "$line" >> "$messages"
    case "$line" in
      'eifkit: warning: '*) printf '::warning::%s\n' "$(escape "$line")" ;;
      *) printf '%s\n' "$line" >&2 ;;
    esac
  done
}
status=0
{ "$eifkit" "${args[@]}" 2>&1 >&3 3>&- | annotate 3>&-; } 3>&1 || status=$?
if [ "$status" != 0 ]; then
  # eifkit ends a failure with one line naming the file or option at fault.
  error=$(grep -v -e '^eifkit: note: ' -e '^eifkit: warning: ' -e '^eifkit build: ' "$messages" |
    tail -n 1 || true)
  fail "eifkit build failed (exit status $status): ${error:-no message}" "$status"
fi

field() { jq -r "$1 // empty" "$record"; }
pcr0=$(field .Measurements.PCR0)
pcr1=$(field .Measurements.PCR1)
pcr2=$(field .Measurements.PCR2)
pcr8=$(field .Measurements.PCR8)
eif_sha384=$(field .Eif.Sha384)
digest=$(field .Image.Digest)
if [ -z "$pcr0" ] || [ -z "$eif_sha384" ]; then
  fail "eifkit action: $record holds no PCR0 or Eif.Sha384"
fi

# Who built it, signed: SLSA provenance naming the workflow that ran as its builder.
builder=${INPUT_BUILDER_ID:-}
if [ -n "$provenance" ]; then
  if [ -z "$builder" ] && [ -n "${GITHUB_SERVER_URL:-}" ] && [ -n "${GITHUB_WORKFLOW_REF:-}" ]; then
    builder=$GITHUB_SERVER_URL/$GITHUB_WORKFLOW_REF
  fi
  args=(provenance "$record" --predicate slsa --signing-certificate "$INPUT_SIGNING_CERTIFICATE"
        --private-key "$INPUT_PRIVATE_KEY" --output "$provenance")
  [ -z "$builder" ] || args+=(--builder-id "$builder")
  [ -z "${INPUT_PKCS11_MODULE:-}" ] || args+=(--pkcs11-module "$INPUT_PKCS11_MODULE")
  mkdir -p "$(dirname "$provenance")"
  if ! error=$("$eifkit" "${args[@]}" 2>&1); then
    fail "eifkit provenance failed: $(printf '%s' "$error" | tail -n 1)"
  fi
  builder=$(jq -r '.payload | @base64d | fromjson | .predicate.runDetails.builder.id' "$provenance")
fi

if [ -n "${GITHUB_OUTPUT:-}" ]; then
  {
    echo "pcr0=$pcr0"
    echo "pcr1=$pcr1"
    echo "pcr2=$pcr2"
    echo "pcr8=$pcr8"
    echo "eif-path=$output"
    echo "eif-sha384=$eif_sha384"
    echo "record-path=$record"
    [ -z "$provenance" ] || echo "provenance-path=$provenance"
  } >> "$GITHUB_OUTPUT"
fi

if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  {
    echo "### Enclave image \`$(cell "$output")\`"
    echo
    echo "| | Value |"
    echo "| --- | --- |"
    echo "| PCR0 | \`$pcr0\` |"
    echo "| PCR1 | \`$pcr1\` |"
    echo "| PCR2 | \`$pcr2\` |"
    [ -z "$pcr8" ] || echo "| PCR8 | \`$pcr8\` |"
    echo "| EIF file | \`$eif_sha384\` |"
    echo "| Image digest | \`$(cell "${digest:-none}")\` |"
    echo
    echo "Image \`$(field .Image.Name)\` version \`$(field .Image.Version)\`, layout ${INPUT_COMPAT:-eifkit}, build time \`$(field .BuildTime)\`, $(field .BuildTool) $(field .BuildToolVersion)."
    echo
    if [ -n "$provenance" ]; then
      echo "Signed SLSA provenance: \`$(cell "$provenance")\`, builder \`$(cell "$builder")\`."
      echo
    fi
  } >> "$GITHUB_STEP_SUMMARY"
fi

if [ -n "${EIFKIT_DOTENV:-}" ]; then
  {
    echo "PCR0=$pcr0"
    echo "PCR1=$pcr1"
    echo "PCR2=$pcr2"
    [ -z "$pcr8" ] || echo "PCR8=$pcr8"
    echo "EIF_PATH=$output"
    echo "EIF_SHA384=$eif_sha384"
    echo "RECORD_PATH=$record"
    [ -z "$provenance" ] || echo "PROVENANCE_PATH=$provenance"
  } >> "$EIFKIT_DOTENV"
fi
