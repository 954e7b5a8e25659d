#!/usr/bin/env bash
# Counts the tests that did not run (skipped, disabled, not run) in ctest's JUnit files
# (ctest --output-junit FILE), names each with its reason, and prints the total last:
#   skipped tests: N
# In CI (CI=true) any such test fails the run: there a missing prerequisite is a failure.
#   count_skipped.sh JUNIT.xml...
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: count_skipped.sh JUNIT.xml..." >&2; exit 2; }
status=0
python3 - "$@" << 'PY' || status=$?
import sys
import xml.etree.ElementTree as ET

total = 0
parts = []
for path in sys.argv[1:]:
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as e:
        sys.exit(f"count_skipped.sh: cannot read {path}: {e}")
    count = 0
    for case in root.iter("testcase"):
        if case.get("status") == "run" or case.find("failure") is not None:
            continue
        if case.get("status") == "fail":
            continue
        count += 1
        skipped = case.find("skipped")
        reason = skipped.get("message", "") if skipped is not None else case.get("status", "")
        out = case.findtext("system-out") or ""
        # gtest prints the reason on the line after "Skipped"; a script prints "skipped: ...".
        lines = out.splitlines()
        for i, line in enumerate(lines):
            if line.endswith(": Skipped") and i + 1 < len(lines):
                reason = lines[i + 1].strip()
                break
            if line.startswith("skipped: "):
                reason = line
                break
        print(f"  did not run: {case.get('name')} ({path}): {reason}")
    parts.append(f"{path}: {count}")
    total += count
print(f"skipped tests: {total} ({', '.join(parts)})")
sys.exit(3 if total else 0)
PY
case $status in
  0) exit 0 ;;
  3) ;;  # some did not run
  *) exit "$status" ;;
esac
case ${CI:-} in
  '' | 0 | false) exit 0 ;;
  *) echo "FAIL: CI=true and some tests did not run: each must run in CI"; exit 1 ;;
esac
