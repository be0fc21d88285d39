#!/usr/bin/env bash
# Differential test of the ClassAd language against HTCondor's classad2 (PyPI htcondor): random
# cases with a fresh seed each run (printed), classad2's answers written to a JSON file, then the
# Swift suite ClassAdDifferential compares ours. Usage: Tests/Interop/classad-test.sh [--cases N] [--seed S]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
python="$(Tests/Interop/setup-venv.sh)"
cases_file="$(mktemp "${TMPDIR:-/tmp}/classad-cases.XXXXXX")"
trap 'rm -f "$cases_file"' EXIT
"$python" Tests/Interop/classad_diff.py --out "$cases_file" "$@"
swift build --build-tests >/dev/null
CLASSAD_DIFF_CASES="$cases_file" swift test --skip-build --filter ClassAdDifferential
