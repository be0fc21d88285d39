#!/usr/bin/env bash
# The node's reference client tests and crash test (issues #4 and #6), and the multi-process cluster (#8): web3.py + eth-account against a
# real `iexec node` — JSON-RPC and PoCo, then the market and the storage it serves. Builds nothing: takes the iexec binary (default .build/debug/iexec).
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
"$python" Tests/Interop/market_storage_reference.py --iexec "$iexec"
"$python" Tests/Interop/node_crash.py --iexec "$iexec"
# The services as separate processes (node, scheduler, three workers) driven by the CLI (issue #8).
"$python" Tests/Interop/cluster_test.py --iexec "$iexec"
