#!/usr/bin/env bash
# The node's reference client test and crash test (issue #4 item 7): web3.py + eth-account against a
# real `iexec node`. Builds nothing: takes the iexec binary (default .build/debug/iexec).
# Usage: Tests/Interop/node-test.sh [path/to/iexec]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
iexec="${1:-${IEXEC:-.build/debug/iexec}}"
if [ ! -x "$iexec" ]; then
  echo "node-test: $iexec is not an executable; build it first (swift build)" >&2
  exit 1
fi
python="$(Tests/Interop/setup-venv.sh)"
# Each script makes its own temporary data dir and removes it, even on failure.
"$python" Tests/Interop/node_reference.py --iexec "$iexec"
"$python" Tests/Interop/node_crash.py --iexec "$iexec"
